import Foundation
import XCTest

/// Three real brokers: a national one and two ARS brokers (Normandie, Île-de-France), each a `tocsin serve` process
/// with its own data directory and port, following the national one with a relay token it issued; and the
/// establishments' webhook receivers.
final class RelayTests: XCTestCase {
    var national: BrokerProcess!
    var normandie: BrokerProcess!
    var idf: BrokerProcess!
    var receiver: WebhookReceiver!
    var nationalId = ""
    var relayTokenIds: [String: String] = [:]

    /// Reach reported often; a delivery claimed by a broker killed with -9 is taken again within seconds.
    static let relayEnvironment = ["TOCSIN_RELAY_REACH_INTERVAL": "300ms", "TOCSIN_WEBHOOKS_TIMEOUT": "2s", "TOCSIN_DELIVERY_LEASE": "4s"]

    override func setUp() async throws {
        receiver = try await WebhookReceiver.start()
        national = try await BrokerProcess.start(environment: ["TOCSIN_BROKER_NAME": "CERT Santé"])
        nationalId = try await national.get("/api/v1/upstreams").json["broker"].flatMap { ($0 as? [String: Any])?["id"] as? String } ?? ""
        XCTAssertFalse(nationalId.isEmpty)
        // The national broker's own ARS organisations, each with a relay token.
        let arsNormandie = try await national.createOrg("ARS Normandie", clearance: "AMBER+STRICT", region: "28")
        let arsIdf = try await national.createOrg("ARS Île-de-France", clearance: "AMBER", region: "11")
        // Normandie's broker is set up from the command line, Île-de-France's from a configuration file.
        normandie = try await ars(name: "ARS Normandie", region: "28", relayOrg: arsNormandie, viaCLI: true)
        idf = try await ars(name: "ARS Île-de-France", region: "11", relayOrg: arsIdf, viaCLI: false)
        for (broker, path, name, clearance, region) in [(normandie!, "rouen", "CHU de Rouen", "AMBER", "28"), (normandie!, "evreux", "CH d'Évreux", "GREEN", "28"),
                                                        (idf!, "aphp", "AP-HP", "AMBER", "11")] {
            let org = try await broker.createOrg(name, clearance: clearance, region: region)
            _ = try await broker.subscribeWebhook(org: org, url: receiver.url(path))
        }
        for broker in [normandie!, idf!] {
            try await eventually("the ARS broker follows the national one") {
                (try await broker.get("/api/v1/upstreams").items.first?["state"] as? String) == "connected"
            }
        }
    }

