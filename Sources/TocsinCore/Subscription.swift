import Foundation

/// What a subscription wants to receive, on top of what its organisation's TLP clearance and region allow.
///
/// Empty lists mean "no restriction". A non-empty list matches when the alert shares at least one item with it
/// (keywords: one of them appears in the title, summary or body, ignoring case and accents).
public struct SubscriptionFilter: Codable, Sendable, Hashable {
    public var minSeverity: Severity?
    public var categories: [String]
    public var regions: [String]
    public var keywords: [String]
    public var cves: [String]
    /// Only alerts whose affected products match the organisation's declared inventory.
    public var onlyInventoryMatches: Bool
    /// Whether a pulled channel (a feed) lists drills (`exerciseId` alerts) too. Pushed channels (webhooks, email)
    /// always get drills: going through the real channels is the point of a drill.
    public var includeExercises: Bool
    /// Whether the subscription receives only the indicators the source stated: those Tocsin extracted from the
    /// prose (origin `extracted`) are left out of what it receives, for a SOC that feeds them to a blocklist.
    public var statedIndicatorsOnly: Bool

    public init(minSeverity: Severity? = nil, categories: [String] = [], regions: [String] = [], keywords: [String] = [], cves: [String] = [],
                onlyInventoryMatches: Bool = false, includeExercises: Bool = false, statedIndicatorsOnly: Bool = false) {
        self.onlyInventoryMatches = onlyInventoryMatches
        self.includeExercises = includeExercises
        self.statedIndicatorsOnly = statedIndicatorsOnly
        self.minSeverity = minSeverity
        self.categories = categories
        self.regions = regions
        self.keywords = keywords
        self.cves = cves
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minSeverity = try c.decodeIfPresent(Severity.self, forKey: .minSeverity)
        categories = try c.decodeIfPresent([String].self, forKey: .categories) ?? []
        regions = try c.decodeIfPresent([String].self, forKey: .regions) ?? []
        keywords = try c.decodeIfPresent([String].self, forKey: .keywords) ?? []
        cves = try c.decodeIfPresent([String].self, forKey: .cves) ?? []
        onlyInventoryMatches = try c.decodeIfPresent(Bool.self, forKey: .onlyInventoryMatches) ?? false
        includeExercises = try c.decodeIfPresent(Bool.self, forKey: .includeExercises) ?? false
        statedIndicatorsOnly = try c.decodeIfPresent(Bool.self, forKey: .statedIndicatorsOnly) ?? false
    }

    /// Every field, `includeExercises` and `statedIndicatorsOnly` only when set (a filter written before them reads
    /// the same).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(minSeverity, forKey: .minSeverity)
        try c.encode(categories, forKey: .categories)
        try c.encode(regions, forKey: .regions)
        try c.encode(keywords, forKey: .keywords)
        try c.encode(cves, forKey: .cves)
        try c.encode(onlyInventoryMatches, forKey: .onlyInventoryMatches)
        if includeExercises { try c.encode(true, forKey: .includeExercises) }
        if statedIndicatorsOnly { try c.encode(true, forKey: .statedIndicatorsOnly) }
    }

    enum CodingKeys: String, CodingKey { case minSeverity, categories, regions, keywords, cves, onlyInventoryMatches, includeExercises, statedIndicatorsOnly }

    /// Normalised copy (lower-case categories, upper-case CVEs) with each value checked.
    public func validated() throws(ValidationError) -> SubscriptionFilter {
        var filter = self
        filter.categories = categories.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        filter.cves = cves.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        for (index, cve) in filter.cves.enumerated() where !CVE.isValid(cve) {
            throw ValidationError(field: "filter.cves[\(index)]", message: "'\(cve.prefix(64))' is not a CVE id")
        }
        for (index, region) in regions.enumerated() where !Region.isKnown(region) {
            throw ValidationError(field: "filter.regions[\(index)]", message: "'\(region.prefix(16))' is not an INSEE region code")
        }
        filter.keywords = keywords.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for (index, keyword) in filter.keywords.enumerated() where keyword.count > 200 {
            throw ValidationError(field: "filter.keywords[\(index)]", message: "is longer than 200 characters")
        }
        for (name, list) in [("categories", filter.categories), ("regions", regions), ("keywords", filter.keywords), ("cves", filter.cves)] where list.count > 500 {
            throw ValidationError(field: "filter.\(name)", message: "has more than 500 items")
        }
        return filter
    }
}

/// An organisation's standing request to receive matching alerts on one channel.
public struct Subscription: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var orgId: String
    public var channel: Channel
    /// Webhook URL, email address, or empty for a feed.
    public var target: String
    public var filter: SubscriptionFilter
    public var active: Bool
    /// Why Tocsin turned the subscription off (a webhook answering 410 Gone), when it did.
    public var disabledReason: String?
    /// Whether each alert is sent at once or gathered into an hourly or daily digest (on the channels that take them).
    public var digest: DigestMode
    /// Whether the subscription also receives `alert.acknowledged` events when its organisation acknowledges an
    /// alert (so a SOC's tool can close its own ticket); channels that sign what they send only.
    public var acknowledgements: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String = TocsinID.make(), orgId: String, channel: Channel, target: String,
        filter: SubscriptionFilter = SubscriptionFilter(), active: Bool = true, disabledReason: String? = nil,
        digest: DigestMode = .immediate, acknowledgements: Bool = false, createdAt: Date = Date(), updatedAt: Date = Date()
    ) {
        self.acknowledgements = acknowledgements
        self.id = id
        self.orgId = orgId
        self.channel = channel
        self.target = target
        self.filter = filter
        self.active = active
        self.disabledReason = disabledReason
        self.digest = digest
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        orgId = try c.decode(String.self, forKey: .orgId)
        channel = try c.decode(Channel.self, forKey: .channel)
        target = try c.decode(String.self, forKey: .target)
        filter = try c.decodeIfPresent(SubscriptionFilter.self, forKey: .filter) ?? SubscriptionFilter()
        active = try c.decodeIfPresent(Bool.self, forKey: .active) ?? true
        disabledReason = try c.decodeIfPresent(String.self, forKey: .disabledReason)
        digest = try c.decodeIfPresent(DigestMode.self, forKey: .digest) ?? .immediate
        acknowledgements = try c.decodeIfPresent(Bool.self, forKey: .acknowledgements) ?? false
        createdAt = try c.decode(Date.self, forKey: .createdAt)
        updatedAt = try c.decode(Date.self, forKey: .updatedAt)
    }
}
