/// A Traffic Light Protocol 2.0 marking, on an alert or as an organisation's clearance.
///
/// Markings are ordered from the most shareable (`CLEAR`) to the most restricted (`RED`). An organisation
/// cleared for a level receives alerts marked at that level or below, never above. `TLP:WHITE` (TLP 1.0) is
/// read as `CLEAR`; a `TLP:` prefix and any letter case are accepted on input.
public enum TLP: String, Codable, Sendable, CaseIterable, Comparable {
    case clear = "CLEAR"
    case green = "GREEN"
    case amber = "AMBER"
    case amberStrict = "AMBER+STRICT"
    case red = "RED"

    /// Position in the order CLEAR < GREEN < AMBER < AMBER+STRICT < RED; stored in the database for indexing.
    public var rank: Int {
        switch self {
        case .clear: 0
        case .green: 1
        case .amber: 2
        case .amberStrict: 3
        case .red: 4
        }
    }

    public init?(rank: Int) {
        guard let tlp = TLP.allCases.first(where: { $0.rank == rank }) else { return nil }
        self = tlp
    }

    /// Parses a marking as people and tools write it: `AMBER`, `tlp:amber`, `TLP:AMBER+STRICT`, `WHITE`.
    public init?(parsing text: String) {
        var value = text.trimmingCharacters(in: .whitespaces).uppercased()
        if value.hasPrefix("TLP:") { value.removeFirst(4) }
        value = value.trimmingCharacters(in: .whitespaces)
        if value == "WHITE" { self = .clear; return }
        guard let tlp = TLP(rawValue: value) else { return nil }
        self = tlp
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let tlp = TLP(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "unknown TLP marking '\(text)'; expected CLEAR, GREEN, AMBER, AMBER+STRICT or RED"
            )
        }
        self = tlp
    }

    /// True when an organisation holding this clearance may receive an alert with the given marking.
    public func clears(_ marking: TLP) -> Bool { marking.rank <= rank }

    public static func < (lhs: TLP, rhs: TLP) -> Bool { lhs.rank < rhs.rank }

    /// The label as it is written in subjects and headers: `TLP:AMBER+STRICT`.
    public var label: String { "TLP:\(rawValue)" }
}

import Foundation
