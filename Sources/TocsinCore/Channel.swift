import Foundation

/// How a subscription receives alerts: the name of a channel, as the API, the command line and the store write it
/// (`webhook`, `email`, `feed`).
///
/// The model only carries the name. The channels themselves, and so the names that exist, are declared in
/// TocsinDelivery, one folder each, and listed by its `ChannelRegistry`; a name no channel declares is refused
/// where it comes in (the API, the command line) and where it is read back (the store).
public struct Channel: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(_ name: String) {
        self.init(rawValue: name)
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: Channel, rhs: Channel) -> Bool { lhs.rawValue < rhs.rawValue }
}
