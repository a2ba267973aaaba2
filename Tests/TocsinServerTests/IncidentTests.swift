import Foundation
import XCTest

/// The flash lane end to end, with a real broker, real webhook receivers and a real SMTP server: a declaration,
/// its acknowledgement, the flash alert peers receive without the victim's name, the revisions later indicators
/// make, a compromised organisation reached out of band, anonymous sightings, and a declarant kept to its own.
final class IncidentTests: XCTestCase {
    var sink: SMTPSink!
    var broker: BrokerProcess!
    var receiver: WebhookReceiver!

    override func setUp() async throws {
        sink = try SMTPSink()
        broker = try await BrokerProcess.start(environment: sink.brokerEnvironment())
        receiver = try await WebhookReceiver.start()
    }

    override func tearDown() async throws {
        broker.stop()
        receiver.stop()
        sink = nil
    }

    func org(_ name: String, kind: String, region: String, clearance: String = "AMBER", contacts: [[String: Any]] = []) async throws -> String {
        let answer = try await broker.post("/api/v1/orgs", ["name": name, "kind": kind, "region": region, "tlpClearance": clearance, "contacts": contacts])
        XCTAssertEqual(answer.status, 201, answer.text)
        return try XCTUnwrap(answer.json["id"] as? String)
    }

    /// The victim (a CHU in Normandie), two peers with a webhook each (a CH in Normandie, a CHU in Île-de-France),
    /// and the tokens of the victim, the peers and a CERT analyst.
    func lane() async throws -> (victim: String, victimToken: String, peers: [String], peerTokens: [String], cert: String) {
        let victim = try await org("CHU de Rouen", kind: "CHU", region: "28")
        _ = try await broker.subscribeWebhook(org: victim, url: receiver.url("victim"))
        let peerA = try await org("CH d'Elbeuf", kind: "CH", region: "28")
        let peerB = try await org("CHU de Paris-Est", kind: "CHU", region: "11")
        _ = try await broker.subscribeWebhook(org: peerA, url: receiver.url("peerA"))
        _ = try await broker.subscribeWebhook(org: peerB, url: receiver.url("peerB"))
        return (victim, try await broker.token("subscriber", org: victim), [peerA, peerB],
                [try await broker.token("subscriber", org: peerA), try await broker.token("subscriber", org: peerB)],
                try await broker.token("publisher"))
    }

    func declare(_ token: String, _ body: [String: Any]) async throws -> [String: Any] {
        let answer = try await broker.post("/api/v1/incidents", body, token: token)
        XCTAssertEqual(answer.status, 201, answer.text)
        return answer.json
    }

