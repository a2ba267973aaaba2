/// A version of the Common Vulnerability Scoring System that Tocsin can parse and score.
///
/// The raw value is the version string Core's `CVSSScore.version` carries (`2.0`, `3.0`, `3.1`, `4.0`).
public enum CVSSVersion: String, Sendable, Hashable, CaseIterable, Comparable {
    case v2_0 = "2.0"
    case v3_0 = "3.0"
    case v3_1 = "3.1"
    case v4_0 = "4.0"

    /// The prefix a vector of this version starts with; CVSS v2.0 vectors have none.
    public var vectorPrefix: String? {
        switch self {
        case .v2_0: nil
        case .v3_0: "CVSS:3.0"
        case .v3_1: "CVSS:3.1"
        case .v4_0: "CVSS:4.0"
        }
    }

    public static func < (lhs: CVSSVersion, rhs: CVSSVersion) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
