import Foundation

/// A peer saw one of an alert's indicators in its own network. Who saw it stays with the CERT: peers never learn it.
public struct Sighting: Codable, Sendable, Hashable {
    public var alertId: String
    public var indicatorType: Indicator.Kind
    public var indicatorValue: String
    public var orgId: String
    /// The organisation's region when it reported (`Region.all` or nil for a body of no region).
    public var region: String?
    public var at: Date

    public init(alertId: String, indicatorType: Indicator.Kind, indicatorValue: String, orgId: String, region: String?, at: Date) {
        self.alertId = alertId
        self.indicatorType = indicatorType
        self.indicatorValue = indicatorValue
        self.orgId = orgId
        self.region = region
        self.at = at
    }
}

/// What a peer sends to report sightings: the indicators it saw, by type and value, each one of the alert's.
public struct SightingReport: Codable, Sendable {
    public struct Seen: Codable, Sendable, Hashable {
        public var type: Indicator.Kind
        public var value: String
    }

    public var indicators: [Seen]
    /// When it was seen; now when unsaid.
    public var seenAt: Date?
}

/// How many establishments and regions saw each indicator of an alert: the count the CERT reads ("seen at 3
/// establishments, 2 regions"), naming no one. Pure.
public struct SightingSummary: Codable, Sendable, Hashable {
    public struct Line: Codable, Sendable, Hashable {
        public var type: Indicator.Kind
        public var value: String
        public var organisations: Int
        public var regions: Int
        public var firstSeenAt: Date?
        public var lastSeenAt: Date?
    }

    public var alertId: String
    public var indicators: [Line]
    /// Establishments that reported at least one sighting.
    public var organisations: Int

    /// The summary of `sightings` for the alert's `indicators`, in the alert's order (unseen ones with zero).
    public static func make(alertId: String, indicators: [Indicator], sightings: [Sighting]) -> SightingSummary {
        var byKey: [String: [Sighting]] = [:]
        for sighting in sightings {
            byKey[IndicatorIntake.key(Indicator(type: sighting.indicatorType, value: sighting.indicatorValue)), default: []].append(sighting)
        }
        var seenKeys = Set<String>()
        let lines = indicators.compactMap { indicator -> Line? in
            let key = IndicatorIntake.key(indicator)
            guard seenKeys.insert(key).inserted else { return nil }
            let seen = byKey[key] ?? []
            return Line(type: indicator.type, value: indicator.value, organisations: Set(seen.map(\.orgId)).count,
                        regions: Set(seen.compactMap(\.region).filter { $0 != Region.all }).count,
                        firstSeenAt: seen.map(\.at).min(), lastSeenAt: seen.map(\.at).max())
        }
        return SightingSummary(alertId: alertId, indicators: lines, organisations: Set(sightings.map(\.orgId)).count)
    }
}