    func testADeclarationBecomesAFlashAlertThatPeersReceiveWithoutTheVictimsName() async throws {
        let lane = try await lane()
        let receipt = try await declare(lane.victimToken, [
            "summary": "Chiffrement des serveurs de fichiers du CHU de Rouen depuis 3 h ; urgences en mode dégradé.",
            "malware": "Clop", "detectedAt": RFC3339Now(offset: -3_600), "careImpact": "degraded",
            "affectedSystems": "serveurs de fichiers, DPI", "callback": ["name": "RSSI de garde", "phone": "+33 2 32 88 89 90"],
            "indicators": [["type": "ipv4", "value": "203.0.113.66"], ["type": "sha256", "value": String(repeating: "ab", count: 32)],
                           ["type": "ipv4", "value": "999.1.1.1"], ["type": "colour", "value": "red"]],
            "attachments": [["format": "csv", "content": "type,value\ndomain,c2.clop-evil.example\nurl,not a url\n"]],
        ])
        let id = try XCTUnwrap(receipt["id"] as? String)
        XCTAssertEqual(receipt["status"] as? String, "new")
        XCTAssertEqual(receipt["indicatorsAccepted"] as? Int, 3, "the good lines are kept")
        let rejected = try XCTUnwrap(receipt["rejected"] as? [[String: Any]])
        XCTAssertEqual(rejected.map { $0["at"] as? String }, ["indicators[2]", "indicators[3]", "attachments[0] line 3"])

        // The CERT's queue, then its acknowledgement.
        let queue = try await broker.get("/api/v1/incidents?status=new", token: lane.cert)
        XCTAssertEqual(queue.items.map { $0["id"] as? String }, [id])
        let acknowledged = try await broker.post("/api/v1/incidents/\(id)/acknowledge", [:], token: lane.cert)
        XCTAssertEqual(acknowledged.status, 200, acknowledged.text)
        XCTAssertEqual(acknowledged.json["status"] as? String, "acknowledged")
        // The thread: the CERT asks, the victim answers.
        let asked = try await broker.post("/api/v1/incidents/\(id)/messages", ["body": "Avez-vous la note de rançon ?"], token: lane.cert)
        XCTAssertEqual(asked.status, 201, asked.text)
        let answered = try await broker.post("/api/v1/incidents/\(id)/messages", ["body": "Oui, jointe au dossier."], token: lane.victimToken)
        XCTAssertEqual(answered.status, 201, answered.text)
        let thread = try await broker.get("/api/v1/incidents/\(id)/messages", token: lane.victimToken)
        XCTAssertEqual(thread.items.map { $0["author"] as? String }, ["cert", "cert", "declarant"])
        XCTAssertEqual(thread.items.first?["body"] as? String,
                       "Votre déclaration est prise en compte par le CERT, qui reviendra vers vous sur ce fil.", "the declarant is told")

        // Never wider than the declarant asked (AMBER).
        let wider = try await broker.post("/api/v1/incidents/\(id)/flash", ["tlp": "GREEN"], token: lane.cert)
        XCTAssertEqual(wider.status, 422, wider.text)
        XCTAssertEqual(wider.json["type"] as? String, "urn:tocsin:problem:tlp-wider-than-requested")
        let flashed = try await broker.post("/api/v1/incidents/\(id)/flash", ["severity": "critical"], token: lane.cert)
        XCTAssertEqual(flashed.status, 201, flashed.text)
        let alert = try XCTUnwrap(flashed.json["alert"] as? [String: Any])
        let alertId = try XCTUnwrap(alert["id"] as? String)
        XCTAssertEqual(alert["tlp"] as? String, "AMBER")
        XCTAssertEqual(alert["title"] as? String, "Flash : Clop, incident en cours dans un CHU de la région Normandie")
        let again = try await broker.post("/api/v1/incidents/\(id)/flash", [:], token: lane.cert)
        XCTAssertEqual(again.status, 409, "an incident flashes once")

        try await eventually(broker.log) { self.receiver.received("peerA").count == 1 && self.receiver.received("peerB").count == 1 }
        for path in ["peerA", "peerB"] {
            let body = receiver.received(path)[0]
            let text = String(decoding: body.body, as: UTF8.self)
            XCTAssertEqual(body.json["type"] as? String, "alert.published")
            XCTAssertFalse(text.contains("Rouen"), "the victim is not named: \(text)")
            XCTAssertFalse(text.contains(lane.victim), "nor is its id")
            XCTAssertFalse(text.contains("RSSI de garde"), "nor its callback")
            let data = try XCTUnwrap(body.json["data"] as? [String: Any])
            XCTAssertTrue((data["summary"] as? String)?.contains("un CHU de la région Normandie") == true, text)
            let indicators = try XCTUnwrap(data["indicators"] as? [[String: Any]])
            XCTAssertEqual(Set(indicators.compactMap { $0["value"] as? String }),
                           ["203.0.113.66", String(repeating: "ab", count: 32), "c2.clop-evil.example"])
            XCTAssertEqual(Set(indicators.compactMap { $0["origin"] as? String }), ["stated"])
        }
        // A peer reading the alert sees no publisher nor declarant.
        let read = try await broker.get("/api/v1/alerts/\(alertId)", token: lane.peerTokens[0])
        XCTAssertFalse(read.text.contains(lane.victim))
        XCTAssertFalse(read.text.contains("Rouen"))

        // Peers acknowledge; the timeline shows every step.
        for token in lane.peerTokens {
            let ack = try await broker.post("/api/v1/alerts/\(alertId)/ack", [:], token: token)
            XCTAssertEqual(ack.status, 200, ack.text)
        }
        let shown = try await broker.get("/api/v1/incidents/\(id)", token: lane.victimToken)
        XCTAssertEqual(shown.status, 200, shown.text)
        XCTAssertEqual(shown.json["status"] as? String, "flashPublished")
        XCTAssertEqual(shown.json["flashAlertId"] as? String, alertId)
        let timeline = try XCTUnwrap(shown.json["timeline"] as? [String: Any])
        XCTAssertEqual(timeline["peersConcerned"] as? Int, 2, "the declarant is no peer")
        XCTAssertEqual(timeline["peersDelivered"] as? Int, 2)
        XCTAssertEqual(timeline["peersAcknowledged"] as? Int, 2)
        let seconds = try XCTUnwrap(timeline["seconds"] as? [String: Double])
        for step in ["detectionToDeclaration", "declarationToAcknowledgement", "acknowledgementToFlash", "flashToFirstDelivery",
                     "flashToMedianAcknowledgement", "detectionToFlash"] {
            XCTAssertNotNil(seconds[step], step)
        }
        XCTAssertGreaterThanOrEqual(seconds["detectionToDeclaration"] ?? 0, 3_500)

        let metrics = try await broker.get("/metrics")
        XCTAssertTrue(metrics.text.contains("tocsin_incident_step_seconds_count{step=\"flashToFirstDelivery\"} 1"), metrics.text)
        let report = try broker.cli(["incident", "report", "--json"])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stdout.contains("\"flashToMedianAcknowledgement\""), report.stdout)

