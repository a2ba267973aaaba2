import Foundation
import TocsinCore
import XCTest

/// A regional agency sees its own region's establishments, never another's, in the reach rows and in what its broker
/// reported.
final class RegionalReachTests: XCTestCase {
    func row(_ name: String, region: String?, delivered: Bool = false, acknowledged: Bool = false) -> OrganisationReach {
        let mark = ReachMark(at: Date(timeIntervalSince1970: 1_800_000_000), channel: "email")
        return OrganisationReach(alertId: "a1", orgId: "org-\(name)", orgName: name, region: region, clearance: .amber,
                                 concernedAt: Date(timeIntervalSince1970: 1_800_000_000), concernedRevision: 1,
                                 delivered: delivered || acknowledged ? mark : nil, acknowledged: acknowledged ? mark : nil)
    }

    func testOnlyTheRegionsEstablishmentsFurthestBehindFirst() {
        let rows = [
            row("CH de Dieppe", region: "28", delivered: true),
            row("Hôpital Lariboisière", region: "11", acknowledged: true),
            row("CERT Santé", region: Region.all),
            row("CH d'Évreux", region: "28"),
            row("Sans région", region: nil),
            row("CHU de Rouen", region: "28", acknowledged: true),
        ]
        let mine = RegionalReach.rows(rows, region: "28")
        XCTAssertEqual(mine.map(\.orgName), ["CH d'Évreux", "CH de Dieppe", "CHU de Rouen"])
        let counts = RegionalReach.counts(mine)
        XCTAssertEqual(counts, ReachCounts(concerned: 3, delivered: 2, seen: 1, acknowledged: 1))
    }

    func testTheRelayRollUpIsTheAgencysOwnReportNarrowedToItsRegion() throws {
        let own = RelayedReach(alertId: "a1", revision: 1,
                               byRegion: ["28": ReachCounts(concerned: 2, delivered: 2, seen: 1, acknowledged: 1),
                                          "11": ReachCounts(concerned: 5, delivered: 5)],
                               establishments: [RelayedEstablishment(name: "EHPAD de Fécamp", region: "28", step: "acknowledged"),
                                                RelayedEstablishment(name: "Clinique parisienne", region: "11", step: "delivered")])
        let other = RelayedReach(alertId: "a1", revision: 1, byRegion: ["28": ReachCounts(concerned: 9)],
                                 establishments: [RelayedEstablishment(name: "Établissement d'un autre relais", region: "28", step: "delivered")])
        func json(_ report: RelayedReach) throws -> String { String(decoding: try TocsinJSON.encoder().encode(report), as: UTF8.self) }
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let reports = [(reporterOrgId: "other", json: try json(other), updatedAt: at), (reporterOrgId: "ars-28", json: try json(own), updatedAt: at)]
        let relayed = try XCTUnwrap(RegionalReach.relayed(reports, reporter: "ars-28", region: "28"))
        XCTAssertEqual(relayed.counts, ReachCounts(concerned: 2, delivered: 2, seen: 1, acknowledged: 1))
        XCTAssertEqual(relayed.establishments.map(\.name), ["EHPAD de Fécamp"])
        XCTAssertNil(RegionalReach.relayed(reports, reporter: "nobody", region: "28"))
        XCTAssertNil(RegionalReach.relayed([(reporterOrgId: "ars-28", json: "not json", updatedAt: at)], reporter: "ars-28", region: "28"))
    }

    func testNamesSortAsPeopleReadThemNumbersByValueAccentsAndCaseFolded() {
        let names = ["EHPAD 10", "ehpad 2", "Éhpad 3", "CH de Dieppe", "CH d'Évreux", "CHU de Rouen"]
        let sorted = names.sorted { RegionalReach.nameKey($0) < RegionalReach.nameKey($1) }
        XCTAssertEqual(sorted, ["CH d'Évreux", "CH de Dieppe", "CHU de Rouen", "ehpad 2", "Éhpad 3", "EHPAD 10"])
    }
}
