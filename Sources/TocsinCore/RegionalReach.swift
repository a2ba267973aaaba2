import Foundation

/// A regional agency's view of an alert's reach: only the establishments of its own region, never another's. Pure:
/// the console's regional board reads the store's reach rows and the relay roll-up through it.
public enum RegionalReach {
    /// The rows of establishments whose region is `region` (a national body is not an establishment of a region),
    /// the furthest behind first, then by name.
    public static func rows(_ rows: [OrganisationReach], region: String) -> [OrganisationReach] {
        let keyed: [(row: OrganisationReach, key: String)] = rows.filter { $0.region == region }.map { ($0, nameKey($0.orgName)) }
        let sorted = keyed.sorted { (lhs: (row: OrganisationReach, key: String), rhs: (row: OrganisationReach, key: String)) -> Bool in
            lhs.row.step != rhs.row.step ? lhs.row.step < rhs.row.step : lhs.key < rhs.key
        }
        return sorted.map { $0.row }
    }

    /// A name's sort key, made once per name: case and accents folded, runs of digits compared by value ("CH 2" before
    /// "CH 10"), the order `localizedStandardCompare` gives, without its cost on every comparison.
    public static func nameKey(_ name: String) -> String {
        var key = "", digits = ""
        func flush() {
            if !digits.isEmpty { key += String(repeating: "0", count: max(0, 12 - digits.count)) + digits; digits = "" }
        }
        for character in name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) {
            if character.isASCII, character.isNumber { digits.append(character) } else { flush(); key.append(character) }
        }
        flush()
        return key
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
            .map { (establishment: $0, key: nameKey($0.name)) }.sorted { $0.key < $1.key }.map { $0.establishment }
        return Relayed(counts: report.byRegion[region] ?? ReachCounts(), establishments: establishments, updatedAt: entry.updatedAt)
    }
}