    /// Starts an ARS broker following the national one with a relay token issued for `relayOrg`.
    func ars(name: String, region: String, relayOrg: String, viaCLI: Bool) async throws -> BrokerProcess {
        let created = try await national.post("/api/v1/tokens", ["role": "relay", "orgId": relayOrg])
        guard let token = created.json["token"] as? String, let tokenId = created.json["id"] as? String else { throw TestFailure("relay token: \(created.text)") }
        relayTokenIds[name] = tokenId
        let broker = try BrokerProcess(environment: Self.relayEnvironment.merging(["TOCSIN_BROKER_NAME": name, "TOCSIN_RELAY_REGIONS": region]) { $1 })
        let admin = try broker.cli(["token", "create", "--role", "admin"])
        broker.setAdminToken(admin.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let url = "http://127.0.0.1:\(national.port)"
        if viaCLI {
            let added = try broker.cli(["upstream", "add", "--name", "national", "--url", url, "--token", token])
            XCTAssertEqual(added.status, 0, added.stderr)
            let listed = try broker.cli(["upstream", "list"])
            XCTAssertTrue(listed.stdout.contains("\"national\""), listed.stdout)
            XCTAssertFalse(listed.stdout.contains(token), "a token is never listed")
        } else {
            let file = broker.dataDir + "/tocsin.yaml"
            try "upstreams:\n  - name: national\n    url: \(url)\n    token: \(token)\n".write(toFile: file, atomically: true, encoding: .utf8)
            broker.configFile = file
        }
        try await broker.launch()
        return broker
    }

    override func tearDown() async throws {
        for broker in [normandie, idf, national] { broker?.stop() }
        receiver.stop()
    }

    func bodies(_ path: String) -> [[String: Any]] { receiver.received(path).map(\.json) }
    func data(_ body: [String: Any]) -> [String: Any] { body["data"] as? [String: Any] ?? [:] }
    func alertIds(_ path: String) -> [String] { bodies(path).compactMap { data($0)["id"] as? String } }

    func testNationalAlertsReachEveryRegionRegionalOnesTheirOwnAndAmberStrictStopsAtTheARS() async throws {
        let id = try await national.publish(alertJSON(title: "Vulnérabilité critique", tlp: "AMBER"))
        try await eventually("the establishments of both regions receive it") {
            alertIds("rouen").contains(id) && alertIds("aphp").contains(id)
        }
        let body = try XCTUnwrap(bodies("rouen").first { data($0)["id"] as? String == id })
        let alert = data(body)
        XCTAssertEqual(alert["revision"] as? Int, 1, "the origin's revision is kept")
        XCTAssertEqual(alert["tlp"] as? String, "AMBER", "the marking is kept")
        XCTAssertEqual((alert["origin"] as? [String: Any])?["brokerId"] as? String, nationalId)
        XCTAssertEqual((alert["origin"] as? [String: Any])?["alertId"] as? String, id)
        XCTAssertEqual((alert["relayPath"] as? [String])?.count, 2)
        XCTAssertEqual((alert["relayPath"] as? [String])?.first, nationalId)
        let atOrigin = try await national.get("/api/v1/alerts/\(id)").json
        XCTAssertEqual(alert["publishedAt"] as? String, atOrigin["publishedAt"] as? String, "the publication time is kept")
        XCTAssertFalse(alertIds("evreux").contains(id), "routing applies: Évreux is cleared GREEN only")

        // A regional alert reaches its own region only; AMBER+STRICT reaches no establishment downstream.
        let regional = try await national.publish(alertJSON(title: "Campagne en Normandie", regions: ["28"]))
        let strict = try await national.publish(alertJSON(title: "Restreint", tlp: "AMBER+STRICT"))
        let red = try await national.publish(alertJSON(title: "Rouge", tlp: "RED"))
        let barrier = try await national.publish(alertJSON(title: "Témoin"))
        try await eventually("the later alert reaches both regions") {
            alertIds("aphp").contains(barrier) && alertIds("rouen").contains(barrier) && alertIds("evreux").contains(barrier)
        }
        XCTAssertTrue(alertIds("rouen").contains(regional))
        XCTAssertTrue(alertIds("evreux").contains(regional))
        XCTAssertFalse(alertIds("aphp").contains(regional), "never another region's alert")
        for path in ["rouen", "evreux", "aphp"] {
            XCTAssertFalse(alertIds(path).contains(strict), "AMBER+STRICT stops at the ARS")
            XCTAssertFalse(alertIds(path).contains(red), "RED is never relayed")
        }
        for broker in [normandie!, idf!] {
            for refused in [strict, red] {
                let status = try await broker.get("/api/v1/alerts/\(refused)").status
                XCTAssertEqual(status, 404, "not even stored")
            }
        }
        let regionalAtIdf = try await idf.get("/api/v1/alerts/\(regional)").status
        XCTAssertEqual(regionalAtIdf, 404)

        // The copy is read-only downstream: only the origin changes it.
        let revise = try await normandie.post("/api/v1/alerts/\(id)/revisions", ["summary": "changé"])
        XCTAssertEqual(revise.status, 409, revise.text)

        // Health and metrics.
        let upstreams = try await normandie.get("/api/v1/upstreams").items
        let upstream = try XCTUnwrap(upstreams.first)
        XCTAssertEqual(upstream["name"] as? String, "national")
        XCTAssertGreaterThan(upstream["lastEventId"] as? Int ?? 0, 0)
        XCTAssertNotNil(upstream["lagSeconds"])
        let metrics = try await normandie.get("/metrics").text
        XCTAssertTrue(metrics.contains("tocsin_upstream_up{upstream=\"national\"} 1"), metrics)
    }

    func testAnnotationCancellationAndReachFlowWhereTheyBelong() async throws {
        let id = try await national.publish(alertJSON(title: "Hameçonnage ciblé"))
        try await eventually("Rouen receives it") { alertIds("rouen").contains(id) }

        // The ARS annotates its copy: the note travels with its deliveries, apart from the origin's text.
        let note = "Note de l'ARS Normandie : contactez la cellule régionale au 02 00 00 00 00."
        let annotated = try await normandie.request("PUT", "/api/v1/alerts/\(id)/annotation", token: normandie.adminToken, json: ["text": note])
        XCTAssertEqual(annotated.status, 200, annotated.text)
        let revised = try await national.post("/api/v1/alerts/\(id)/revisions", ["severity": "critical"])
        XCTAssertEqual(revised.status, 201, revised.text)
        try await eventually("Rouen receives revision 2") { bodies("rouen").contains { data($0)["revision"] as? Int == 2 } }
        let second = try XCTUnwrap(bodies("rouen").first { data($0)["revision"] as? Int == 2 })
        XCTAssertEqual((second["annotation"] as? [String: Any])?["text"] as? String, note)
        XCTAssertEqual(data(second)["summary"] as? String, "Des indicateurs de compromission ont été publiés.", "the origin's text is untouched")
        let copy = try await normandie.get("/api/v1/alerts/\(id)").json
        XCTAssertEqual(copy["revision"] as? Int, 2, "an annotation is not a revision")
        XCTAssertFalse((copy["summary"] as? String ?? "").contains("ARS"))
        XCTAssertFalse(bodies("aphp").contains { $0["annotation"] != nil }, "another ARS's note stays there")

        // Reach flows back up: the national view counts Normandie's establishments under region 28.
        try await eventually(timeout: 20, "the national reach view counts the relayed establishments") {
            let report = try await national.get("/api/v1/alerts/\(id)/reach").json
            let relayed = report["relayed"] as? [String: Any]
            let byRegion = relayed?["byRegion"] as? [String: Any]
            return ((byRegion?["28"] as? [String: Any])?["delivered"] as? Int ?? 0) >= 2
                && ((byRegion?["11"] as? [String: Any])?["delivered"] as? Int ?? 0) >= 1
        }
        let atNational = try await national.get("/api/v1/alerts/\(id)").json
        XCTAssertEqual(atNational["revision"] as? Int, 2, "a report is never a revision")

        // A cancellation reaches the relayed copies and their recipients.
        let cancel = try await national.post("/api/v1/alerts/\(id)/cancel", ["reason": "fausse alerte"])
        XCTAssertEqual(cancel.status, 200, cancel.text)
        try await eventually("Rouen and AP-HP hear of the cancellation") {
            bodies("rouen").contains { $0["type"] as? String == "alert.cancelled" && self.data($0)["id"] as? String == id }
                && bodies("aphp").contains { $0["type"] as? String == "alert.cancelled" && self.data($0)["id"] as? String == id }
        }

        // A raised marking withdraws the copy: a notice that names the alert and nothing of its new content.
        let other = try await national.publish(alertJSON(title: "Alerte verte"))
        try await eventually("AP-HP receives it") { alertIds("aphp").contains(other) }
        let raise = try await national.post("/api/v1/alerts/\(other)/revisions", ["tlp": "RED", "summary": "Contenu rouge", "confirmWiden": true])
        XCTAssertEqual(raise.status, 201, raise.text)
        try await eventually("AP-HP is told the alert is withdrawn") {
            bodies("aphp").contains { $0["type"] as? String == "alert.cancelled" && self.data($0)["id"] as? String == other }
        }
        let withdrawal = try XCTUnwrap(bodies("aphp").first { $0["type"] as? String == "alert.cancelled" && data($0)["id"] as? String == other })
        XCTAssertFalse(String(decoding: try JSONSerialization.data(withJSONObject: withdrawal), as: UTF8.self).contains("Contenu rouge"))
        XCTAssertEqual(data(withdrawal)["tlp"] as? String, "GREEN")

        // A revoked relay token stops the flow with a clear error in health.
        let revoked = try await national.request("DELETE", "/api/v1/tokens/\(relayTokenIds["ARS Île-de-France"]!)", token: national.adminToken)
        XCTAssertLessThan(revoked.status, 300, revoked.text)
        try await eventually(timeout: 20, "the ARS broker's health names the revoked token") {
            let upstream = try await idf.get("/api/v1/upstreams").items.first
            return (upstream?["lastError"] as? String ?? "").contains("revoked") && upstream?["state"] as? String == "failing"
        }
    }

    func testKill9OfAnARSBrokerDuringABurstLosesNothingAndDuplicatesNothing() async throws {
        var ids: [String] = []
        for n in 0..<30 {
            ids.append(try await national.publish(alertJSON(title: "Rafale \(n)")))
            if n == 10 { normandie.kill9() }
        }
        try await normandie.launch()
        try await eventually(timeout: 60, "every alert of the burst reaches Rouen after the restart") {
            Set(alertIds("rouen")).isSuperset(of: ids)
        }
        for id in ids {
            let copy = try await normandie.get("/api/v1/alerts/\(id)").json
            XCTAssertEqual(copy["revision"] as? Int, 1, "no duplicate revision of \(id)")
            let deliveries = try await normandie.deliveries(alert: id)
            XCTAssertEqual(deliveries.count, 2, "one delivery to Rouen and one to Évreux for \(id)")
            XCTAssertEqual(Set(deliveries.compactMap { $0["subscriptionId"] as? String }).count, deliveries.count, "never two for one subscription")
        }
        // Retries after the crash keep their webhook-id: each alert is one delivery.
        let received = receiver.received("rouen").filter { ids.contains(data($0.json)["id"] as? String ?? "") }
        XCTAssertEqual(Set(received.map(\.id)).count, ids.count)
    }

    func testTwoBrokersFollowingEachOtherLetEachAlertCrossOnce() async throws {
        // Normandie's broker follows the national one; now the national one follows Normandie's too.
        let arsOrgAtNormandie = try await normandie.createOrg("CERT Santé", clearance: "AMBER", region: "28")
        let token = try await normandie.token("relay", org: arsOrgAtNormandie)
        national.stop()
        national.keepsPort = true
        let added = try national.cli(["upstream", "add", "--name", "normandie", "--url", "http://127.0.0.1:\(normandie.port)", "--token", token])
        XCTAssertEqual(added.status, 0, added.stderr)
        try await national.launch()
        try await eventually(timeout: 30, "the ARS broker follows the national one again") {
            (try await normandie.get("/api/v1/upstreams").items.first?["state"] as? String) == "connected"
        }
        let id = try await national.publish(alertJSON(title: "Boucle"))
        try await eventually(timeout: 30, "the alert crossed to Normandie and came back to be dropped") {
            let upstream = try await national.get("/api/v1/upstreams").items.first
            return ((upstream?["dropped"] as? [String: Any])?["loop"] as? Int ?? 0) >= 1
        }
        try await Task.sleep(for: .seconds(1))
        let back = try await national.get("/api/v1/alerts/\(id)").json
        let there = try await normandie.get("/api/v1/alerts/\(id)").json
        XCTAssertEqual(back["revision"] as? Int, 1)
        XCTAssertEqual(there["revision"] as? Int, 1)
        XCTAssertEqual(alertIds("rouen").filter { $0 == id }.count, 1, "each establishment told once")
        let metrics = try await national.get("/metrics").text
        XCTAssertTrue(metrics.contains("tocsin_relay_dropped_total"), metrics)
    }
}
