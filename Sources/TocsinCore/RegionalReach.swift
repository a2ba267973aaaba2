import Foundation

/// A regional agency's view of an alert's reach: only the establishments of its own region, never another's. Pure:
/// the console's regional board reads the store's reach rows and the relay roll-up through it.
public enum RegionalReach {
    /// The rows of establishments whose region is `region` (a national body is not an establishment of a region),
    /// the furthest behind first, then by name.
    public static func rows(_ rows: [OrganisationReach], region: String) -> [OrganisationReach] {
        rows.filter { $0.region == region }.sorted { lhs, rhs in
            lhs.step != rhs.step ? lhs.step < rhs.step : lhs.orgName.localizedStandardCompare(rhs.orgName) == .orderedAscending
        }
    }

    /// How many of `rows` reached each step.
    public static func counts(_ rows: [OrganisationReach]) -> ReachCounts { ReachCounts(rows) }

    /// What the agency's own downstream broker reported of an alert, narrowed to its region.
    public struct Relayed: Sendable, Hashable {
        public var counts: ReachCounts
        public var establishments: [RelayedEstablishment]
        public var updatedAt: Date
    }

    /// The report `reporter` (the agency's organisation) sent for the alert, with only the counts and establishments
    /// of `region`; nil when it sent none or it cannot be read. Reports of other organisations are never read.
    public static func relayed(_ reports: [(reporterOrgId: String, json: String, updatedAt: Date)], reporter: String, region: String) -> Relayed? {
        guard let entry = reports.first(where: { $0.reporterOrgId == reporter }),
              let report = try? TocsinJSON.decoder().decode(RelayedReach.self, from: Data(entry.json.utf8)) else { return nil }
        let establishments = report.establishments.filter { $0.region == region }
            .sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
        return Relayed(counts: report.byRegion[region] ?? ReachCounts(), establishments: establishments, updatedAt: entry.updatedAt)
    }
}
