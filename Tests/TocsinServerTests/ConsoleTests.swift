import Foundation
import XCTest

/// The console's security properties over plain HTTP against the real binary (the browser tests drive the pages):
/// cookies and headers, the CSRF check, one-time login links, rate limiting, sessions ended by logout and by
/// revoking their token, and the emailed acknowledgement link's console page.
final class ConsoleTests: XCTestCase {
    var sink: SMTPSink!
    var broker: BrokerProcess!

    override func setUp() async throws {
        sink = try SMTPSink()
        broker = try await BrokerProcess.start(environment: sink.brokerEnvironment(publicUrl: "https://tocsin.cert-sante.test"))
    }

    override func tearDown() async throws {
        broker.stop()
        sink = nil
    }

    /// A browser's cookie jar, enough for the console: cookies by name, set and removed by `Set-Cookie`.
    final class Browser {
        let broker: BrokerProcess
        var cookies: [String: String] = [:]
        init(_ broker: BrokerProcess) { self.broker = broker }

        func setCookies(of answer: BrokerProcess.Answer) -> [String] {
            let set = answer.headers.filter { $0.0.lowercased() == "set-cookie" }.map(\.1)
            for cookie in set {
                let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if cookie.contains("Max-Age=0") { cookies[String(pair[0])] = nil } else { cookies[String(pair[0])] = String(pair[1]) }
            }
            return set
        }

