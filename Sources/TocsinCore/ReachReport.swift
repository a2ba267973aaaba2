import Foundation

/// Who knows about an alert, made from its reach rows: how many organisations it concerns and how many it reached,
/// who is still uninformed and why, who has it but has not acknowledged it, the same counts by region, and how long
/// each step took. Pure: the store reads the rows, this decides what they mean.
///
/// Delays are counted from `concernedAt` (the publication of the revision that first concerned the organisation).
/// Percentiles are nearest-rank: the p-th percentile of n sorted values is the value at rank ⌈p × n⌉ (1-based), so
/// every figure is a delay that really happened.
public struct ReachReport: Codable, Sendable, Hashable {
    public var alertId: String
    public var revision: Int
    public var exerciseId: String?
    public var generatedAt: Date
    public var counts: ReachCounts
    /// Organisations nothing was delivered to, with why.
    public var uninformed: [UninformedOrganisation]
    /// Organisations delivered to that have not acknowledged, with the step they reached and since when.
    public var unacknowledged: [UnacknowledgedOrganisation]
    /// The counts by region code (`national` for national bodies, `none` for organisations with no region).
    public var byRegion: [String: ReachCounts]
    /// From publication to each step, over the organisations that reached it.
    public var delays: ReachDelays
    /// The rows the report was made from (the organisations that may still read the alert), for the CSV export.
    public var rows: [OrganisationReach]
    /// What downstream brokers reported of the establishments they relayed the alert to; nil when none did. Their
    /// counts are also in `byRegion`, under each establishment's region.
    public var relayed: RelayedReachSummary?

    enum CodingKeys: String, CodingKey {
        case alertId, revision, exerciseId, generatedAt, counts, uninformed, unacknowledged, byRegion, delays, relayed
    }

    /// The report with what downstream brokers reported: their establishments counted under their regions.
    public func addingRelayed(_ summary: RelayedReachSummary) -> ReachReport {
        var report = self
        report.relayed = summary
        for (region, counts) in summary.byRegion { report.byRegion[region, default: ReachCounts()].add(counts) }
        return report
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        alertId = try c.decode(String.self, forKey: .alertId)
        revision = try c.decode(Int.self, forKey: .revision)
        exerciseId = try c.decodeIfPresent(String.self, forKey: .exerciseId)
        generatedAt = try c.decode(Date.self, forKey: .generatedAt)
        counts = try c.decode(ReachCounts.self, forKey: .counts)
        uninformed = try c.decode([UninformedOrganisation].self, forKey: .uninformed)
        unacknowledged = try c.decode([UnacknowledgedOrganisation].self, forKey: .unacknowledged)
        byRegion = try c.decode([String: ReachCounts].self, forKey: .byRegion)
        delays = try c.decode(ReachDelays.self, forKey: .delays)
        relayed = try c.decodeIfPresent(RelayedReachSummary.self, forKey: .relayed)
        rows = []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(alertId, forKey: .alertId)
        try c.encode(revision, forKey: .revision)
        try c.encodeIfPresent(exerciseId, forKey: .exerciseId)
        try c.encode(generatedAt, forKey: .generatedAt)
        try c.encode(counts, forKey: .counts)
        try c.encode(uninformed, forKey: .uninformed)
        try c.encode(unacknowledged, forKey: .unacknowledged)
        try c.encode(byRegion, forKey: .byRegion)
        try c.encode(delays, forKey: .delays)
        try c.encodeIfPresent(relayed, forKey: .relayed)
    }

    /// The report for `alert` (its current revision) from its reach rows. Rows of organisations that may no longer
    /// read the current revision (its marking raised, its regions narrowed) are left out: the alert is no longer
    /// theirs to know.
    public static func make(alert: Alert, rows: [OrganisationReach], now: Date) -> ReachReport {
        let kept = rows.filter { alert.refusal(clearance: $0.clearance, region: $0.region) == nil }
        var byRegion: [String: ReachCounts] = [:]
        for row in kept { byRegion[regionKey(row.region), default: ReachCounts()].add(row) }
        return ReachReport(
            alertId: alert.id, revision: alert.revision, exerciseId: alert.exerciseId, generatedAt: now,
            counts: ReachCounts(kept), uninformed: kept.compactMap(UninformedOrganisation.init),
            unacknowledged: kept.compactMap(UnacknowledgedOrganisation.init), byRegion: byRegion,
            delays: ReachDelays(kept), rows: kept)
    }

