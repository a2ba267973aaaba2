import Foundation
import TocsinTestSupport
import XCTest

/// The regional agency's board and the admin's bulk import, in the browser (`Console/region_board.py`,
/// `Console/admin_import.py`).
extension ConsoleBrowserTests {
    /// An agency of Normandie (28) with its relay token; two establishments of its region (one reached by email, one
    /// with no channel at all), and two of Île-de-France (11), one reached and one with no channel; a national alert
    /// that concerns all of them, and what the agency's own broker reported of the establishments it serves; an alert
    /// for Île-de-France only, whose page the agency cannot open.
    func testAnARSBoardShowsItsRegionOnly() async throws {
        func org(_ name: String, kind: String = "CH", region: String, email: String? = nil) async throws -> String {
            let created = try await broker.post("/api/v1/orgs", ["name": name, "kind": kind, "region": region, "tlpClearance": "AMBER", "locale": "fr"])
            XCTAssertEqual(created.status, 201, created.text)
            let id = try XCTUnwrap(created.json["id"] as? String)
            if let email {
                let subscribed = try await broker.post("/api/v1/subscriptions", ["orgId": id, "channel": "email", "target": email])
                XCTAssertEqual(subscribed.status, 201, subscribed.text)
            }
            return id
        }
        let agency = try await org("ARS Normandie", kind: "ARS", region: "28", email: "veille@ars-normandie.test")
        _ = try await org("CH de Dieppe", region: "28", email: "rssi@ch-dieppe.test")
        _ = try await org("CH d'Évreux", region: "28")
        _ = try await org("Hôpital Lariboisière", region: "11", email: "rssi@lariboisiere.test")
        _ = try await org("Clinique du Louvre", region: "11")
        let relayToken = try await broker.token("relay", org: agency)
        let alertId = try await broker.publish(alertJSON(title: "Faille critique des passerelles VPN", tlp: "GREEN", severity: "critical"))
        try await eventually(broker.log) { try self.sink.messages().count >= 3 }
        try await eventually(broker.log) {
            let reach = try await self.broker.get("/api/v1/alerts/\(alertId)/reach")
            return ((reach.json["counts"] as? [String: Any])?["delivered"] as? Int ?? 0) >= 3
        }
        // The agency's own broker reports an establishment it serves, and one of another region, which is not kept.
        let reported = try await broker.post("/api/v1/relay/reach", ["reports": [[
            "alertId": alertId, "revision": 1,
            "byRegion": ["28": ["concerned": 1, "delivered": 1, "seen": 1, "acknowledged": 1]],
            "establishments": [["name": "EHPAD de Fécamp", "region": "28", "step": "acknowledged"],
                               ["name": "Clinique parisienne relayée", "region": "11", "step": "delivered"]],
        ]]], token: relayToken)
        XCTAssertEqual(reported.status, 202, reported.text)
        // An alert for Île-de-France only, which the agency of Normandie may not read.
        let otherAlertId = try await broker.publish(alertJSON(title: "Alerte francilienne", tlp: "GREEN", regions: ["11"]))
        try runScript("region_board.py", [
            "relayToken": relayToken, "alertId": alertId, "otherAlertId": otherAlertId,
            // ARS Normandie and CH de Dieppe delivered by email, CH d'Évreux with no channel.
            "ownCounts": ["concerned": "3", "delivered": "2", "acknowledged": "0", "unreached": "1"],
            "ownRegion": ["CH de Dieppe", "CH d'Évreux", "ARS Normandie"], "relayedOwn": "EHPAD de Fécamp",
            "otherRegion": ["Hôpital Lariboisière", "Clinique du Louvre", "Clinique parisienne relayée"],
            "unreachable": "CH d'Évreux", "reachable": "CH de Dieppe",
        ])
        keep("ars-board", as: "console-ars-board")
        keep("ars-alert", as: "console-ars-alert")
    }

    /// 3,000 establishments through the import page: a file with a bad row is refused with that row's line and
    /// nothing stored, then the good file's dry run, its application, and the same file again changing nothing.
    func testACSVImportOf3000EstablishmentsThroughTheConsole() async throws {
        let count = 3_000
        let badRow = 1_234
        let bad = EstablishmentsCSV.make(count: count, badRow: badRow)
        let good = EstablishmentsCSV.make(count: count)
        let badFile = broker.dataDir + "/etablissements-faux.csv"
        let goodFile = broker.dataDir + "/etablissements.csv"
        try Data(bad.csv.utf8).write(to: URL(fileURLWithPath: badFile))
        try Data(good.csv.utf8).write(to: URL(fileURLWithPath: goodFile))
        let before = try await broker.get("/api/v1/orgs?limit=500")
        XCTAssertEqual(before.status, 200, before.text)
        try runScript("admin_import.py", [
            "adminToken": broker.adminToken, "badFile": badFile, "goodFile": goodFile, "count": count,
            "badLine": bad.lines[badRow - 1],
        ])
        keep("admin-import-refused", as: "console-admin-import-refused")
        // Every establishment is there once, found by its FINESS number.
        var seen = Set<String>()
        var cursor: String?
        repeat {
            let page = try await broker.get("/api/v1/orgs?limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""))
            XCTAssertEqual(page.status, 200, page.text)
            for item in page.items { if let finess = item["finess"] as? String { seen.insert(finess) } }
            cursor = page.json["nextCursor"] as? String
        } while cursor != nil
        XCTAssertEqual(seen.count, count)
        XCTAssertTrue(seen.contains(EstablishmentsCSV.finess(serial: badRow)))
    }

    /// Keeps a screenshot of this run in `docs/images/<name>.png`, which docs/console.md shows, when
    /// `TOCSIN_KEEP_SCREENSHOTS=1` is set (an ordinary run leaves the working tree as it found it).
    func keep(_ shot: String, as name: String) {
        guard ProcessInfo.processInfo.environment["TOCSIN_KEEP_SCREENSHOTS"] == "1" else { return }
        let source = URL(fileURLWithPath: Self.screenshots + "/\(shot).png")
        guard FileManager.default.fileExists(atPath: source.path) else { return }
        let kept = Self.repository.appendingPathComponent("docs/images/\(name).png")
        try? FileManager.default.createDirectory(at: kept.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: kept)
        try? FileManager.default.copyItem(at: source, to: kept)
    }
}