        var cookieHeader: [(String, String)] {
            cookies.isEmpty ? [] : [("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))]
        }

        func get(_ path: String) async throws -> BrokerProcess.Answer {
            let answer = try await broker.request("GET", path, token: nil, extraHeaders: cookieHeader)
            _ = setCookies(of: answer)
            return answer
        }

        func post(_ path: String, _ fields: [String: String]) async throws -> BrokerProcess.Answer {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
            let answer = try await broker.request("POST", path, token: nil, raw: Array(body.utf8), contentType: "application/x-www-form-urlencoded",
                                                  extraHeaders: cookieHeader)
            _ = setCookies(of: answer)
            return answer
        }

        /// Opens `path` and returns the CSRF value of its forms.
        func formToken(_ path: String) async throws -> String {
            let page = try await get(path)
            return try XCTUnwrap(Self.csrf(page), page.text)
        }

        /// The CSRF value of the page's forms.
        static func csrf(_ page: BrokerProcess.Answer) -> String? {
            guard let range = page.text.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
            return String(page.text[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
        }
    }

    func testCookiesAreHttpOnlyLaxAndSecureUnderHttpsEveryPostNeedsItsCSRFTokenAndRevokingTheTokenEndsTheSession() async throws {
        let browser = Browser(broker)
        let login = try await browser.get("/console/login?next=/console/alerts")
        XCTAssertEqual(login.status, 200)
        XCTAssertEqual(login.header("Content-Security-Policy"), "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'")
        XCTAssertEqual(login.header("X-Frame-Options"), "DENY")
        XCTAssertEqual(login.header("X-Content-Type-Options"), "nosniff")
        XCTAssertEqual(login.header("Cache-Control"), "no-store")
        XCTAssertTrue(login.text.contains("<html lang=\"fr\">"))
        let preLogin = try XCTUnwrap(login.header("Set-Cookie"))
        XCTAssertTrue(preLogin.hasPrefix("tocsin_login=") && preLogin.contains("HttpOnly") && preLogin.contains("SameSite=Lax") && preLogin.contains("Secure"), preLogin)
        let csrf = try XCTUnwrap(Browser.csrf(login))

        // Without the form's token, or without the cookie it must match, a login is refused.
        let noToken = try await browser.post("/console/login/token", ["token": broker.adminToken])
        XCTAssertEqual(noToken.status, 403, noToken.text)
        let elsewhere = Browser(broker)
        let forged = try await elsewhere.post("/console/login/token", ["token": broker.adminToken, "csrf": csrf])
        XCTAssertEqual(forged.status, 403, "a form posted from another site has no cookie to match")

        // A subscriber's token, pasted once.
        let org = try await broker.createOrg("CHU de Dreux", clearance: "GREEN")
        let created = try await broker.post("/api/v1/tokens", ["role": "subscriber", "orgId": org])
        let tokenId = try XCTUnwrap(created.json["id"] as? String), token = try XCTUnwrap(created.json["token"] as? String)
        let signedIn = try await browser.post("/console/login/token", ["token": token, "csrf": csrf, "next": "/console/alerts"])
        XCTAssertEqual(signedIn.status, 303, signedIn.text)
        XCTAssertEqual(signedIn.header("Location"), "/console/alerts")
        let session = try XCTUnwrap(signedIn.headers.first { $0.0.lowercased() == "set-cookie" && $0.1.hasPrefix("tocsin_session=") }?.1)
        XCTAssertTrue(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Secure") && session.contains("Path=/console"), session)
        let inbox = try await browser.get("/console/alerts")
        XCTAssertEqual(inbox.status, 200, inbox.text)
        XCTAssertFalse(inbox.text.contains(token), "the token is never written into a page")

        // A signed-in POST needs the session's own token, not the pre-login one.
        let ack = try await browser.post("/console/logout", ["csrf": csrf])
        XCTAssertEqual(ack.status, 403)

        // Revoking the token ends the session.
        let revoked = try await broker.request("DELETE", "/api/v1/tokens/\(tokenId)", token: broker.adminToken)
        XCTAssertLessThan(revoked.status, 300, revoked.text)
        let after = try await browser.get("/console/alerts")
        XCTAssertEqual(after.status, 303)
        XCTAssertEqual(after.header("Location"), "/console/login?next=/console/alerts")
    }

    func testALoginLinkIsSentOnlyToAKnownContactWorksOnceAndOnlyByPostAndLogoutEndsTheSession() async throws {
        let created = try await broker.post("/api/v1/orgs", [
            "name": "CH de Nogent", "kind": "CH", "region": "28", "tlpClearance": "GREEN", "locale": "en",
            "contacts": [["role": "rssi", "name": "Bob", "email": "rssi@ch-nogent.test", "locale": "en"]],
        ])
        XCTAssertEqual(created.status, 201, created.text)
        let browser = Browser(broker)
        let csrf = try await browser.formToken("/console/login")
        func message(_ answer: BrokerProcess.Answer) -> String? {
            answer.text.range(of: #"id="login-message">[^<]*"#, options: .regularExpression).map { String(answer.text[$0]) }
        }
        let unknown = try await browser.post("/console/login/email", ["email": "nobody@ch-nogent.test", "csrf": csrf])
        let known = try await browser.post("/console/login/email", ["email": "RSSI@ch-nogent.test", "csrf": csrf])
        XCTAssertEqual(unknown.status, 200)
        XCTAssertEqual(known.status, unknown.status)
        XCTAssertNotNil(message(known))
        XCTAssertEqual(message(known), message(unknown), "the answer says nothing of whether the address is known")
        try await eventually(broker.log) { try self.sink.messages().count == 1 }
        let mail = try sink.messages()[0]
        XCTAssertEqual((mail["headers"] as? [String: String])?["Subject"], "Your sign-in link to Tocsin")
        let text = try XCTUnwrap(mail["text"] as? String)
        let range = try XCTUnwrap(text.range(of: #"https://tocsin\.cert-sante\.test/console/login/link/[A-Za-z0-9_-]+"#, options: .regularExpression))
        let path = String(text[range].dropFirst("https://tocsin.cert-sante.test".count))

        // A mail scanner opens it: a page with a button, no session.
        let reader = Browser(broker)
        for _ in 0..<2 {
            let shown = try await reader.get(path)
            XCTAssertEqual(shown.status, 200, shown.text)
            XCTAssertEqual(shown.header("Referrer-Policy"), "no-referrer")
            XCTAssertNil(reader.cookies["tocsin_session"])
            XCTAssertTrue(shown.text.contains("<html lang=\"en\">"))
        }
        let linkCSRF = try await reader.formToken(path)
        let used = try await reader.post(path, ["csrf": linkCSRF])
        XCTAssertEqual(used.status, 303, used.text)
        XCTAssertNotNil(reader.cookies["tocsin_session"])
        let organisation = try await reader.get("/console/organisation")
        XCTAssertEqual(organisation.status, 200)
        XCTAssertTrue(organisation.text.contains("CH de Nogent"))

        // Used once: a second POST (another browser, or the same) finds nothing.
        let other = Browser(broker)
        let again = try await other.post(path, ["csrf": try await other.formToken("/console/login")])
        XCTAssertEqual(again.status, 410)
        XCTAssertNil(other.cookies["tocsin_session"])

        // Logout ends the session in the store: the old cookie no longer opens anything.
        let secret = try XCTUnwrap(reader.cookies["tocsin_session"])
        let sessionCSRF = try XCTUnwrap(Browser.csrf(organisation))
        let out = try await reader.post("/console/logout", ["csrf": sessionCSRF])
        XCTAssertEqual(out.status, 303)
        reader.cookies["tocsin_session"] = secret
        let replayed = try await reader.get("/console/organisation")
        XCTAssertEqual(replayed.status, 303, "a session logged out stays over")
    }

    func testLoginAttemptsAreRateLimited() async throws {
        let browser = Browser(broker)
        let csrf = try await browser.formToken("/console/login")
        var statuses: [Int] = []
        for attempt in 0..<12 {
            statuses.append(try await browser.post("/console/login/token", ["token": "tcs_wrong\(attempt)", "csrf": csrf]).status)
        }
        XCTAssertEqual(Array(statuses.prefix(10)), Array(repeating: 401, count: 10))
        XCTAssertEqual(Array(statuses.suffix(2)), [429, 429])
        let right = try await browser.post("/console/login/token", ["token": broker.adminToken, "csrf": csrf])
        XCTAssertEqual(right.status, 429, "even the right token waits")
    }

    func testTheEmailedAcknowledgementLinkOpensAConsolePageThatRecordsOnlyOnPost() async throws {
        let org = try await broker.createOrg("CHU de Chartres", clearance: "AMBER")
        let subscribed = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": "rssi@chu-chartres.test"])
        XCTAssertEqual(subscribed.status, 201, subscribed.text)
        let id = try await broker.publish(alertJSON(title: "Faille <VPN>", tlp: "AMBER", severity: "critical"))
        try await eventually(broker.log) { try self.sink.messages().count == 1 }
        let text = try XCTUnwrap(try sink.messages()[0]["text"] as? String)
        XCTAssertTrue(text.contains("https://tocsin.cert-sante.test/console/alerts/\(id)"), "the full alert opens in the console")
        let range = try XCTUnwrap(text.range(of: #"https://tocsin\.cert-sante\.test/console/ack/v1\.[A-Za-z0-9_.-]+"#, options: .regularExpression))
        let path = String(text[range].dropFirst("https://tocsin.cert-sante.test".count))

        let browser = Browser(broker)
        let shown = try await browser.get(path)
        XCTAssertEqual(shown.status, 200, shown.text)
        XCTAssertTrue(shown.text.contains("Faille &lt;VPN&gt;"))
        XCTAssertTrue(shown.text.contains("href=\"/console/alerts/\(id)\""), "the page leads to the full alert")
        XCTAssertEqual(shown.header("Referrer-Policy"), "no-referrer")
        func acknowledged() async throws -> Int? {
            ((try await broker.get("/api/v1/alerts/\(id)/reach").json["counts"]) as? [String: Any])?["acknowledged"] as? Int
        }
        let none = try await acknowledged()
        XCTAssertEqual(none, 0, "opening the link records nothing")
        let refused = try await browser.post(path, [:])
        XCTAssertEqual(refused.status, 403, "a POST without the form's token is refused")
        let noneAfterRefusal = try await acknowledged()
        XCTAssertEqual(noneAfterRefusal, 0)
        let done = try await browser.post(path, ["csrf": try XCTUnwrap(Browser.csrf(shown))])
        XCTAssertEqual(done.status, 200, done.text)
        XCTAssertTrue(done.text.contains("CHU de Chartres"))
        let one = try await acknowledged()
        XCTAssertEqual(one, 1)
    }
}