    public init(alertId: String, revision: Int, exerciseId: String?, generatedAt: Date, counts: ReachCounts, uninformed: [UninformedOrganisation],
                unacknowledged: [UnacknowledgedOrganisation], byRegion: [String: ReachCounts], delays: ReachDelays, rows: [OrganisationReach]) {
        self.alertId = alertId
        self.revision = revision
        self.exerciseId = exerciseId
        self.generatedAt = generatedAt
        self.counts = counts
        self.uninformed = uninformed
        self.unacknowledged = unacknowledged
        self.byRegion = byRegion
        self.delays = delays
        self.rows = rows
    }

    /// The key a region is counted under: its INSEE code, `national` for national bodies, `none` for no region.
    public static func regionKey(_ region: String?) -> String {
        guard let region else { return "none" }
        return region == Region.all ? "national" : region
    }
}

/// How many organisations reached each step (a step reached counts for every earlier one).
public struct ReachCounts: Codable, Sendable, Hashable {
    public var concerned = 0
    public var delivered = 0
    public var seen = 0
    public var acknowledged = 0

    public init(concerned: Int = 0, delivered: Int = 0, seen: Int = 0, acknowledged: Int = 0) {
        self.concerned = concerned
        self.delivered = delivered
        self.seen = seen
        self.acknowledged = acknowledged
    }

    public init(_ rows: [OrganisationReach]) {
        for row in rows { add(row) }
    }

    public mutating func add(_ row: OrganisationReach) {
        concerned += 1
        let step = row.step
        if step >= .delivered { delivered += 1 }
        if step >= .seen { seen += 1 }
        if step >= .acknowledged { acknowledged += 1 }
    }
}

/// Why nothing reached an organisation the alert concerns. The raw value is a stable code.
public enum UninformedReason: String, Codable, Sendable, Hashable, CaseIterable {
    /// The organisation has no active subscription, and nothing was delivered.
    case noSubscription = "no-subscription"
    /// It has subscriptions, but none of their filters took the alert: nothing was planned.
    case filtered
    /// Deliveries wait or are under way, none failed yet.
    case pending
    /// A delivery failed and is due again.
    case failing
    /// Every delivery is dead (a 410 that disabled the subscription, an SMTP 5xx, retries exhausted).
    case deadLettered = "dead-lettered"
}

/// An organisation nothing was delivered to.
public struct UninformedOrganisation: Codable, Sendable, Hashable {
    public var orgId: String
    public var orgName: String
    public var region: String?
    public var reason: UninformedReason
    /// The reason in words, with the receiver's last answer when there is one.
    public var detail: String

    public init(orgId: String, orgName: String, region: String?, reason: UninformedReason, detail: String) {
        self.orgId = orgId
        self.orgName = orgName
        self.region = region
        self.reason = reason
        self.detail = detail
    }

    /// The row as uninformed, or nil when something was delivered.
    public init?(_ row: OrganisationReach) {
        guard row.delivered == nil else { return nil }
        let (reason, detail) = Self.reason(row)
        self.init(orgId: row.orgId, orgName: row.orgName, region: row.region, reason: reason, detail: detail)
    }

    /// Why nothing reached the organisation, from its deliveries and subscriptions.
    public static func reason(_ row: OrganisationReach) -> (UninformedReason, String) {
        let deliveries = row.deliveries.filter { $0.state != .superseded }
        if deliveries.isEmpty {
            return row.activeSubscriptions == 0
                ? (.noSubscription, "no active subscription")
                : (.filtered, "\(row.activeSubscriptions) active subscription(s), none of whose filters took the alert")
        }
        if let failing = deliveries.first(where: { $0.state == .retryScheduled }) {
            return (.failing, "\(failing.channel.rawValue) delivery failing, retry scheduled" + Self.lastAnswer(failing))
        }
        if deliveries.allSatisfy({ $0.state == .dead }) {
            let answers = deliveries.map { "\($0.channel.rawValue)\(Self.lastAnswer($0))" }
            return (.deadLettered, "every delivery dead-lettered: " + answers.joined(separator: "; "))
        }
        return (.pending, "delivery waiting or under way")
    }

