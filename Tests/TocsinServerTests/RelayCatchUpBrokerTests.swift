import Foundation
import TocsinNet
import XCTest

/// Catching up through the upstream's alert log, with real brokers: a national one and an ARS broker (Normandie)
/// following it, each a `tocsin serve` process with its own data directory and port, and the establishments'
/// webhook receivers. The ARS broker catches up after an outage longer than `relay.catchUpAfter` (2 s here) and when
/// the national broker's event ids restart below its checkpoint (a restore from an older copy of its data; there
/// `relay.catchUpAfter` is 10 minutes, so that only the reset can start the catch-up).
final class RelayCatchUpBrokerTests: XCTestCase {
    var national: BrokerProcess!
    var normandie: BrokerProcess!
    var receiver: WebhookReceiver!

    override func setUp() async throws {
        receiver = try await WebhookReceiver.start()
        national = try await BrokerProcess.start(environment: ["TOCSIN_BROKER_NAME": "CERT Santé"])
        national.keepsPort = true
        // The ARS organisation is cleared AMBER+STRICT at the national broker: still, nothing AMBER+STRICT goes down.
        let ars = try await national.createOrg("ARS Normandie", clearance: "AMBER+STRICT", region: "28")
        let token = try await national.token("relay", org: ars)
        // Where the event ids restart, only the upstream's reset may start the catch-up: no outage catch-up hides it.
        let catchUpAfter = name.contains("EventIdsThatRestart") ? "10m" : "2s"
        normandie = try BrokerProcess(environment: RelayTests.relayEnvironment.merging([
            "TOCSIN_BROKER_NAME": "ARS Normandie", "TOCSIN_RELAY_REGIONS": "28", "TOCSIN_RELAY_CATCH_UP_AFTER": catchUpAfter]) { $1 })
        normandie.setAdminToken(try normandie.cli(["token", "create", "--role", "admin"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let added = try normandie.cli(["upstream", "add", "--name", "national", "--url", "http://127.0.0.1:\(national.port)", "--token", token])
        XCTAssertEqual(added.status, 0, added.stderr)
        try await normandie.launch()
        for (path, name, clearance) in [("rouen", "CHU de Rouen", "AMBER"), ("evreux", "CH d'Évreux", "GREEN")] {
            let org = try await normandie.createOrg(name, clearance: clearance, region: "28")
            _ = try await normandie.subscribeWebhook(org: org, url: receiver.url(path))
        }
        try await connected()
    }

    override func tearDown() async throws {
        for broker in [normandie, national] { broker?.stop() }
        receiver.stop()
    }

    func connected(timeout: TimeInterval = 30) async throws {
        try await eventually(timeout: timeout, "the ARS broker follows the national one") { try await upstream()["state"] as? String == "connected" }
    }

    func upstream() async throws -> [String: Any] { try await normandie.get("/api/v1/upstreams").items.first ?? [:] }
    func catchUps(_ reason: String) async throws -> Int { (try await upstream()["catchUps"] as? [String: Any])?[reason] as? Int ?? 0 }

    func data(_ body: [String: Any]) -> [String: Any] { body["data"] as? [String: Any] ?? [:] }
    func alertIds(_ path: String) -> [String] { receiver.received(path).compactMap { data($0.json)["id"] as? String } }
    /// The revisions of `id` an establishment was sent, one entry per webhook (retries of one delivery share its id).
    func revisions(_ id: String, at path: String) -> [Int] {
        var seen: Set<String> = []
        return receiver.received(path).filter { data($0.json)["id"] as? String == id && seen.insert($0.id).inserted }
            .compactMap { data($0.json)["revision"] as? Int }
    }

    /// Each establishment was told each revision of each alert at most once.
    func assertNoDuplicateRevisions(_ ids: [String], file: StaticString = #filePath, line: UInt = #line) {
        for path in ["rouen", "evreux"] {
            for id in ids {
                let sent = revisions(id, at: path)
                XCTAssertEqual(sent.count, Set(sent).count, "\(path) was sent a revision of \(id) twice: \(sent)", file: file, line: line)
            }
        }
    }

    func testAnOutageIsCaughtUpThroughTheAlertLogThenTheStreamResumesFromTheHead() async throws {
        let before = try await national.publish(alertJSON(title: "Avant la coupure"))
        try await eventually("Rouen receives it") { alertIds("rouen").contains(before) }

        // The ARS broker is down, then the national one too; the national one comes back and publishes meanwhile.
        normandie.stop()
        national.stop()
        try await national.launch()
        let missed = try await national.publish(alertJSON(title: "Pendant la coupure"))
        let revisedTwice = try await national.publish(alertJSON(title: "Révisée deux fois"))
        for severity in ["critical", "medium"] {
            let answer = try await national.post("/api/v1/alerts/\(revisedTwice)/revisions", ["severity": severity])
            XCTAssertEqual(answer.status, 201, answer.text)
        }
        let revisedBefore = try await national.post("/api/v1/alerts/\(before)/revisions", ["severity": "critical"])
        XCTAssertEqual(revisedBefore.status, 201, revisedBefore.text)
        try await Task.sleep(for: .seconds(2.5))

        // Back after longer than relay.catchUpAfter: the ARS broker catches up, then follows the stream again.
        try await normandie.launch()
        try await eventually(timeout: 30, "Rouen receives what was published during the outage") {
            alertIds("rouen").contains(missed) && revisions(revisedTwice, at: "rouen").contains(3) && revisions(before, at: "rouen").contains(2)
        }
        XCTAssertEqual(revisions(revisedTwice, at: "rouen"), [3], "only the revision the alert has now, not those it went through")
        XCTAssertEqual(revisions(before, at: "rouen"), [1, 2])
        let health = try await upstream()
        let outages = try await catchUps("outage"), resets = try await catchUps("reset")
        XCTAssertEqual(outages, 1, "\(health)")
        XCTAssertEqual(resets, 0, "resuming with the checked event is no reset: \(health)")
        XCTAssertGreaterThanOrEqual(health["caughtUp"] as? Int ?? 0, 3, "\(health)")
        XCTAssertNotNil(health["lastCatchUpAt"])
        XCTAssertEqual(health["lastCatchUpReason"] as? String, "outage")
        XCTAssertEqual(health["catchingUp"] as? Bool, false)
        let metrics = try await normandie.get("/metrics").text
        XCTAssertTrue(metrics.contains("tocsin_relay_catchup_total{upstream=\"national\",reason=\"outage\"} 1"), metrics)
        XCTAssertTrue(normandie.log.contains("caught up with the upstream"), "the catch-up is logged")

        // The stream resumed from the national head: what follows arrives once, and nothing from before comes again.
        try await connected()
        let after = try await national.publish(alertJSON(title: "Après la coupure"))
        try await eventually("Rouen receives the next alert through the stream") { alertIds("rouen").contains(after) }
        try await Task.sleep(for: .seconds(1))
        assertNoDuplicateRevisions([before, missed, revisedTwice, after])
        for id in [before, missed, revisedTwice, after] {
            let copy = try await normandie.get("/api/v1/alerts/\(id)").json
            let origin = try await national.get("/api/v1/alerts/\(id)").json
            XCTAssertEqual(copy["revision"] as? Int, origin["revision"] as? Int, "\(id) is held at the origin's revision")
        }
    }

    func testEventIdsThatRestartBelowTheCheckpointAreCaughtUpAndEachNewAlertArrivesOnce() async throws {
        let kept = try await national.publish(alertJSON(title: "Dans la sauvegarde"))
        try await eventually("Rouen receives it") { alertIds("rouen").contains(kept) }
        // A copy of the national broker's data, taken now.
        national.stop()
        let backup = NSTemporaryDirectory() + "tocsin-it-backup-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: backup) }
        try FileManager.default.copyItem(atPath: national.dataDir, toPath: backup)
        try await national.launch()
        var lost: [String] = []
        for n in 0..<4 { lost.append(try await national.publish(alertJSON(title: "Après la sauvegarde \(n)"))) }
        try await eventually("Rouen receives them") { Set(alertIds("rouen")).isSuperset(of: lost) }
        let checkpoint = try await upstream()["lastEventId"] as? Int ?? 0

        // The national broker is restored from the older copy: its event ids restart below the ARS checkpoint.
        national.stop()
        try FileManager.default.removeItem(atPath: national.dataDir)
        try FileManager.default.copyItem(atPath: backup, toPath: national.dataDir)
        try await national.launch()
        try await eventually(timeout: 40, "the ARS broker is told the stream cannot resume it, and catches up: \(normandie.log.suffix(4000)) NATIONAL \(national.log.suffix(3000))") { try await catchUps("reset") >= 1 }
        try await connected()
        let health = try await upstream()
        XCTAssertLessThan(health["lastEventId"] as? Int ?? .max, checkpoint, "the checkpoint is the restored broker's head: \(health)")
        XCTAssertTrue(normandie.log.contains("cannot resume the stream"), "the reset is logged")

        // New alerts take event ids the ARS broker had already passed: each still arrives, once.
        var fresh: [String] = []
        for n in 0..<6 { fresh.append(try await national.publish(alertJSON(title: "Après la restauration \(n)"))) }
        try await eventually(timeout: 30, "Rouen and Évreux receive every new alert") {
            Set(alertIds("rouen")).isSuperset(of: fresh) && Set(alertIds("evreux")).isSuperset(of: fresh)
        }
        try await Task.sleep(for: .seconds(1))
        for id in fresh + [kept] {
            XCTAssertEqual(revisions(id, at: "rouen"), [1], "\(id) told once")
            XCTAssertEqual(revisions(id, at: "evreux"), [1], "\(id) told once")
        }
        XCTAssertEqual(revisions(kept, at: "rouen"), [1], "an alert read again by the catch-up is not sent again")
        // A plain reader of the stream is told too; and a reader whose checked event is not in the log as it read it
        // (the ids restarted and passed its checkpoint again) is told so even below the head.
        let beyond = streamOpening(lastEventId: "999999")
        XCTAssertTrue(beyond.contains("event: stream.reset\n"), beyond)
        XCTAssertTrue(beyond.contains("\"lastEventId\":999999"), beyond)
        XCTAssertTrue(beyond.contains("\"reason\":\"beyond_log\""), beyond)
        let other = streamOpening(lastEventId: "2", check: "1@1000")
        XCTAssertTrue(other.contains("event: stream.reset\n") && other.contains("\"reason\":\"other_log\""), other)
        let same = streamOpening(lastEventId: "2", check: "1@\(Int64(((try await eventTime(1)) * 1000).rounded()))")
        XCTAssertFalse(same.contains("stream.reset"), same)
        let malformed = streamOpening(lastEventId: "2", check: "x@1")
        XCTAssertFalse(malformed.contains("stream.reset"), "a check not in its form is not used: \(malformed)")
    }

    /// What the national stream sends first when resumed from `lastEventId`, with `check` as `Tocsin-Resume-Check`.
    func streamOpening(lastEventId: String, check: String? = nil) -> String {
        var text = ""
        var headers = [("Authorization", "Bearer \(national.adminToken)"), ("Accept", "text/event-stream"), ("Last-Event-ID", lastEventId)]
        if let check { headers.append(("Tocsin-Resume-Check", check)) }
        _ = CurlStream.get(url: "http://127.0.0.1:\(national.port)/api/v1/stream", headers: headers) { bytes in
            text += String(decoding: bytes, as: UTF8.self)
            return !text.contains("heartbeat") && text.count < 100_000
        }
        return text
    }

    /// The time of the national stream's event `id` (seconds since 1970), as its alert's updatedAt.
    func eventTime(_ id: Int) async throws -> Double {
        let opening = streamOpening(lastEventId: "\(id - 1)")
        guard let line = opening.split(separator: "\n").first(where: { $0.hasPrefix("data: {") }),
              let json = try JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any],
              let updated = json["updatedAt"] as? String else { throw TestFailure("event \(id): \(opening.prefix(500))") }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: updated) else { throw TestFailure("date \(updated)") }
        return date.timeIntervalSince1970
    }

    func testACatchUpHonoursMarkingsAndRegionsAndWithdrawsARaisedMarking() async throws {
        let raised = try await national.publish(alertJSON(title: "Verte puis rouge"))
        try await eventually("Rouen receives it") { alertIds("rouen").contains(raised) }
        normandie.stop()
        var allowed: [String] = []
        var refused: [String] = []
        allowed.append(try await national.publish(alertJSON(title: "Nationale", tlp: "CLEAR")))
        allowed.append(try await national.publish(alertJSON(title: "Normande", tlp: "AMBER", regions: ["28"])))
        refused.append(try await national.publish(alertJSON(title: "Francilienne", regions: ["11"])))
        refused.append(try await national.publish(alertJSON(title: "Restreinte", tlp: "AMBER+STRICT")))
        refused.append(try await national.publish(alertJSON(title: "Rouge", tlp: "RED")))
        let raise = try await national.post("/api/v1/alerts/\(raised)/revisions", ["tlp": "RED", "summary": "Contenu rouge", "confirmWiden": true])
        XCTAssertEqual(raise.status, 201, raise.text)
        try await Task.sleep(for: .seconds(2.5))

        try await normandie.launch()
        try await eventually(timeout: 30, "the catch-up reaches Rouen, with the withdrawal") {
            Set(alertIds("rouen")).isSuperset(of: allowed)
                && receiver.received("rouen").contains { $0.json["type"] as? String == "alert.cancelled" && self.data($0.json)["id"] as? String == raised }
        }
        let outages = try await catchUps("outage")
        XCTAssertEqual(outages, 1)
        XCTAssertTrue(alertIds("evreux").contains(allowed[0]))
        XCTAssertFalse(alertIds("evreux").contains(allowed[1]), "routing applies: Évreux is cleared GREEN only")
        for id in refused {
            XCTAssertFalse(alertIds("rouen").contains(id))
            XCTAssertFalse(alertIds("evreux").contains(id))
            let status = try await normandie.get("/api/v1/alerts/\(id)").status
            XCTAssertEqual(status, 404, "not even stored")
        }
        let withdrawal = try XCTUnwrap(receiver.received("rouen").first { $0.json["type"] as? String == "alert.cancelled" && data($0.json)["id"] as? String == raised })
        XCTAssertFalse(String(decoding: withdrawal.body, as: UTF8.self).contains("Contenu rouge"), "the withdrawal names the alert and nothing of its new content")
        XCTAssertEqual(data(withdrawal.json)["tlp"] as? String, "GREEN")

        // What the relay token reads of the catch-up log never holds more than it may relay.
        let ars = try await national.get("/api/v1/orgs?limit=50").items.first { $0["name"] as? String == "ARS Normandie" }
        let token = try await national.token("relay", org: try XCTUnwrap(ars?["id"] as? String))
        let page = try await national.request("GET", "/api/v1/relay/alerts?limit=500", token: token)
        XCTAssertEqual(page.status, 200, page.text)
        let listed = (page.json["items"] as? [[String: Any]] ?? []).compactMap { ($0["alert"] as? [String: Any])?["id"] as? String }
        XCTAssertTrue(Set(listed).isSuperset(of: allowed))
        XCTAssertTrue(Set(listed).isDisjoint(with: refused + [raised]))
        XCTAssertFalse(page.text.contains("Contenu rouge"))
        XCTAssertGreaterThan(page.json["head"] as? Int ?? 0, 0)
        let byAdmin = try await national.get("/api/v1/relay/alerts")
        XCTAssertEqual(byAdmin.status, 403, "relay tokens only")
    }

    func testKill9DuringACatchUpResumesWithoutDuplicateRevisions() async throws {
        // A broker that has read the upstream (a checkpoint) and then is away.
        let first = try await national.publish(alertJSON(title: "Avant"))
        try await eventually("Rouen receives it") { alertIds("rouen").contains(first) }
        normandie.stop()
        var ids: [String] = []
        for n in 0..<300 { ids.append(try await national.publish(alertJSON(title: "Rafale \(n)"))) }
        try await Task.sleep(for: .seconds(2.5))
        try await normandie.launch()
        try await eventually(timeout: 30, "the catch-up starts: \(normandie.log.suffix(3000))") { try await upstream()["catchingUp"] as? Bool == true }
        normandie.kill9()
        let before = Set(alertIds("rouen")).intersection(ids).count
        try await normandie.launch()
        try await eventually(timeout: 90, "every alert reaches Rouen and Évreux after the restart") {
            Set(alertIds("rouen")).isSuperset(of: ids) && Set(alertIds("evreux")).isSuperset(of: ids)
        }
        XCTAssertLessThan(before, ids.count, "killed in the middle of the catch-up")
        let outages = try await catchUps("outage")
        XCTAssertEqual(outages, 1, "the restarted broker caught up again from where the store stood")
        try await Task.sleep(for: .seconds(1))
        for id in ids {
            let copy = try await normandie.get("/api/v1/alerts/\(id)").json
            XCTAssertEqual(copy["revision"] as? Int, 1, "no duplicate revision of \(id)")
            let deliveries = try await normandie.deliveries(alert: id)
            XCTAssertEqual(deliveries.count, 2, "one delivery to Rouen and one to Évreux for \(id)")
        }
        assertNoDuplicateRevisions(ids)
    }
}
