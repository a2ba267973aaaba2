import Foundation
import XCTest

/// The defects an outside review found on the API's edges, one test each: strict JSON, error texts that name what
/// to change, contacts kept from publishers, the SSRF guard at creation, method errors, readiness on a full disk.
final class HardeningTests: BrokerTestCase {
    func raw(_ method: String, _ path: String, _ body: String, token: String? = nil) async throws -> BrokerProcess.Answer {
        try await broker.request(method, path, token: token ?? broker.adminToken, raw: Array(body.utf8))
    }

    func testATypoNoLongerBroadcastsNationally() async throws {
        let normandie = try await broker.createOrg("CHU de Rouen", clearance: "AMBER", region: "28")
        _ = try await broker.subscribeWebhook(org: normandie, url: receiver.url("rouen"))
        let typo = try await raw("POST", "/api/v1/alerts",
                                 #"{"title":"Rançongiciel","summary":"s","severity":"high","tlp":"GREEN","region":["11"]}"#)
        XCTAssertEqual(typo.status, 422, typo.text)
        XCTAssertEqual(typo.json["field"] as? String, "region")
        XCTAssertTrue((typo.json["detail"] as? String)?.contains("unknown key 'region'") == true, typo.text)
        let value1 = try await broker.get("/api/v1/alerts").items.count
        XCTAssertEqual(value1, 0, "nothing was stored")

        for (body, field) in [(#"{"title":"t","summary":"s","severity":"high","tlp":"GREEN","id":"x"}"#, "id"),
                              (#"{"title":"t","summary":"s","severity":"high","tlp":"GREEN","status":"cancelled"}"#, "status"),
                              (#"{"title":"t","summary":"s","severity":"high","tlp":"GREEN","indicators":[{"type":"ipv4","value":"203.0.113.9","tpye":"x"}]}"#, "indicators[0].tpye")] {
            let answer = try await raw("POST", "/api/v1/alerts", body)
            XCTAssertEqual(answer.status, 422, answer.text)
            XCTAssertEqual(answer.json["field"] as? String, field, answer.text)
        }
        let filterTypo = try await broker.post("/api/v1/subscriptions", ["orgId": normandie, "channel": "feed", "filter": ["minSeverty": "high"]])
        XCTAssertEqual(filterTypo.status, 422, filterTypo.text)
        XCTAssertEqual(filterTypo.json["field"] as? String, "filter.minSeverty")
        let orgTypo = try await broker.post("/api/v1/orgs", ["name": "CH X", "regoin": "28"])
        XCTAssertEqual(orgTypo.status, 422)
    }

    func testDuplicateKeysAreRefusedSoNoGatewayCanDisagreeOnTheMarking() async throws {
        let answer = try await raw("POST", "/api/v1/alerts", #"{"title":"t","summary":"s","severity":"high","tlp":"RED","tlp":"CLEAR"}"#)
        XCTAssertEqual(answer.status, 422, answer.text)
        XCTAssertEqual(answer.json["field"] as? String, "tlp")
        XCTAssertTrue(answer.text.contains("appears twice"), answer.text)
        let value1 = try await broker.get("/api/v1/alerts").items.count
        XCTAssertEqual(value1, 0)
    }

    func testErrorTextsNameWhatToChangeNotSwiftInternals() async throws {
        let role = try await broker.post("/api/v1/tokens", ["role": "superuser"])
        XCTAssertEqual(role.status, 422, role.text)
        let detail = role.json["detail"] as? String ?? ""
        XCTAssertFalse(detail.contains("Cannot initialize"), detail)
        XCTAssertTrue(detail.contains("'superuser' is not one of admin, publisher, subscriber, relay"), detail)

        let big = [UInt8](repeating: UInt8(ascii: " "), count: (32 << 20) + 1024) + Array("{}".utf8)
        let ingest = try await broker.request("POST", "/api/v1/ingest/auto", token: broker.adminToken, raw: big)
        XCTAssertEqual(ingest.status, 413)
        XCTAssertTrue(ingest.text.contains("ingest.maxDocumentBytes"), ingest.text)
        XCTAssertFalse(ingest.text.contains("api.maxBodyBytes"), ingest.text)

        let put = try await broker.request("PUT", "/api/v1/alerts", token: broker.adminToken, json: alertJSON())
        XCTAssertEqual(put.status, 405, put.text)
        XCTAssertNotNil(put.header("Allow"))
        let deleteAlert = try await broker.request("DELETE", "/api/v1/alerts/abc", token: broker.adminToken)
        XCTAssertEqual(deleteAlert.status, 405, deleteAlert.text)
    }

    func testAnOutOfRangeCVSSScoreRejectsTheDocument() async throws {
        let csaf = #"""
        {"document":{"category":"csaf_security_advisory","csaf_version":"2.0","title":"Score hors bornes",
         "publisher":{"category":"vendor","name":"Exemple","namespace":"https://example.org"},
         "tracking":{"id":"EX-2026-1","status":"final","version":"1","initial_release_date":"2026-11-01T00:00:00Z",
          "current_release_date":"2026-11-01T00:00:00Z","revision_history":[{"date":"2026-11-01T00:00:00Z","number":"1","summary":"x"}]}},
         "vulnerabilities":[{"cve":"CVE-2026-0001","scores":[{"products":[],"cvss_v3":{"version":"3.1",
          "vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":-1e308,"baseSeverity":"CRITICAL"}}]}]}
        """#
        let answer = try await raw("POST", "/api/v1/ingest/csaf", csaf)
        XCTAssertEqual(answer.status, 422, answer.text)
        XCTAssertEqual(answer.json["field"] as? String, "vulnerabilities[0].scores[0].cvss_v3.baseScore", answer.text)
    }

    func testContactsAreShownToAdminsAndTheirOwnOrganisationOnly() async throws {
        let answer = try await broker.post("/api/v1/orgs", ["name": "CHU de Caen", "region": "28", "tlpClearance": "AMBER",
                                                            "contacts": [["email": "rssi@chu-caen.fr", "name": "RSSI", "role": "rssi"]]])
        let org = try XCTUnwrap(answer.json["id"] as? String)
        let publisher = try await broker.post("/api/v1/tokens", ["role": "publisher"]).json["token"] as! String
        let own = try await broker.post("/api/v1/tokens", ["role": "subscriber", "orgId": org]).json["token"] as! String
        let listed = try await broker.get("/api/v1/orgs", token: publisher)
        XCTAssertEqual(listed.status, 200)
        XCTAssertFalse(listed.text.contains("rssi@chu-caen.fr"), listed.text)
        let shown = try await broker.get("/api/v1/orgs/\(org)", token: publisher)
        XCTAssertFalse(shown.text.contains("rssi@chu-caen.fr"))
        XCTAssertEqual(shown.json["name"] as? String, "CHU de Caen")
        let ownView = try await broker.get("/api/v1/orgs/\(org)", token: own)
        XCTAssertTrue(ownView.text.contains("rssi@chu-caen.fr"))
        let adminView = try await broker.get("/api/v1/orgs/\(org)")
        XCTAssertTrue(adminView.text.contains("rssi@chu-caen.fr"))
    }

    func testTheLedgerNamesOrganisationsAndShowsTargetsToAdminsAndTheirOrganisationOnly() async throws {
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("rouen-secret-path"))
        let id = try await broker.publish(alertJSON())
        let asAdmin = try await broker.deliveries(alert: id)
        XCTAssertEqual(asAdmin.first?["orgName"] as? String, "CHU de Rouen")
        XCTAssertEqual(asAdmin.first?["target"] as? String, receiver.url("rouen-secret-path"))
        let publisher = try await broker.token("publisher")
        let asPublisher = try await broker.get("/api/v1/deliveries?alertId=\(id)", token: publisher).items
        XCTAssertEqual(asPublisher.first?["orgName"] as? String, "CHU de Rouen")
        XCTAssertNil(asPublisher.first?["target"])
        let own = try await broker.token("subscriber", org: org)
        let asOwn = try await broker.get("/api/v1/deliveries?alertId=\(id)", token: own).items
        XCTAssertEqual(asOwn.first?["target"] as? String, receiver.url("rouen-secret-path"))
    }

    func testTheSSRFGuardRefusesAtCreationWhatItWouldRefuseAtSendTime() async throws {
        let org = try await broker.createOrg("CH de Bayeux", clearance: "GREEN")
        for target in ["http://[fe80::1%25eth0]/hook", "http://[::10.0.0.1]/hook", "https://hooks.example.org:99999/x"] {
            let answer = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "webhook", "target": target])
            XCTAssertEqual(answer.status, 422, "\(target): \(answer.text)")
        }
    }
}

/// Readiness means the store accepts a write: on a full disk `/readyz` answers 503, and start-up on a read-only or
/// full data directory says which path and what to do.
final class DiskTests: XCTestCase {
    func testReadinessFailsOnAFullDiskAndStartUpErrorsNameThePath() async throws {
        let mountPoint = NSTemporaryDirectory() + "tocsin-full-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=3m", "tmpfs", mountPoint]
        mount.standardError = FileHandle.nullDevice
        try? mount.run()
        mount.waitUntilExit()
        try XCTSkipUnless(mount.terminationStatus == 0, "mounting a small tmpfs needs root; skipped")
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint]
            try? umount.run()
            umount.waitUntilExit()
        }
        let broker = try await BrokerProcess.start(dataDir: mountPoint + "/broker")
        defer { broker.stop() }
        let ready = try await broker.request("GET", "/readyz", token: nil)
        XCTAssertEqual(ready.status, 200, ready.text)
        // Fill the disk.
        let filler = mountPoint + "/filler"
        FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        let chunk = Data(repeating: 0x41, count: 64 << 10)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()
        var full = try await broker.request("GET", "/readyz", token: nil)
        // The probe's answer is reused for a second, so readiness may lag that much.
        for _ in 0..<30 where full.status == 200 {
            try await Task.sleep(for: .milliseconds(200))
            _ = try? await broker.request("POST", "/api/v1/alerts", token: broker.adminToken, json: alertJSON())
            full = try await broker.request("GET", "/readyz", token: nil)
        }
        XCTAssertEqual(full.status, 503, full.text)
        broker.stop()

        // A read-only data directory is named, with what to do.
        let readOnly = NSTemporaryDirectory() + "tocsin-ro-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: readOnly)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: readOnly) }
        let other = try BrokerProcess()
        let result = try other.cli(["migrate", "--data-dir", readOnly + "/sub"], withDataDir: false)
        if getuid() != 0 {
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains(readOnly), result.stderr)
            XCTAssertTrue(result.stderr.contains("writable"), result.stderr)
        }
        let onFull = try other.cli(["migrate", "--data-dir", mountPoint + "/other"], withDataDir: false)
        XCTAssertNotEqual(onFull.status, 0)
        XCTAssertTrue(onFull.stderr.contains(mountPoint), onFull.stderr)
        XCTAssertTrue(onFull.stderr.contains("no space left") || onFull.stderr.contains("disk is full"), onFull.stderr)
    }
}
