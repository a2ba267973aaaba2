import Foundation

/// What a drill measured, over every alert of one exercise: how many organisations it reached, how fast each
/// organisation and each region acknowledged, and who could not be reached or never acknowledged. The measure an
/// exercise programme asks for. Pure: made from the reach reports of the exercise's alerts.
public struct ExerciseReport: Codable, Sendable, Hashable {
    public var exerciseId: String
    public var generatedAt: Date
    public var alerts: [ExerciseAlert]
    /// The counts over every alert × organisation concerned.
    public var counts: ReachCounts
    /// Publication → acknowledgement, over every acknowledgement of the exercise.
    public var timeToAcknowledge: DelaySummary
    public var byOrganisation: [ExerciseOrganisation]
    /// Region code (`national`, `none`) → counts and time to acknowledge.
    public var byRegion: [String: ExerciseRegion]
    /// Organisations an alert of the exercise never reached, with why.
    public var unreachable: [ExerciseUninformed]
    /// Organisations an alert reached that never acknowledged it.
    public var neverAcknowledged: [ExerciseUnacknowledged]

    /// One alert of the exercise.
    public struct ExerciseAlert: Codable, Sendable, Hashable {
        public var id: String
        public var revision: Int
        public var counts: ReachCounts
    }

    /// One organisation over the exercise's alerts.
    public struct ExerciseOrganisation: Codable, Sendable, Hashable {
        public var orgId: String
        public var orgName: String
        public var region: String?
        public var counts: ReachCounts
        public var timeToAcknowledge: DelaySummary
    }

    /// One region over the exercise's alerts.
    public struct ExerciseRegion: Codable, Sendable, Hashable {
        public var counts: ReachCounts
        public var timeToAcknowledge: DelaySummary
    }

    /// An uninformed organisation, with the alert it missed.
    public struct ExerciseUninformed: Codable, Sendable, Hashable {
        public var alertId: String
        public var organisation: UninformedOrganisation
    }

    /// An unacknowledged organisation, with the alert it did not acknowledge.
    public struct ExerciseUnacknowledged: Codable, Sendable, Hashable {
        public var alertId: String
        public var organisation: UnacknowledgedOrganisation
    }

    /// The exercise's report from the reach reports of its alerts (each already limited to who may read it).
    public static func make(exerciseId: String, reports: [ReachReport], now: Date) -> ExerciseReport {
        var counts = ReachCounts()
        var ackDelays: [Double] = []
        var orgs: [String: (row: OrganisationReach, counts: ReachCounts, delays: [Double])] = [:]
        var orgOrder: [String] = []
        var regions: [String: (counts: ReachCounts, delays: [Double])] = [:]
        for report in reports {
            for row in report.rows {
                counts.add(row)
                let delay = row.acknowledged.map { max(0, $0.at.timeIntervalSince(row.concernedAt)) }
                if let delay { ackDelays.append(delay) }
                if orgs[row.orgId] == nil { orgOrder.append(row.orgId); orgs[row.orgId] = (row, ReachCounts(), []) }
                orgs[row.orgId]!.counts.add(row)
                if let delay { orgs[row.orgId]!.delays.append(delay) }
                let key = ReachReport.regionKey(row.region)
                regions[key, default: (ReachCounts(), [])].counts.add(row)
                if let delay { regions[key]!.delays.append(delay) }
            }
        }
        return ExerciseReport(
            exerciseId: exerciseId, generatedAt: now,
            alerts: reports.map { ExerciseAlert(id: $0.alertId, revision: $0.revision, counts: $0.counts) },
            counts: counts, timeToAcknowledge: DelaySummary(ackDelays),
            byOrganisation: orgOrder.map { id in
                let entry = orgs[id]!
                return ExerciseOrganisation(orgId: id, orgName: entry.row.orgName, region: entry.row.region, counts: entry.counts,
                                            timeToAcknowledge: DelaySummary(entry.delays))
            },
            byRegion: regions.mapValues { ExerciseRegion(counts: $0.counts, timeToAcknowledge: DelaySummary($0.delays)) },
            unreachable: reports.flatMap { report in report.uninformed.map { ExerciseUninformed(alertId: report.alertId, organisation: $0) } },
            neverAcknowledged: reports.flatMap { report in report.unacknowledged.map { ExerciseUnacknowledged(alertId: report.alertId, organisation: $0) } })
    }
}
