import Foundation
import TocsinCore
import TocsinDelivery
import TocsinNet
import XCTest

/// Tokens are listed without their values, expire, and are revoked at once on every path, open streams included;
/// every change and every refusal lands in the append-only audit log.
final class TokenAndAuditTests: BrokerTestCase {
    func testARevokedTokenIsRefusedEverywhereAndItsOpenStreamCloses() async throws {
        let org = try await broker.createOrg("CH d'Évreux", clearance: "AMBER")
        let created = try await broker.post("/api/v1/tokens", ["role": "subscriber", "orgId": org, "label": "SIEM"])
        XCTAssertEqual(created.status, 201, created.text)
        let token = try XCTUnwrap(created.json["token"] as? String)
        let id = try XCTUnwrap(created.json["id"] as? String)
        let value1 = try await broker.get("/api/v1/alerts", token: token).status
        XCTAssertEqual(value1, 200)

        // Listed with its dates and never its value.
        let listed = try await broker.get("/api/v1/tokens")
        XCTAssertEqual(listed.status, 200)
        XCTAssertFalse(listed.text.contains(token))
        XCTAssertFalse(listed.text.contains("tcs_"))
        let entry = try XCTUnwrap(listed.items.first { $0["id"] as? String == id })
        XCTAssertEqual(entry["role"] as? String, "subscriber")
        XCTAssertEqual(entry["orgId"] as? String, org)
        XCTAssertNotNil(entry["lastUsedAt"], "last use is recorded")
        let value2 = try await broker.get("/api/v1/tokens", token: token).status
        XCTAssertEqual(value2, 403)

        // A stream opened before the revocation ends after it.
        let port = broker.port
        let streamEnded = Task.detached { () -> (events: [ServerSentEventParser.Event], seconds: Double) in
            let start = Date()
            let events: [ServerSentEventParser.Event] = await withCheckedContinuation { continuation in
                Thread {
                    final class Box: @unchecked Sendable { var parser = ServerSentEventParser(); var events: [ServerSentEventParser.Event] = [] }
                    let box = Box()
                    let deadline = Date() + 20
                    _ = CurlStream.get(url: "http://127.0.0.1:\(port)/api/v1/stream", headers: [("Authorization", "Bearer \(token)")]) { bytes in
                        box.events += box.parser.feed(bytes)
                        return Date() < deadline
                    }
                    continuation.resume(returning: box.events)
                }.start()
            }
            return (events, Date().timeIntervalSince(start))
        }
        try await Task.sleep(for: .milliseconds(700))
        let revoked = try await broker.request("DELETE", "/api/v1/tokens/\(id)", token: broker.adminToken)
        XCTAssertEqual(revoked.status, 200, revoked.text)
        XCTAssertNotNil(revoked.json["revokedAt"])
        let afterPublish = try await broker.publish(alertJSON(title: "Après révocation", tlp: "GREEN"))
        let ended = await streamEnded.value
        XCTAssertLessThan(ended.seconds, 15, "the stream closed on revocation")
        XCTAssertEqual(ended.events.last?.type, "revoked")
        XCTAssertFalse(ended.events.contains { $0.data.contains(afterPublish) })

        for (method, path) in [("GET", "/api/v1/alerts"), ("GET", "/api/v1/stream"), ("GET", "/api/v1/orgs/\(org)"),
                               ("POST", "/api/v1/subscriptions"), ("PUT", "/api/v1/orgs/\(org)/inventory")] {
            let answer = try await broker.request(method, path, token: token, json: method == "GET" ? nil : ["channel": "feed"])
            XCTAssertEqual(answer.status, 401, "\(method) \(path): \(answer.text)")
        }
        // A feed token is revoked with its subscription.
        let feed = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "feed"])
        let feedToken = try XCTUnwrap(feed.json["feedToken"] as? String)
        let value3 = try await broker.request("GET", "/feeds/\(feedToken)/feed.json", token: nil).status
        XCTAssertEqual(value3, 200)
        let disabled = try await broker.request("PATCH", "/api/v1/subscriptions/\(feed.json["id"] as! String)", token: broker.adminToken,
                                                json: ["active": false])
        XCTAssertEqual(disabled.status, 200, disabled.text)
        let value4 = try await broker.request("GET", "/feeds/\(feedToken)/feed.json", token: nil).status
        XCTAssertEqual(value4, 401)

        let cli = try broker.cli(["token", "list", "--json"])
        XCTAssertEqual(cli.status, 0, cli.stderr)
        XCTAssertTrue(cli.stdout.contains("\"revokedAt\""))
        XCTAssertFalse(cli.stdout.contains("tcs_"))
    }

    func testTokensExpireAndTheCommandLineRevokes() async throws {
        let soon = RFC3339.format(Date() + 2)
        let created = try await broker.post("/api/v1/tokens", ["role": "publisher", "expiresAt": soon])
        XCTAssertEqual(created.status, 201, created.text)
        let token = try XCTUnwrap(created.json["token"] as? String)
        let value1 = try await broker.get("/api/v1/alerts", token: token).status
        XCTAssertEqual(value1, 200)
        try await Task.sleep(for: .milliseconds(2_300))
        let value2 = try await broker.get("/api/v1/alerts", token: token).status
        XCTAssertEqual(value2, 401)
        let past = try await broker.post("/api/v1/tokens", ["role": "publisher", "expiresAt": "2020-01-01T00:00:00Z"])
        XCTAssertEqual(past.status, 422)

        let made = try broker.cli(["token", "create", "--role", "publisher", "--expires-in", "30d"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let secret = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let value3 = try await broker.get("/api/v1/alerts", token: secret).status
        XCTAssertEqual(value3, 200)
        let list = try broker.cli(["token", "list", "--json"])
        let tokens = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let expiring = try XCTUnwrap(tokens.last)
        XCTAssertNotNil(expiring["expiresAt"])
        let revoke = try broker.cli(["token", "revoke", expiring["id"] as! String])
        XCTAssertEqual(revoke.status, 0, revoke.stderr)
        let value4 = try await broker.get("/api/v1/alerts", token: secret).status
        XCTAssertEqual(value4, 401)
        let bad = try broker.cli(["token", "create", "--role", "publisher", "--expires-in", "soon"])
        XCTAssertNotEqual(bad.status, 0)
    }

    func testTheAuditLogRecordsActionsAndRefusalsAndCannotBeChanged() async throws {
        let org = try await broker.createOrg("CHU de Caen", clearance: "GREEN")
        let subscriber = try await broker.post("/api/v1/tokens", ["role": "subscriber", "orgId": org]).json["token"] as! String
        let alert = try await broker.publish(alertJSON(tlp: "GREEN"))
        let value1 = try await broker.post("/api/v1/alerts/\(alert)/revisions", alertJSON(title: "Révision"), token: subscriber).status
        XCTAssertEqual(value1, 403)
        let value2 = try await broker.get("/api/v1/alerts", token: "tcs_not-a-token").status
        XCTAssertEqual(value2, 401)
        let value3 = try await broker.request("POST", "/api/v1/alerts/\(alert)/cancel", token: broker.adminToken).status
        XCTAssertEqual(value3, 200)

        // Refusals without a token are recorded once a minute per address, with a count: no one fills the disk
        // through the audit log, and a long path is cut short.
        for _ in 0..<30 {
            let status = try await broker.request("GET", "/api/v1/alerts/" + String(repeating: "A", count: 5_000), token: nil).status
            XCTAssertEqual(status, 401)
        }
        let log = try await broker.get("/api/v1/audit?limit=100")
        XCTAssertEqual(log.status, 200, log.text)
        let actions = log.items.map { "\($0["action"] as? String ?? "?") \($0["outcome"] as? String ?? "?")" }
        for expected in ["organisation.create ok", "token.create ok", "alert.publish ok", "alert.revise refused", "auth.refused refused",
                         "alert.cancel ok"] {
            XCTAssertTrue(actions.contains(expected), "\(expected) missing from \(actions)")
        }
        XCTAssertFalse(log.text.contains("tcs_not-a-token"), "a presented token is never recorded")
        let publish = try XCTUnwrap(log.items.first { $0["action"] as? String == "alert.publish" })
        XCTAssertEqual(publish["target"] as? String, alert)
        XCTAssertEqual(publish["sourceAddress"] as? String, "127.0.0.1")
        XCTAssertNotNil(publish["actor"])

        // Filters: by target, by action family.
        let onAlert = try await broker.get("/api/v1/audit?target=\(alert)").items.compactMap { $0["action"] as? String }
        XCTAssertEqual(Set(onAlert), ["alert.publish", "alert.revise", "alert.cancel"])
        let refused = try await broker.get("/api/v1/audit?outcome=refused").items
        XCTAssertEqual(refused.count, 2, "one 403 and one 401 entry for 31 refusals: \(refused)")
        XCTAssertTrue(refused.allSatisfy { ($0["target"] as? String ?? "").count <= 200 })
        let value4 = try await broker.get("/api/v1/audit", token: subscriber).status
        XCTAssertEqual(value4, 403)

        // No route changes it, and the database itself refuses.
        for method in ["DELETE", "PUT", "PATCH", "POST"] {
            let status = try await broker.request(method, "/api/v1/audit", token: broker.adminToken, json: [:]).status
            XCTAssertTrue([404, 405].contains(status), "\(method) /audit answered \(status)")
        }
        let cli = try broker.cli(["audit", "--action", "alert", "--json"])
        XCTAssertEqual(cli.status, 0, cli.stderr)
        let entries = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(Set(entries.compactMap { $0["action"] as? String }), ["alert.publish", "alert.revise", "alert.cancel"])
    }

    func testControlCharactersAreRefusedInWhatPeopleRead() async throws {
        for (field, value) in [("title", "Alerte\u{0}cachée"), ("title", "Sujet\r\nBcc: x@example.org"), ("summary", "texte\u{1B}[2J")] {
            var alert = alertJSON()
            alert[field] = value
            let answer = try await broker.post("/api/v1/alerts", alert)
            XCTAssertEqual(answer.status, 422, "\(field): \(answer.text)")
            XCTAssertEqual(answer.json["field"] as? String, field)
        }
        var multiline = alertJSON()
        multiline["summary"] = "Ligne 1\n\tLigne 2"
        let value1 = try await broker.post("/api/v1/alerts", multiline).status
        XCTAssertEqual(value1, 201)
        let org = try await broker.post("/api/v1/orgs", ["name": "CH\u{7}Bip", "region": "28"])
        XCTAssertEqual(org.status, 422)
        XCTAssertEqual(org.json["field"] as? String, "name")
    }
}
