import Foundation

/// What a downstream broker reports to its upstream of one relayed alert's reach: the counts per step by region
/// and, when its settings allow (`relay.shareNames`), the establishments' names. Kept apart from the alert's
/// content at the upstream: never a revision.
public struct RelayedReach: Codable, Sendable, Hashable {
    /// The alert's id (the origin's, which every copy keeps).
    public var alertId: String
    /// The revision the downstream holds.
    public var revision: Int
    /// The counts by region code, as `ReachReport.byRegion`.
    public var byRegion: [String: ReachCounts]
    /// The establishments and the furthest step each reached, when the downstream shares names; empty otherwise.
    public var establishments: [RelayedEstablishment]

    public init(alertId: String, revision: Int, byRegion: [String: ReachCounts], establishments: [RelayedEstablishment] = []) {
        self.alertId = alertId
        self.revision = revision
        self.byRegion = byRegion
        self.establishments = establishments
    }

    /// The report of a downstream's reach of an alert, names kept only when `shareNames`.
    public static func make(_ report: ReachReport, shareNames: Bool) -> RelayedReach {
        RelayedReach(alertId: report.alertId, revision: report.revision, byRegion: report.byRegion,
                     establishments: shareNames ? report.rows.map { row in
                         RelayedEstablishment(name: row.orgName, region: row.region,
                                              step: row.step.rawValue)
                     } : [])
    }
}

/// One establishment a downstream broker reached, named when its settings allow.
public struct RelayedEstablishment: Codable, Sendable, Hashable {
    public var name: String
    public var region: String?
    /// `concerned`, `delivered`, `seen` or `acknowledged`: the furthest step reached.
    public var step: String

    public init(name: String, region: String?, step: String) {
        self.name = name
        self.region = region
        self.step = step
    }
}

/// The reach that downstream brokers reported for an alert, as the origin's reach view shows it.
public struct RelayedReachSummary: Codable, Sendable, Hashable {
    /// Every relayed establishment counted once per step.
    public var counts: ReachCounts
    /// The same by region.
    public var byRegion: [String: ReachCounts]
    /// Each reporting broker's organisation, with what it reported.
    public var reporters: [Reporter]

    /// One downstream broker's report.
    public struct Reporter: Codable, Sendable, Hashable {
        public var orgId: String
        public var orgName: String
        public var updatedAt: Date
        public var counts: ReachCounts
        public var establishments: [RelayedEstablishment]

        public init(orgId: String, orgName: String, updatedAt: Date, counts: ReachCounts, establishments: [RelayedEstablishment]) {
            self.orgId = orgId
            self.orgName = orgName
            self.updatedAt = updatedAt
            self.counts = counts
            self.establishments = establishments
        }
    }

    /// Sums the reports: establishments counted under their own region.
    public static func make(_ reports: [(orgId: String, orgName: String, updatedAt: Date, report: RelayedReach)]) -> RelayedReachSummary {
        var total = ReachCounts()
        var byRegion: [String: ReachCounts] = [:]
        var reporters: [Reporter] = []
        for entry in reports {
            var own = ReachCounts()
            for (region, counts) in entry.report.byRegion {
                byRegion[region, default: ReachCounts()].add(counts)
                own.add(counts)
            }
            total.add(own)
            reporters.append(Reporter(orgId: entry.orgId, orgName: entry.orgName, updatedAt: entry.updatedAt, counts: own,
                                      establishments: entry.report.establishments))
        }
        return RelayedReachSummary(counts: total, byRegion: byRegion, reporters: reporters)
    }
}

extension ReachCounts {
    /// Adds another set of counts to these.
    public mutating func add(_ other: ReachCounts) {
        concerned += other.concerned
        delivered += other.delivered
        seen += other.seen
        acknowledged += other.acknowledged
    }
}
