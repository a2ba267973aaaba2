import Foundation

/// How bad an alert is, from `info` to `critical`; ordered so that filters can ask for a minimum.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case info
    case low
    case medium
    case high
    case critical

    /// 0 for `info` up to 4 for `critical`; stored in the database for indexing.
    public var rank: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public init?(rank: Int) {
        guard let severity = Severity.allCases.first(where: { $0.rank == rank }) else { return nil }
        self = severity
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let severity = Severity(rawValue: text.lowercased()) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown severity '\(text)'; expected critical, high, medium, low or info"
            )
        }
        self = severity
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
