import TocsinCore

/// The qualitative rating of a CVSS score (`None` to `Critical`), as the FIRST specifications band it.
///
/// CVSS v3.x and v4.0 use none 0.0, low 0.1–3.9, medium 4.0–6.9, high 7.0–8.9 and critical 9.0–10.0. CVSS v2.0
/// (NVD's convention, the v2 guide defines no bands) has no `critical` and no `none`: low 0.0–3.9, medium 4.0–6.9,
/// high 7.0–10.0.
public enum CVSSSeverity: String, Sendable, Hashable, CaseIterable, Comparable {
    case none
    case low
    case medium
    case high
    case critical

    /// The band `score` falls in for `version`; scores are expected on CVSS's one-decimal 0.0–10.0 scale.
    public init(score: Double, version: CVSSVersion) {
        switch version {
        case .v2_0:
            self = score < 4.0 ? .low : score < 7.0 ? .medium : .high
        case .v3_0, .v3_1, .v4_0:
            // Scores are one-decimal values, so comparing with the band's lower bound is exact and leaves no gap
            // between 3.9 and 4.0 for an unrounded input.
            if score <= 0 {
                self = .none
            } else if score < 4.0 {
                self = .low
            } else if score < 7.0 {
                self = .medium
            } else if score < 9.0 {
                self = .high
            } else {
                self = .critical
            }
        }
    }

    /// The same rating on Tocsin's scale; CVSS `none` becomes `info`.
    public var tocsinSeverity: Severity {
        switch self {
        case .none: .info
        case .low: .low
        case .medium: .medium
        case .high: .high
        case .critical: .critical
        }
    }

    public static func < (lhs: CVSSSeverity, rhs: CVSSSeverity) -> Bool {
        lhs.tocsinSeverity < rhs.tocsinSeverity
    }
}
