import Foundation
import XCTest

/// Email through a real SMTP server (aiosmtpd), read back with a real MIME parser (Python's email package).
final class EmailTests: XCTestCase {
    var sink: SMTPSink!
    var broker: BrokerProcess!

    static var templatesDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Templates").path
    }

    override func setUp() async throws {
        sink = try SMTPSink()
        broker = try await BrokerProcess.start(environment: sink.brokerEnvironment())
    }

    override func tearDown() async throws {
        broker.stop()
        sink = nil
    }

    func subscribeEmail(org: String, address: String) async throws -> String {
        let answer = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": address])
        XCTAssertEqual(answer.status, 201, answer.text)
        return try XCTUnwrap(answer.json["id"] as? String)
    }

    func testAnAlertArrivesAsAFrenchMultipartMailWithListHeadersAndAWorkingUnsubscribe() async throws {
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        let subscription = try await subscribeEmail(org: org, address: "rssi@chu-rouen.test")
        var alert = alertJSON(title: "Rançongiciel « LockBit » : indicateurs de compromission à bloquer d'urgence", tlp: "AMBER", severity: "critical")
        alert["indicators"] = [["type": "url", "value": "http://evil.example.com/payload.exe"], ["type": "ipv4", "value": "203.0.113.7"]]
        alert["body"] = String(repeating: "Les établissements de santé doivent vérifier leurs journaux. ", count: 4)
        let id = try await broker.publish(alert)
        try await eventually(broker.log) { try self.sink.messages().count == 1 }
        let mail = try sink.messages()[0]
        let headers = try XCTUnwrap(mail["headers"] as? [String: String])
        XCTAssertEqual(mail["contentType"] as? String, "multipart/alternative")
        XCTAssertEqual(mail["parts"] as? [String], ["text/plain", "text/html"])
        XCTAssertEqual(headers["Subject"], "[TLP:AMBER][CRITIQUE] Rançongiciel « LockBit » : indicateurs de compromission à bloquer d'urgence")
        XCTAssertEqual(headers["To"], "rssi@chu-rouen.test")
        XCTAssertNotNil(headers["Date"])
        XCTAssertEqual(headers["X-Tocsin-Alert"], "\(id); revision=1")
        XCTAssertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        XCTAssertNotNil(headers["List-Id"])
        let ledger = try await broker.deliveries(alert: id)
        XCTAssertEqual(headers["Message-ID"], "<\(ledger[0]["id"] as! String)@tocsin.cert-sante.test>")
        let text = try XCTUnwrap(mail["text"] as? String)
        XCTAssertTrue(text.contains("Les établissements de santé"), text)
        XCTAssertTrue(text.contains("hxxp[://]evil[.]example[.]com/payload[.]exe"), text)
        XCTAssertTrue(text.contains("203[.]0[.]113[.]7"), text)
        XCTAssertFalse(text.contains("203.0.113.7"))
        XCTAssertTrue(text.contains("TLP:AMBER"))
        XCTAssertTrue((mail["html"] as? String)?.contains("<code>hxxp[://]evil[.]example[.]com/payload[.]exe</code>") == true)
        XCTAssertLessThanOrEqual(mail["longestBodyLine"] as! Int, 78, "RFC 5322 §2.1.1 line length")
        XCTAssertLessThanOrEqual(mail["longestHeaderLine"] as! Int, 998)
        XCTAssertEqual(mail["bareLF"] as? Bool, false)
        try await eventually { try await self.broker.deliveries(alert: id).first?["state"] as? String == "delivered" }

        // One-click unsubscribe, as a mail client does it from List-Unsubscribe-Post.
        let link = try XCTUnwrap(headers["List-Unsubscribe"]?.trimmingCharacters(in: CharacterSet(charactersIn: "<>")))
        let path = String(link[link.range(of: "/unsubscribe/")!.lowerBound...])
        let page = try await broker.request("GET", path, token: nil)
        XCTAssertEqual(page.status, 200)
        let token = String(path.dropFirst("/unsubscribe/".count))
        XCTAssertEqual(page.text, Self.unsubscribePage("Se désabonner / Unsubscribe", """
            <form method="post" action="/unsubscribe/\(token)">
            <input type="hidden" name="List-Unsubscribe" value="One-Click">
            <p>Ne plus recevoir les alertes Tocsin à cette adresse ? / Stop receiving Tocsin alerts at this address?</p>
            <button type="submit">Se désabonner / Unsubscribe</button>
            </form>
            """))
        let value2 = try await broker.get("/api/v1/subscriptions/\(subscription)").json["active"] as? Bool
        XCTAssertEqual(value2, true, "GET must not unsubscribe")
        let unsubscribed = try await broker.request("POST", path, token: nil, raw: Array("List-Unsubscribe=One-Click".utf8),
                                                    contentType: "application/x-www-form-urlencoded")
        XCTAssertEqual(unsubscribed.status, 200)
        XCTAssertEqual(unsubscribed.text, Self.unsubscribePage(
            "Désabonné / Unsubscribed", "<p>Vous ne recevrez plus ces alertes à cette adresse. / You will no longer receive these alerts at this address.</p>"))
        let value3 = try await broker.get("/api/v1/subscriptions/\(subscription)").json["active"] as? Bool
        XCTAssertEqual(value3, false)
        let value4 = try await broker.post("/api/v1/alerts", alertJSON()).json["deliveriesQueued"] as? Int
        XCTAssertEqual(value4, 0)
        let unknown = try await broker.request("POST", "/unsubscribe/unsub_unknown", token: nil)
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.text, Self.unsubscribePage(
            "Lien inconnu / Unknown link", "<p>Ce lien de désabonnement n'est pas valable. / This unsubscribe link is not valid.</p>"))
    }

    /// The unsubscribe pages, word for word: one page in both languages, since the link does not say the reader's.
    static func unsubscribePage(_ title: String, _ body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="fr"><head><meta charset="utf-8"><title>\(title)</title></head>
        <body style="font-family: sans-serif; max-width: 40em; margin: 2em auto;"><h1>\(title)</h1>\(body)</body></html>
        """
    }

    func testEnglishOrganisationsGetEnglishMailAndUpdatesAreMarked() async throws {
        let org = try await broker.post("/api/v1/orgs", ["name": "NHS Trust", "kind": "other", "tlpClearance": "GREEN", "locale": "en"]).json["id"] as! String
        _ = try await subscribeEmail(org: org, address: "soc@trust.test")
        let id = try await broker.publish(alertJSON(title: "Phishing wave", tlp: "GREEN", severity: "high"))
        var update = alertJSON(title: "Phishing wave", tlp: "GREEN", severity: "high")
        update["summary"] = "New indicators of compromise have been published."
        let value6 = try await broker.post("/api/v1/alerts/\(id)/revisions", update).status
        XCTAssertEqual(value6, 201)
        try await eventually { try self.sink.messages().count == 2 }
        let subjects = try sink.messages().compactMap { ($0["headers"] as? [String: String])?["Subject"] }
        XCTAssertEqual(Set(subjects), ["[TLP:GREEN][HIGH] Phishing wave", "[UPDATE][TLP:GREEN][HIGH] Phishing wave"])
        XCTAssertTrue(try sink.messages().allSatisfy { ($0["text"] as? String)?.contains("Indicators of compromise") == true })
    }

    func testSMTP4xxIsRetriedAnd5xxIsAPermanentFailureWithTheServersReply() async throws {
        let org = try await broker.createOrg("CH de Lisieux", clearance: "AMBER")
        _ = try await subscribeEmail(org: org, address: "busy@ch-lisieux.test")
        _ = try await subscribeEmail(org: org, address: "reject@ch-lisieux.test")
        let id = try await broker.publish(alertJSON())
        try await eventually(broker.log) {
            let states = try await self.broker.deliveries(alert: id).compactMap { $0["state"] as? String }
            return Set(states) == ["delivered", "dead"]
        }
        let ledger = try await broker.deliveries(alert: id)
        let busy = try XCTUnwrap(ledger.first { $0["state"] as? String == "delivered" })
        XCTAssertEqual(busy["attempts"] as? Int, 2)
        let rejected = try XCTUnwrap(ledger.first { $0["state"] as? String == "dead" })
        XCTAssertEqual(rejected["attempts"] as? Int, 1)
        XCTAssertEqual(rejected["lastStatus"] as? Int, 550)
        XCTAssertTrue((rejected["lastError"] as? String ?? "").contains("550"), "\(rejected)")
        XCTAssertTrue((rejected["lastError"] as? String ?? "").contains("550 5.1.1 mailbox unavailable"), "the server's own words: \(rejected)")
        let messageIds = try sink.messages().compactMap { ($0["headers"] as? [String: String])?["Message-ID"] }
        XCTAssertEqual(messageIds, ["<\(busy["id"] as! String)@tocsin.cert-sante.test>"])
    }

    /// Sessions cut in the middle of a fan-out (the server closes the connection without a word): each message they
    /// carried is retried on a new session, every delivery is recorded as delivered, and no message is lost or sent
    /// twice; the other recipients of the fan-out get theirs once.
    func testASessionDroppedMidFanOutLosesAndDuplicatesNothing() async throws {
        var addresses: [String: String] = [:]
        for index in 0..<24 {
            let org = try await broker.createOrg("CH \(index)", clearance: "AMBER")
            let address = index % 6 == 2 ? "drop\(index)@ch\(index).test" : "rssi\(index)@ch\(index).test"
            addresses[try await subscribeEmail(org: org, address: address)] = address
        }
        let id = try await broker.publish(alertJSON())
        try await eventually(timeout: 30, broker.log) {
            let states = try await self.broker.deliveries(alert: id).compactMap { $0["state"] as? String }
            return states.count == 24 && states.allSatisfy { $0 == "delivered" }
        }
        let ledger = try await broker.deliveries(alert: id)
        for delivery in ledger {
            let address = try XCTUnwrap(addresses[delivery["subscriptionId"] as? String ?? ""])
            if address.hasPrefix("drop") {
                XCTAssertEqual(delivery["attempts"] as? Int, 2, "\(delivery)")
            } else {
                XCTAssertGreaterThanOrEqual(delivery["attempts"] as? Int ?? 0, 1)
            }
        }
        let mails = try sink.messages().compactMap { $0["headers"] as? [String: String] }
        XCTAssertEqual(mails.count, 24, "one message per recipient, none twice")
        XCTAssertEqual(Set(mails.compactMap { $0["Message-ID"] }), Set(ledger.map { "<\($0["id"] as! String)@tocsin.cert-sante.test>" }))
        XCTAssertEqual(Set(mails.compactMap { $0["To"] }), Set(addresses.values))
    }

    /// Only the indicator list used to be defanged: a URL in the summary stayed live, and clickable, in both parts.
    func testEverythingAPersonReadsIsDefangedAndOnlyTheAdvisorysOwnLinksStayClickable() async throws {
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        _ = try await subscribeEmail(org: org, address: "rssi@chu-rouen.test")
        var alert = alertJSON(title: "Campagne depuis evil.example.com", tlp: "AMBER")
        alert["summary"] = "Le chargeur est servi par http://live-evil2.example.net/drop.php et contacte evil.example.com."
        alert["body"] = "Voir aussi https://paste.example.org/raw/abc et le serveur 198.51.100.23."
        alert["indicators"] = [["type": "domain", "value": "evil.example.com"], ["type": "ipv4", "value": "198.51.100.23"],
                               ["type": "url", "value": "https://paste.example.org/raw/abc"]]
        alert["references"] = [["url": "https://www.cert.ssi.gouv.fr/alerte/CERTFR-2026-ALE-001/"], ["url": "https://paste.example.org/raw/abc"]]
        _ = try await broker.publish(alert)
        try await eventually(broker.log) { try self.sink.messages().count == 1 }
        let mail = try sink.messages()[0]
        let text = try XCTUnwrap(mail["text"] as? String)
        let html = try XCTUnwrap(mail["html"] as? String)
        let subject = (mail["headers"] as? [String: String])?["Subject"] ?? ""
        for part in [text, html, subject] {
            for live in ["http://live-evil2", "live-evil2.example.net", "evil.example.com", "https://paste.example.org", "198.51.100.23"] {
                XCTAssertFalse(part.contains(live), "\(live) is live in: \(part.prefix(2000))")
            }
        }
        XCTAssertTrue(text.contains("hxxp[://]live-evil2[.]example[.]net/drop[.]php"), text)
        XCTAssertTrue(html.contains("evil[.]example[.]com"))
        XCTAssertTrue(html.contains(#"<a href="https://www.cert.ssi.gouv.fr/alerte/CERTFR-2026-ALE-001/">"#), "the advisory's own link stays clickable")
        XCTAssertFalse(html.contains(#"href="https://paste"#), "a reference that is an indicator is not a link")
    }

    /// The reason of a cancellation is shown in the reader's language, not appended in English to the summary.
    func testACancellationReasonIsInTheReadersLanguage() async throws {
        let org = try await broker.createOrg("CHU de Caen", clearance: "AMBER")
        _ = try await subscribeEmail(org: org, address: "rssi@chu-caen.test")
        let id = try await broker.publish(alertJSON(tlp: "AMBER"))
        try await eventually(broker.log) { try self.sink.messages().count == 1 }
        let cancelled = try await broker.request("POST", "/api/v1/alerts/\(id)/cancel", token: broker.adminToken, json: ["reason": "faux positif"])
        XCTAssertEqual(cancelled.status, 200, cancelled.text)
        XCTAssertEqual(cancelled.json["summary"] as? String, alertJSON()["summary"] as? String, "the summary stays as published")
        XCTAssertEqual((cancelled.json["attributes"] as? [String: String])?["tocsin.cancelReason"], "faux positif")
        try await eventually(broker.log) { try self.sink.messages().count == 2 }
        let text = try XCTUnwrap(try sink.messages()[1]["text"] as? String)
        XCTAssertTrue(text.contains("Motif : faux positif"), text)
        XCTAssertFalse(text.contains("Cancelled:"), text)
    }
}