        // Every step is audited.
        let audit = try await broker.get("/api/v1/audit?action=incident&limit=100")
        XCTAssertEqual(Set(audit.items.compactMap { $0["action"] as? String }),
                       ["incident.declare", "incident.acknowledge", "incident.message", "incident.flash"])
    }

    func testAFlashForSomeKindsOfEstablishmentReachesThoseOnly() async throws {
        let lane = try await lane()
        let declared = try await declare(lane.victimToken, ["summary": "Rançongiciel"])
        let id = try XCTUnwrap(declared["id"] as? String)
        let flashed = try await broker.post("/api/v1/incidents/\(id)/flash", ["kinds": ["CHU"]], token: lane.cert)
        XCTAssertEqual(flashed.status, 201, flashed.text)
        try await eventually(broker.log) { self.receiver.received("peerB").count == 1 }
        try await Task.sleep(for: .milliseconds(500))
        XCTAssertEqual(receiver.received("peerA").count, 0, "a CH is not a CHU")
        let alertId = try XCTUnwrap((flashed.json["alert"] as? [String: Any])?["id"] as? String)
        let reach = try await broker.get("/api/v1/alerts/\(alertId)/reach", token: lane.cert)
        XCTAssertFalse(reach.text.contains(lane.peers[0]), "the CH is not concerned")
    }

    func testASecondBatchOfIndicatorsBecomesARevisionThatAsksPeersToAcknowledgeAgain() async throws {
        let lane = try await lane()
        let declared = try await declare(lane.victimToken, ["summary": "Rançongiciel LockBit", "malware": "LockBit"])
        let id = try XCTUnwrap(declared["id"] as? String)
        let flashed = try await broker.post("/api/v1/incidents/\(id)/flash", [:], token: lane.cert)
        let alertId = try XCTUnwrap((flashed.json["alert"] as? [String: Any])?["id"] as? String)
        try await eventually(broker.log) { self.receiver.received("peerA").count == 1 }
        let ack = try await broker.post("/api/v1/alerts/\(alertId)/ack", [:], token: lane.peerTokens[0])
        XCTAssertEqual(ack.status, 200, ack.text)

        // Day 2: the indicators, with a bad line.
        let added = try await broker.post("/api/v1/incidents/\(id)/indicators", [
            "indicators": [["type": "domain", "value": "lockbit-c2.example"], ["type": "md5", "value": "zz"]],
        ], token: lane.victimToken)
        XCTAssertEqual(added.status, 200, added.text)
        XCTAssertEqual(added.json["added"] as? Int, 1)
        XCTAssertEqual(added.json["flashRevision"] as? Int, 2)
        XCTAssertEqual((added.json["rejected"] as? [[String: Any]])?.count, 1)
        try await eventually(broker.log) { self.receiver.received("peerA").count == 2 }
        let update = receiver.received("peerA")[1].json
        XCTAssertEqual(update["type"] as? String, "alert.updated")
        let indicators = ((update["data"] as? [String: Any])?["indicators"] as? [[String: Any]]) ?? []
        XCTAssertEqual(indicators.compactMap { $0["value"] as? String }, ["lockbit-c2.example"])
        // The same indicator again is no news.
        let same = try await broker.post("/api/v1/incidents/\(id)/messages", [
            "body": "Encore celui-ci, et un nouveau.", "indicators": [["type": "domain", "value": "LOCKBIT-C2.example"], ["type": "ipv4", "value": "198.51.100.9"]],
        ], token: lane.victimToken)
        XCTAssertEqual(same.status, 201, same.text)
        XCTAssertEqual(same.json["added"] as? Int, 1)
        XCTAssertEqual(same.json["flashRevision"] as? Int, 3)

        // The peer that acknowledged revision 1 is asked again.
        let reach = try await broker.get("/api/v1/alerts/\(alertId)/reach", token: lane.cert)
        XCTAssertEqual(reach.status, 200, reach.text)
        let again = try await broker.post("/api/v1/alerts/\(alertId)/ack", [:], token: lane.peerTokens[0])
        XCTAssertEqual(again.json["alreadyAcknowledged"] as? Bool, false, again.text)
    }

    func testACompromisedOrganisationsDeliveriesGoToItsOutOfBandContactOnly() async throws {
        let victim = try await org("CHU de Caen", kind: "CHU", region: "28", contacts: [
            ["role": "rssi", "email": "rssi@chu-caen.test"],
            ["role": "oncall", "email": "astreinte.ars-normandie@ars.test", "outOfBand": true],
        ])
        _ = try await broker.subscribeWebhook(org: victim, url: receiver.url("siem"))
        let mail = try await broker.post("/api/v1/subscriptions", ["orgId": victim, "channel": "email", "target": "secu@chu-caen.test"])
        XCTAssertEqual(mail.status, 201, mail.text)
        let token = try await broker.token("subscriber", org: victim)

        // Without an out-of-band contact the flag would silence the organisation: refused.
        let bare = try await org("CH de Bayeux", kind: "CH", region: "28")
        let refused = try await broker.request("PUT", "/api/v1/orgs/\(bare)/compromised", token: broker.adminToken)
        XCTAssertEqual(refused.status, 422, refused.text)

        let flagged = try await broker.request("PUT", "/api/v1/orgs/\(victim)/compromised", token: token)
        XCTAssertEqual(flagged.status, 200, flagged.text)
        XCTAssertEqual(flagged.json["compromised"] as? Bool, true)
        let first = try await broker.publish(alertJSON(title: "Campagne en cours", tlp: "AMBER", regions: ["28"]))
        try await eventually(broker.log) { try self.sink.messages().count == 1 }
        let message = try sink.messages()[0]
        XCTAssertEqual((message["headers"] as? [String: String])?["To"], "astreinte.ars-normandie@ars.test")
        try await eventually { try await self.broker.deliveries(alert: first).allSatisfy { $0["state"] as? String == "delivered" } }
        XCTAssertEqual(receiver.received("siem").count, 0, "the SIEM may be the attacker's")
        let ledger = try await broker.deliveries(alert: first)
        XCTAssertEqual(ledger.count, 1, "one delivery, out of band")

        // Cleared: its own channels again, and the out-of-band lane stands by.
        let cleared = try await broker.request("DELETE", "/api/v1/orgs/\(victim)/compromised", token: broker.adminToken)
        XCTAssertEqual(cleared.status, 200, cleared.text)
        _ = try await broker.publish(alertJSON(title: "Deuxième alerte", tlp: "AMBER", regions: ["28"]))
        try await eventually(broker.log) { self.receiver.received("siem").count == 1 }
        try await eventually(broker.log) { try self.sink.messages().count == 2 }
        try await Task.sleep(for: .milliseconds(500))
        let addresses = try sink.messages().compactMap { ($0["headers"] as? [String: String])?["To"] }
        XCTAssertEqual(addresses, ["astreinte.ars-normandie@ars.test", "secu@chu-caen.test"])

        let audit = try await broker.get("/api/v1/audit?target=\(victim)&limit=50")
        let actions = audit.items.compactMap { $0["action"] as? String }
        XCTAssertTrue(actions.contains("organisation.compromise"), actions.description)
        XCTAssertTrue(actions.contains("organisation.restore"), actions.description)
    }

    func testSightingsAreCountedWithoutNamingAnyone() async throws {
        let lane = try await lane()
        let peerC = try await org("Clinique du Parc", kind: "clinic", region: "28")
        let peerCToken = try await broker.token("subscriber", org: peerC)
        let declared = try await declare(lane.victimToken, [
            "summary": "Hameçonnage ciblé", "indicators": [["type": "domain", "value": "phish.example"], ["type": "ipv4", "value": "192.0.2.44"]],
        ])
        let id = try XCTUnwrap(declared["id"] as? String)
        let flashed = try await broker.post("/api/v1/incidents/\(id)/flash", [:], token: lane.cert)
        let alertId = try XCTUnwrap((flashed.json["alert"] as? [String: Any])?["id"] as? String)

        for token in [lane.peerTokens[0], lane.peerTokens[1], peerCToken] {
            let seen = try await broker.post("/api/v1/alerts/\(alertId)/sightings", ["indicators": [["type": "domain", "value": "PHISH.example"]]], token: token)
            XCTAssertEqual(seen.status, 201, seen.text)
        }
        let stranger = try await broker.post("/api/v1/alerts/\(alertId)/sightings", ["indicators": [["type": "domain", "value": "other.example"]]],
                                             token: peerCToken)
        XCTAssertEqual(stranger.status, 422, "only the alert's own indicators")
        let summary = try await broker.get("/api/v1/alerts/\(alertId)/sightings", token: lane.cert)
        XCTAssertEqual(summary.status, 200, summary.text)
        XCTAssertEqual(summary.json["organisations"] as? Int, 3)
        let lines = try XCTUnwrap(summary.json["indicators"] as? [[String: Any]])
        let phish = try XCTUnwrap(lines.first { $0["value"] as? String == "phish.example" })
        XCTAssertEqual(phish["organisations"] as? Int, 3)
        XCTAssertEqual(phish["regions"] as? Int, 2)
        XCTAssertEqual(lines.first { $0["value"] as? String == "192.0.2.44" }?["organisations"] as? Int, 0)
        for org in lane.peers + [peerC] { XCTAssertFalse(summary.text.contains(org), "no organisation is named") }
        let peerView = try await broker.get("/api/v1/alerts/\(alertId)/sightings", token: lane.peerTokens[0])
        XCTAssertEqual(peerView.status, 403, "peers do not read who saw what")
    }

    func testTheCommandLineDeclaresFromAFileAddsOutOfBandContactsAndReports() async throws {
        let victim = try await org("CH de Dieppe", kind: "CH", region: "28")
        let file = broker.dataDir + "/incident.json"
        try Data(#"{"summary": "Rançongiciel sur la messagerie", "indicators": [{"type": "ipv4", "value": "192.0.2.9"}, {"type": "md5", "value": "x"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        let declared = try broker.cli(["incident", "declare", "--org", victim, file])
        XCTAssertEqual(declared.status, 0, declared.stderr)
        let receipt = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(declared.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(receipt["indicatorsAccepted"] as? Int, 1)
        XCTAssertEqual((receipt["rejected"] as? [[String: Any]])?.count, 1)
        let id = try XCTUnwrap(receipt["id"] as? String)
        let shown = try await broker.get("/api/v1/incidents/\(id)")
        XCTAssertEqual(shown.json["orgId"] as? String, victim)

        let added = try broker.cli(["org", "contact", "add", "--org", victim, "--role", "oncall", "--email", "astreinte@ars.test", "--out-of-band"])
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(added.stdout.contains("\"outOfBand\" : true"), added.stdout)
        let flagged = try await broker.request("PUT", "/api/v1/orgs/\(victim)/compromised", token: broker.adminToken)
        XCTAssertEqual(flagged.status, 200, "the out-of-band contact added by the command line counts: \(flagged.text)")

        let report = try broker.cli(["incident", "report"])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stdout.contains(id), report.stdout)
        XCTAssertTrue(report.stdout.contains("median"), report.stdout)
    }

    func testADeclarantCannotReadAnotherOrganisationsIncident() async throws {
        let lane = try await lane()
        let declared = try await declare(lane.victimToken, ["summary": "Incident au CHU de Rouen"])
        let id = try XCTUnwrap(declared["id"] as? String)
        let other = lane.peerTokens[0]
        for path in ["/api/v1/incidents/\(id)", "/api/v1/incidents/\(id)/messages"] {
            let answer = try await broker.get(path, token: other)
            XCTAssertEqual(answer.status, 404, "\(path): \(answer.text)")
            XCTAssertFalse(answer.text.contains("Rouen"))
        }
        let write = try await broker.post("/api/v1/incidents/\(id)/messages", ["body": "Bonjour"], token: other)
        XCTAssertEqual(write.status, 404, "a write is checked like a read")
        let more = try await broker.post("/api/v1/incidents/\(id)/indicators", ["indicators": [["type": "ipv4", "value": "192.0.2.1"]]], token: other)
        XCTAssertEqual(more.status, 404)
        let list = try await broker.get("/api/v1/incidents", token: other)
        XCTAssertEqual(list.status, 200)
        XCTAssertEqual(list.items.count, 0, "its own incidents only")
        let own = try await broker.get("/api/v1/incidents", token: lane.victimToken)
        XCTAssertEqual(own.items.count, 1)
        let flash = try await broker.post("/api/v1/incidents/\(id)/flash", [:], token: lane.victimToken)
        XCTAssertEqual(flash.status, 403, "the declarant does not flash its own incident")
        let strict = try await broker.post("/api/v1/incidents", ["summary": "x", "victim": "y"], token: lane.victimToken)
        XCTAssertEqual(strict.status, 422, "unknown keys are refused")
        XCTAssertEqual(strict.json["field"] as? String, "victim")
        let admin = try await broker.post("/api/v1/incidents", ["summary": "x"])
        XCTAssertEqual(admin.status, 403, "declaring takes the organisation's own token")
    }
}

/// Now plus `offset` seconds, as RFC 3339.
func RFC3339Now(offset: TimeInterval = 0) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: Date().addingTimeInterval(offset))
}