    /// The receiver's last answer in words: a 410 disables the subscription, a 5xx from a mail server is a hard bounce.
    static func lastAnswer(_ delivery: DeliveryStanding) -> String {
        var words: [String] = []
        if let status = delivery.lastStatus {
            switch (delivery.channel.rawValue, status) {
            case ("webhook", 410): words.append("HTTP 410 Gone, subscription disabled")
            case ("email", 500...599): words.append("SMTP \(status), hard bounce")
            case ("email", _): words.append("SMTP \(status)")
            default: words.append("HTTP \(status)")
            }
        }
        if let error = delivery.lastError, !error.isEmpty { words.append(String(error.prefix(200))) }
        return words.isEmpty ? "" : " (" + words.joined(separator: ": ") + ")"
    }
}

/// An organisation the alert reached that has not acknowledged it.
public struct UnacknowledgedOrganisation: Codable, Sendable, Hashable {
    public var orgId: String
    public var orgName: String
    public var region: String?
    /// `delivered` or `seen`.
    public var step: ReachStep
    /// When it reached that step.
    public var since: Date

    public init(orgId: String, orgName: String, region: String?, step: ReachStep, since: Date) {
        self.orgId = orgId
        self.orgName = orgName
        self.region = region
        self.step = step
        self.since = since
    }

    /// The row as unacknowledged, or nil when it was acknowledged or never delivered.
    public init?(_ row: OrganisationReach) {
        guard row.acknowledged == nil, let delivered = row.delivered else { return nil }
        let step: ReachStep = row.seen == nil ? .delivered : .seen
        self.init(orgId: row.orgId, orgName: row.orgName, region: row.region, step: step, since: row.seen?.at ?? delivered.at)
    }
}

/// The delays from publication to each step.
public struct ReachDelays: Codable, Sendable, Hashable {
    public var delivered: DelaySummary
    public var seen: DelaySummary
    public var acknowledged: DelaySummary

    public init(delivered: DelaySummary, seen: DelaySummary, acknowledged: DelaySummary) {
        self.delivered = delivered
        self.seen = seen
        self.acknowledged = acknowledged
    }

    public init(_ rows: [OrganisationReach]) {
        func delays(_ mark: KeyPath<OrganisationReach, ReachMark?>) -> DelaySummary {
            DelaySummary(rows.compactMap { row in row[keyPath: mark].map { max(0, $0.at.timeIntervalSince(row.concernedAt)) } })
        }
        self.init(delivered: delays(\.delivered), seen: delays(\.seen), acknowledged: delays(\.acknowledged))
    }
}

/// How many delays, and their nearest-rank p50 and p90 and their max, in seconds; nil figures when there are none.
public struct DelaySummary: Codable, Sendable, Hashable {
    public var count: Int
    public var p50: Double?
    public var p90: Double?
    public var max: Double?

    public init(count: Int, p50: Double?, p90: Double?, max: Double?) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.max = max
    }

    public init(_ values: [Double]) {
        let sorted = values.sorted()
        self.init(count: sorted.count, p50: Self.percentile(sorted, 50), p90: Self.percentile(sorted, 90), max: sorted.last)
    }

    /// The nearest-rank `percent`-th percentile of sorted values: the value at rank ⌈percent × n / 100⌉ (1-based,
    /// in integers so that no rounding moves the rank); nil for none.
    public static func percentile(_ sorted: [Double], _ percent: Int) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = (percent * sorted.count + 99) / 100
        return sorted[Swift.min(sorted.count, Swift.max(1, rank)) - 1]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count, forKey: .count)
        try c.encodeIfPresent(p50, forKey: .p50)
        try c.encodeIfPresent(p90, forKey: .p90)
        try c.encodeIfPresent(max, forKey: .max)
    }

    enum CodingKeys: String, CodingKey { case count, p50, p90, max }
}
