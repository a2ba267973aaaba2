import Foundation
import TocsinCore
import TocsinNet
import XCTest

/// The console's 404 page for unknown paths, the audit entries of signing in and out, and the live reach stream
/// ending with its session.
extension ConsoleTests {
    /// Signs `browser` in with an API token and returns the CSRF value of its session's forms.
    func signIn(_ browser: Browser, token: String) async throws -> String {
        let csrf = try await browser.formToken("/console/login")
        let signedIn = try await browser.post("/console/login/token", ["token": token, "csrf": csrf])
        XCTAssertEqual(signedIn.status, 303, signedIn.text)
        let page = try await browser.get("/console/alerts")
        return try XCTUnwrap(Browser.csrf(page))
    }

    func testAnUnknownConsolePathAnswersTheConsoles404PageExactlyLikeAnAlertOneMayNotRead() async throws {
        let created = try await broker.post("/api/v1/orgs", ["name": "CH de Nogent", "kind": "CH", "region": "28", "tlpClearance": "GREEN", "locale": "en"])
        XCTAssertEqual(created.status, 201, created.text)
        let org = try XCTUnwrap(created.json["id"] as? String)
        let hidden = try await broker.publish(alertJSON(title: "Réservée à AMBER", tlp: "AMBER"))
        let browser = Browser(broker)
        _ = try await signIn(browser, token: try await broker.token("subscriber", org: org))

        let unreadable = try await browser.get("/console/alerts/\(hidden)")
        XCTAssertEqual(unreadable.status, 404, unreadable.text)
        let others = [
            ("an alert that does not exist", try await browser.get("/console/alerts/\(TocsinID.make())")),
            ("an unknown page", try await browser.get("/console/no/such/page")),
            ("an unknown page under an alert", try await browser.get("/console/alerts/\(hidden)/nothing")),
            ("a path between two routes", try await browser.get("/console/region/alerts")),
            ("a POST to an unknown page", try await browser.post("/console/nowhere", ["csrf": "none"])),
        ]
        for (what, page) in [("an alert it may not read", unreadable)] + others {
            XCTAssertEqual(page.status, 404, what)
            XCTAssertEqual(page.header("Content-Type"), "text/html; charset=utf-8", what)
            XCTAssertEqual(page.header("Content-Security-Policy")?.hasPrefix("default-src 'self'"), true, what)
            XCTAssertTrue(page.text.contains("<html lang=\"en\">"), "\(what): in the session's language")
            XCTAssertTrue(page.text.contains("Page not found"), what)
            XCTAssertTrue(page.text.contains("href=\"/console/logout\"") || page.text.contains("action=\"/console/logout\""), "\(what): the layout")
            XCTAssertEqual(page.text, unreadable.text, "\(what) reads exactly like an alert one may not read")
            XCTAssertFalse(page.text.contains("AMBER"), what)
        }

        // Signed out: the same page in French, without a menu; the API keeps its problem documents.
        let stranger = try await Browser(broker).get("/console/nowhere")
        XCTAssertEqual(stranger.status, 404)
        XCTAssertTrue(stranger.text.contains("<html lang=\"fr\">") && stranger.text.contains("Page introuvable"), stranger.text)
        XCTAssertFalse(stranger.text.contains("/console/logout"))
        let api = try await broker.get("/api/v1/nowhere")
        XCTAssertEqual(api.status, 404)
        XCTAssertEqual(api.header("Content-Type"), "application/problem+json")
    }

    func testSigningInAndOutIsWrittenToTheAuditLogWithoutSecretsOrAddresses() async throws {
        // A token login refused, one accepted, and its sign-out.
        let created = try await broker.post("/api/v1/tokens", ["role": "publisher", "label": "analyste"])
        let tokenId = try XCTUnwrap(created.json["id"] as? String), token = try XCTUnwrap(created.json["token"] as? String)
        let browser = Browser(broker)
        let csrf = try await browser.formToken("/console/login")
        let refused = try await browser.post("/console/login/token", ["token": "tcs_not_a_token", "csrf": csrf])
        XCTAssertEqual(refused.status, 401)
        let sessionCSRF = try await signIn(browser, token: token)
        let out = try await browser.post("/console/logout", ["csrf": sessionCSRF])
        XCTAssertEqual(out.status, 303)

        // A contact's emailed link, used, then used again.
        let org = try await broker.post("/api/v1/orgs", [
            "name": "CH de Dreux", "kind": "CH", "region": "28", "tlpClearance": "GREEN",
            "contacts": [["role": "rssi", "name": "Jeanne Martin", "email": "jeanne.martin@ch-dreux.test"]],
        ])
        XCTAssertEqual(org.status, 201, org.text)
        let orgId = try XCTUnwrap(org.json["id"] as? String)
        let contactId = try XCTUnwrap(((org.json["contacts"] as? [[String: Any]])?.first)?["id"] as? String)
        let reader = Browser(broker)
        let sent = try await reader.post("/console/login/email", ["email": "jeanne.martin@ch-dreux.test", "csrf": try await reader.formToken("/console/login")])
        XCTAssertEqual(sent.status, 200)
        try await eventually(broker.log) { try self.sink.messages().count == 1 }
        let text = try XCTUnwrap(try sink.messages()[0]["text"] as? String)
        let range = try XCTUnwrap(text.range(of: #"/console/login/link/[A-Za-z0-9_-]+"#, options: .regularExpression))
        let path = String(text[range])
        let used = try await reader.post(path, ["csrf": try await reader.formToken(path)])
        XCTAssertEqual(used.status, 303, used.text)
        let other = Browser(broker)
        let again = try await other.post(path, ["csrf": try await other.formToken("/console/login")])
        XCTAssertEqual(again.status, 410)

        let log = try await broker.get("/api/v1/audit?action=console")
        XCTAssertEqual(log.status, 200, log.text)
        let entries = log.items.reversed().map { entry in
            [entry["action"], entry["outcome"], entry["actor"], entry["orgId"], entry["status"]]
                .map { value in value.flatMap { $0 is NSNull ? nil : "\($0)" } ?? "-" }.joined(separator: " ")
        }
        XCTAssertEqual(Array(entries), [
            "console.login.token refused - - 401",
            "console.login.token ok \(tokenId) - 303",
            "console.logout ok \(tokenId) - 303",
            "console.login.link ok contact:\(contactId) \(orgId) 303",
            "console.login.link refused - - 410",
        ])
        // A session's sign-in and sign-out name the same session; every entry has the client's address.
        let items = log.items.reversed().map { $0 }
        XCTAssertNotNil(items[1]["target"] as? String)
        XCTAssertEqual(items[1]["target"] as? String, items[2]["target"] as? String)
        XCTAssertTrue(items.allSatisfy { ($0["sourceAddress"] as? String)?.isEmpty == false })
        for secret in [token, "tcs_not_a_token", String(path.split(separator: "/").last!), "jeanne.martin", "Jeanne Martin"] {
            XCTAssertFalse(log.text.contains(secret), "the audit log holds no secret nor personal data")
        }
    }

    func testTheLiveReachStreamEndsWithinSecondsOfSigningOut() async throws {
        let created = try await broker.post("/api/v1/tokens", ["role": "admin", "label": "cellule"])
        let token = try XCTUnwrap(created.json["token"] as? String)
        let alertId = try await broker.publish(alertJSON(title: "Faille suivie en direct", tlp: "GREEN"))
        let browser = Browser(broker)
        let csrf = try await signIn(browser, token: token)
        let port = broker.port
        let cookies = browser.cookieHeader
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var parser = ServerSentEventParser()
            var events: [ServerSentEventParser.Event] = []
            var count: Int { lock.withLock { events.count } }
        }
        let box = Box()
        let streamEnded = Task.detached { () -> Double in
            let start = Date()
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Thread {
                    let deadline = Date() + 60
                    _ = CurlStream.get(url: "http://127.0.0.1:\(port)/console/alerts/\(alertId)/reach/stream", headers: cookies) { bytes in
                        box.lock.withLock { box.events += box.parser.feed(bytes) }
                        return Date() < deadline
                    }
                    continuation.resume()
                }.start()
            }
            return Date().timeIntervalSince(start)
        }
        try await eventually(broker.log) { box.count >= 1 }
        XCTAssertEqual(box.lock.withLock { box.events.first?.type }, "reach")
        let signedOut = Date()
        let out = try await browser.post("/console/logout", ["csrf": csrf])
        XCTAssertEqual(out.status, 303)
        _ = await streamEnded.value
        XCTAssertLessThan(Date().timeIntervalSince(signedOut), 5, "the stream ends within seconds of the session")
        XCTAssertEqual(box.lock.withLock { box.events.last?.type }, "ended")
    }
}
