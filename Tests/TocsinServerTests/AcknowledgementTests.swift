import Foundation
import TocsinCore
import TocsinStore
import TocsinDelivery
import XCTest

/// The ways an organisation acknowledges an alert, against the real binary: the link of an email or a webhook body
/// (a GET that only shows, a POST that records), the API, a CAP `Ack`; and what counts as having seen an alert.
///
/// The reach rows are read from the broker's own database file, as the reach report will read them.
final class AcknowledgementTests: XCTestCase {
    var sink: SMTPSink!
    var broker: BrokerProcess!
    var receiver: WebhookReceiver!
    var store: SQLiteStore!

    static let publicUrl = "https://tocsin.cert-sante.test"

    override func setUp() async throws {
        sink = try SMTPSink()
        receiver = try await WebhookReceiver.start()
        broker = try await BrokerProcess.start(environment: sink.brokerEnvironment(publicUrl: Self.publicUrl))
        store = try SQLiteStore(path: "\(broker.dataDir)/tocsin.sqlite", channels: ChannelRegistry.catalog)
    }

    override func tearDown() async throws {
        broker.stop()
        receiver.stop()
        sink = nil
        store = nil
    }

    // MARK: Helpers

    func subscribe(_ org: String, _ channel: String, _ target: String? = nil) async throws -> [String: Any] {
        var body: [String: Any] = ["orgId": org, "channel": channel]
        if let target { body["target"] = target }
        let answer = try await broker.post("/api/v1/subscriptions", body)
        XCTAssertEqual(answer.status, 201, answer.text)
        return answer.json
    }

    /// A token of `role` for `org`, with a label.
    func token(_ role: String, _ org: String, label: String? = nil) async throws -> (id: String, secret: String) {
        var body: [String: Any] = ["role": role, "orgId": org]
        if let label { body["label"] = label }
        let answer = try await broker.post("/api/v1/tokens", body)
        XCTAssertEqual(answer.status, 201, answer.text)
        return (try XCTUnwrap(answer.json["id"] as? String), try XCTUnwrap(answer.json["token"] as? String))
    }

    /// The token path (`/ack/{token}`) of the acknowledgement link in the plain-text part of the `index`th email
    /// received. Emails link to the console's page of the token (`/console/ack/{token}`, whose form carries a CSRF
    /// token: `ConsoleTests`); these tests follow the same token at `/ack/{token}`, as a program would, which goes
    /// through the same checks.
    func ackPath(inMail index: Int = 0, label: String = "Accuser réception : ") throws -> String {
        let text = try XCTUnwrap(try sink.messages()[index]["text"] as? String)
        let line = try XCTUnwrap(text.split(whereSeparator: \.isNewline).first { $0.hasPrefix(label) }, text)
        let url = String(line.dropFirst(label.count))
        XCTAssertTrue(url.hasPrefix("\(Self.publicUrl)/console/ack/v1."), url)
        return String(url.dropFirst(Self.publicUrl.count + "/console".count))
    }

    func reach(_ alert: String, _ org: String) async throws -> OrganisationReach? {
        try await store.reach(alertId: alert, orgId: org)
    }

    func page(_ method: String, _ path: String) async throws -> BrokerProcess.Answer {
        try await broker.request(method, path, token: nil, raw: method == "POST" ? [] : nil, contentType: "application/x-www-form-urlencoded")
    }

    /// The broker's own signer, read from its database: to make the links no email carries (a contact's, another
    /// organisation's, an expired one).
    func signer() async throws -> AckLinkSigner { try await store.ackLinkSigner() }

    // MARK: Links

    func testAnEmailLinkShowsOnGetRecordsOnlyOnPostAndTellsWhoCameFirst() async throws {
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        let created = try await subscribe(org, "email", "rssi@chu-rouen.test")
        let subscription = try XCTUnwrap(created["id"] as? String)
        let id = try await broker.publish(alertJSON(title: "Faille <VPN> & pare-feu « Fortinet »", tlp: "AMBER", severity: "critical"))
        try await eventually(broker.log) { try self.sink.messages().count == 1 }
        let path = try ackPath()
        let html = try XCTUnwrap(try sink.messages()[0]["html"] as? String)
        XCTAssertTrue(html.contains(">Accuser réception</a>"), html)
        XCTAssertTrue(html.contains(Self.publicUrl + "/console" + path), "the same link in both parts")

        // A mail scanner opens the link, twice: a page, and nothing recorded.
        for _ in 0..<2 {
            let shown = try await page("GET", path)
            XCTAssertEqual(shown.status, 200, shown.text)
            XCTAssertEqual(shown.header("Content-Type"), "text/html; charset=utf-8")
            XCTAssertEqual(shown.header("X-Frame-Options"), "DENY")
            XCTAssertEqual(shown.header("Referrer-Policy"), "no-referrer")
            XCTAssertEqual(shown.header("Cache-Control"), "no-store")
            XCTAssertTrue(shown.header("Content-Security-Policy")?.hasPrefix("default-src 'none'") == true)
            XCTAssertTrue(shown.text.contains("<html lang=\"fr\">"), shown.text)
            XCTAssertTrue(shown.text.contains("Faille &lt;VPN&gt; &amp; pare-feu « Fortinet »"), "escaped: \(shown.text)")
            XCTAssertFalse(shown.text.contains("<VPN>"))
            XCTAssertTrue(shown.text.contains("TLP:AMBER"))
            XCTAssertTrue(shown.text.contains("Destinataire : CHU de Rouen"))
            XCTAssertTrue(shown.text.contains("<form method=\"post\">"), shown.text)
            XCTAssertTrue(shown.text.contains(">Accuser réception</button>"), shown.text)
        }
        var row = try await reach(id, org)
        XCTAssertNil(row?.acknowledged, "GET must record nothing")
        XCTAssertNil(row?.seen, "GET must record nothing")

        let recorded = try await page("POST", path)
        XCTAssertEqual(recorded.status, 200, recorded.text)
        XCTAssertTrue(recorded.text.contains("<h1>Accusé de réception enregistré</h1>"), recorded.text)
        XCTAssertEqual(recorded.header("X-Frame-Options"), "DENY")
        row = try await reach(id, org)
        XCTAssertEqual(row?.acknowledged?.by, "subscription:\(subscription)")
        XCTAssertEqual(row?.acknowledged?.byName, "rssi@chu-rouen.test")
        XCTAssertEqual(row?.acknowledged?.channel, "link")
        XCTAssertEqual(row?.acknowledgedRevision, 1)
        XCTAssertEqual(row?.seen?.channel, "link", "acknowledging is having seen")
        let first = try XCTUnwrap(row?.acknowledged)

        // Again: not an error, and who came first.
        let again = try await page("POST", path)
        XCTAssertEqual(again.status, 200)
        XCTAssertTrue(again.text.contains("<h1>Réception déjà accusée</h1>"), again.text)
        XCTAssertTrue(again.text.contains("Réception déjà accusée par rssi@chu-rouen.test le "), again.text)
        XCTAssertTrue(again.text.contains("(heure de Paris)"), again.text)
        let unchanged = try await reach(id, org)
        XCTAssertEqual(unchanged?.acknowledged, first)
        // Opened again, the link says so, with no button.
        let reopened = try await page("GET", path)
        XCTAssertEqual(reopened.status, 200)
        XCTAssertTrue(reopened.text.contains("Réception déjà accusée par rssi@chu-rouen.test le "), reopened.text)
        XCTAssertFalse(reopened.text.contains("<form"), reopened.text)

        // The API tells the organisation the same.
        let subscriber = try await token("subscriber", org)
        let viaAPI = try await broker.request("POST", "/api/v1/alerts/\(id)/ack", token: subscriber.secret)
        XCTAssertEqual(viaAPI.status, 200, viaAPI.text)
        XCTAssertEqual(viaAPI.json["alreadyAcknowledged"] as? Bool, true)
        XCTAssertEqual(viaAPI.json["by"] as? String, "rssi@chu-rouen.test")
        XCTAssertEqual(viaAPI.json["channel"] as? String, "link")
    }

    func testForgedExpiredAndForeignLinksAreRefusedAndRecordNothing() async throws {
        let org = try await broker.createOrg("CH de Dieppe", clearance: "AMBER")
        let other = try await broker.createOrg("CH d'Eu", clearance: "AMBER")
        let created = try await subscribe(org, "email", "rssi@ch-dieppe.test")
        let subscription = try XCTUnwrap(created["id"] as? String)
        let id = try await broker.publish(alertJSON(title: "Campagne d'hameçonnage", tlp: "AMBER"))
        try await eventually(broker.log) { try self.sink.messages().count == 1 }
        let path = try ackPath()

        // One character changed: not this broker's link, in every language since nothing says the reader's.
        var characters = Array(path)
        characters[characters.count - 5] = characters[characters.count - 5] == "A" ? "B" : "A"
        for method in ["GET", "POST"] {
            let forged = try await page(method, String(characters))
            XCTAssertEqual(forged.status, 400, forged.text)
            XCTAssertTrue(forged.text.contains("<h1>Lien invalide / Invalid link</h1>"), forged.text)
            XCTAssertEqual(forged.header("Cache-Control"), "no-store")
            XCTAssertFalse(forged.text.contains("hameçonnage"))
        }
        // Signed by another key.
        let foreignKey = AckLinkSigner(key: Array("not the broker's key, 32 bytes!!".utf8))
        let claim = AckClaim(alertId: id, orgId: org, recipient: "subscription:\(subscription)", expiresAt: Date() + 3_600)
        let otherKey = try await page("POST", "/ack/\(foreignKey.token(for: claim))")
        XCTAssertEqual(otherKey.status, 400)
        for garbage in ["/ack/v1", "/ack/v1..", "/ack/" + String(repeating: "A", count: 2_000)] {
            let answer = try await page("POST", garbage)
            XCTAssertEqual(answer.status, 400, garbage)
        }

        let signer = try await signer()
        // Expired: the reader's language is known again.
        var expired = claim
        expired.expiresAt = Date() - 60
        let gone = try await page("POST", "/ack/\(signer.token(for: expired))")
        XCTAssertEqual(gone.status, 410, gone.text)
        XCTAssertTrue(gone.text.contains("<h1>Lien expiré</h1>"), gone.text)
        // The subscription of one organisation, in a link made out to another.
        var crossed = claim
        crossed.orgId = other
        for method in ["GET", "POST"] {
            let refused = try await page(method, "/ack/\(signer.token(for: crossed))")
            XCTAssertEqual(refused.status, 403, refused.text)
            XCTAssertTrue(refused.text.contains("Accusé de réception refusé"), refused.text)
            XCTAssertFalse(refused.text.contains("hameçonnage"), "a refusal shows nothing of the alert")
        }
        // A contact the organisation does not list; a recipient of no known kind.
        for recipient in ["contact:nobody", "token:abc"] {
            var stranger = claim
            stranger.recipient = recipient
            let refused = try await page("POST", "/ack/\(signer.token(for: stranger))")
            XCTAssertEqual(refused.status, 403, recipient)
        }
        // An alert that does not exist.
        var unknown = claim
        unknown.alertId = "00000000-0000-4000-8000-000000000000"
        let missing = try await page("GET", "/ack/\(signer.token(for: unknown))")
        XCTAssertEqual(missing.status, 404)
        XCTAssertTrue(missing.text.contains("<h1>Alerte inconnue</h1>"), missing.text)

        let idInOrg = try await reach(id, org)
        XCTAssertNil(idInOrg?.acknowledged)
        let idInOther = try await reach(id, other)
        XCTAssertNil(idInOther?.acknowledged)
        XCTAssertNil(idInOther?.seen)

        // The subscription deleted since the email left: its link acknowledges nothing.
        let deleted = try await broker.request("DELETE", "/api/v1/subscriptions/\(subscription)", token: broker.adminToken)
        XCTAssertEqual(deleted.status, 204, deleted.text)
        let orphan = try await page("POST", path)
        XCTAssertEqual(orphan.status, 403, orphan.text)
        let idInOrgNow = try await reach(id, org)
        XCTAssertNil(idInOrgNow?.acknowledged)
    }

    func testAContactsLinkSpeaksItsLanguageAndALoweredClearanceHidesTheAlert() async throws {
        let org = try await broker.createOrg("CHU de Caen", clearance: "AMBER")
        let patched = try await broker.request("PATCH", "/api/v1/orgs/\(org)", token: broker.adminToken, json: [
            "contacts": [["role": "rssi", "name": "Jane Doe", "email": "jane@chu-caen.test", "locale": "en"]],
        ], contentType: "application/merge-patch+json")
        XCTAssertEqual(patched.status, 200, patched.text)
        let contact = try XCTUnwrap(((patched.json["contacts"] as? [[String: Any]])?.first?["id"]) as? String)
        let id = try await broker.publish(alertJSON(title: "Ambre", tlp: "AMBER"))
        let hidden = try await broker.publish(alertJSON(title: "Confidentiel", tlp: "AMBER"))
        let signer = try await signer()
        func link(_ alert: String) -> String {
            "/ack/\(signer.token(for: AckClaim(alertId: alert, orgId: org, recipient: "contact:\(contact)", expiresAt: Date() + 3_600)))"
        }

        let shown = try await page("GET", link(id))
        XCTAssertEqual(shown.status, 200, shown.text)
        XCTAssertTrue(shown.text.contains("<html lang=\"en\">"), shown.text)
        XCTAssertTrue(shown.text.contains("Recipient: CHU de Caen"), shown.text)
        XCTAssertTrue(shown.text.contains(">Acknowledge</button>"), shown.text)
        let recorded = try await page("POST", link(id))
        XCTAssertTrue(recorded.text.contains("<h1>Acknowledgement recorded</h1>"), recorded.text)
        let row = try await reach(id, org)
        XCTAssertEqual(row?.acknowledged?.by, "contact:\(contact)")
        XCTAssertEqual(row?.acknowledged?.byName, "Jane Doe")
        let again = try await page("POST", link(id))
        XCTAssertTrue(again.text.contains("Already acknowledged by Jane Doe on "), again.text)
        XCTAssertFalse(broker.log.contains("Jane Doe") || broker.log.contains("jane@chu-caen.test"), "no contact's data in the log")

        // The organisation's clearance lowered since: the alert is neither shown nor acknowledged.
        let lowered = try await broker.request("PATCH", "/api/v1/orgs/\(org)", token: broker.adminToken, json: ["tlpClearance": "GREEN"],
                                               contentType: "application/merge-patch+json")
        XCTAssertEqual(lowered.status, 200, lowered.text)
        for method in ["GET", "POST"] {
            let refused = try await page(method, link(hidden))
            XCTAssertEqual(refused.status, 403, refused.text)
            XCTAssertFalse(refused.text.contains("Confidentiel"))
        }
        let hiddenInOrg = try await reach(hidden, org)
        XCTAssertNil(hiddenInOrg?.acknowledged)
    }

    func testAWebhookBodyCarriesALinkThatAcknowledgesWithPostAndNoneForACancellation() async throws {
        let org = try await broker.createOrg("CH du Havre", clearance: "GREEN")
        let hook = try await broker.subscribeWebhook(org: org, url: receiver.url("hook"))
        let id = try await broker.publish(alertJSON(title: "Mise à jour urgente", tlp: "GREEN"))
        try await eventually { self.receiver.received("hook").count == 1 }
        let body = receiver.received("hook")[0]
        XCTAssertTrue(body.isSigned(with: hook.secret))
        let url = try XCTUnwrap(body.json["ackUrl"] as? String, body.json.description)
        XCTAssertEqual((body.json["data"] as? [String: Any])?["id"] as? String, id)
        XCTAssertTrue(String(decoding: body.body, as: UTF8.self).hasPrefix("{\"ackUrl\":\"\(Self.publicUrl)/ack/v1."))
        let path = String(url.dropFirst(Self.publicUrl.count))
        let recorded = try await page("POST", path)
        XCTAssertEqual(recorded.status, 200, recorded.text)
        let row = try await reach(id, org)
        XCTAssertEqual(row?.acknowledged?.by, "subscription:\(hook.id)")
        XCTAssertNil(row?.acknowledged?.byName, "a webhook's URL names no one")

        let cancelled = try await broker.post("/api/v1/alerts/\(id)/cancel", ["reason": "erreur"])
        XCTAssertEqual(cancelled.status, 200, cancelled.text)
        try await eventually { self.receiver.received("hook").count == 2 }
        XCTAssertNil(receiver.received("hook")[1].json["ackUrl"], "a cancellation asks for no acknowledgement")
    }

    func testAnAcknowledgementIsASignedEventForTheSubscriptionsThatAskForIt() async throws {
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        let other = try await broker.createOrg("CH d'Elbeuf", clearance: "AMBER")
        let plain = try await broker.subscribeWebhook(org: org, url: receiver.url("plain"))
        let soc = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "webhook", "target": receiver.url("soc"),
                                                                  "acknowledgements": true])
        XCTAssertEqual(soc.status, 201, soc.text)
        XCTAssertEqual(soc.json["acknowledgements"] as? Bool, true)
        let socSecret = try XCTUnwrap(soc.json["secret"] as? String)
        let neighbour = try await broker.post("/api/v1/subscriptions", ["orgId": other, "channel": "webhook", "target": receiver.url("neighbour"),
                                                                        "acknowledgements": true])
        XCTAssertEqual(neighbour.status, 201, neighbour.text)
        // Only a channel that signs what it sends carries them.
        let email = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": "rssi@chu-rouen.test",
                                                                    "acknowledgements": true])
        XCTAssertEqual(email.status, 422, email.text)
        XCTAssertEqual(email.json["field"] as? String, "acknowledgements")

        let id = try await broker.publish(alertJSON(title: "Rançongiciel : indicateurs", tlp: "AMBER", severity: "critical"))
        try await eventually { self.receiver.received("soc").count == 1 && self.receiver.received("plain").count == 1 }
        let (_, secret) = try await token("subscriber", org, label: "SOC Rouen")
        let ack = try await broker.request("POST", "/api/v1/alerts/\(id)/ack", token: secret, json: ["note": "ticket INC-4242"])
        XCTAssertEqual(ack.status, 200, ack.text)
        _ = try await broker.request("POST", "/api/v1/alerts/\(id)/ack", token: secret, json: ["note": "again"])

        try await eventually { self.receiver.received("soc").count == 2 }
        let event = receiver.received("soc")[1]
        XCTAssertTrue(event.isSigned(with: socSecret))
        XCTAssertEqual(event.json["type"] as? String, "alert.acknowledged")
        XCTAssertNil(event.json["ackUrl"])
        let data = try XCTUnwrap(event.json["data"] as? [String: Any])
        XCTAssertEqual(data["alertId"] as? String, id)
        XCTAssertEqual(data["orgId"] as? String, org)
        XCTAssertEqual(data["revision"] as? Int, 1)
        XCTAssertEqual(data["by"] as? String, "SOC Rouen")
        XCTAssertEqual(data["channel"] as? String, "api")
        XCTAssertEqual(data["note"] as? String, "ticket INC-4242")
        XCTAssertNotNil(data["acknowledgedAt"] as? String)
        // Once; never to the subscription that did not ask, nor to another organisation's.
        try await Task.sleep(for: .milliseconds(500))
        XCTAssertEqual(receiver.received("soc").count, 2)
        XCTAssertEqual(receiver.received("plain").count, 1)
        XCTAssertEqual(receiver.received("neighbour").filter { ($0.json["type"] as? String) == "alert.acknowledged" }.count, 0)
        // The ledger shows the event beside the alert's deliveries; the reach counts the alert's only.
        let ledger = try await broker.deliveries(alert: id)
        XCTAssertEqual(ledger.filter { ($0["event"] as? String) == "alert.acknowledged" }.map { $0["subscriptionId"] as? String },
                       [soc.json["id"] as? String])
        _ = plain
    }

    // MARK: API

    func testTheAPIAcknowledgesForTheTokensOwnOrganisationOnly() async throws {
        let org = try await broker.createOrg("CHU de Brest", clearance: "AMBER")
        let green = try await broker.createOrg("EHPAD de Morlaix", clearance: "GREEN")
        let soc = try await token("subscriber", org, label: "SOC du CHU")
        let relay = try await token("relay", org)
        let greenToken = try await token("subscriber", green)
        let id = try await broker.publish(alertJSON(title: "Ambre", tlp: "AMBER"))
        let path = "/api/v1/alerts/\(id)/ack"

        // Who may not: admins and publishers act for no organisation; an organisation not cleared sees no alert.
        let admin = try await broker.request("POST", path, token: broker.adminToken)
        XCTAssertEqual(admin.status, 403, admin.text)
        XCTAssertTrue((admin.json["detail"] as? String)?.contains("acknowledging is for an organisation's token") == true, admin.text)
        let publisher = try await broker.token("publisher")
        let value1 = try await broker.request("POST", path, token: publisher).status
        XCTAssertEqual(value1, 403)
        let notCleared = try await broker.request("POST", path, token: greenToken.secret, json: ["note": "vu"])
        XCTAssertEqual(notCleared.status, 404, notCleared.text)
        let value2 = try await broker.request("POST", "/api/v1/alerts/unknown/ack", token: soc.secret).status
        XCTAssertEqual(value2, 404)

        // Bad bodies, refused before anything is recorded.
        let unknownKey = try await broker.request("POST", path, token: soc.secret, json: ["note": "ok", "by": "someone else"])
        XCTAssertEqual(unknownKey.status, 422, unknownKey.text)
        XCTAssertEqual(unknownKey.json["field"] as? String, "by")
        let tooLong = try await broker.request("POST", path, token: soc.secret, json: ["note": String(repeating: "é", count: 2_001)])
        XCTAssertEqual(tooLong.status, 422, tooLong.text)
        XCTAssertEqual(tooLong.json["field"] as? String, "note")
        let control = try await broker.request("POST", path, token: soc.secret, json: ["note": "ok\u{1B}[2J"])
        XCTAssertEqual(control.status, 422, control.text)
        let malformed = try await broker.request("POST", path, token: soc.secret, raw: Array("{\"note\":".utf8))
        XCTAssertEqual(malformed.status, 400, malformed.text)
        let wrongType = try await broker.request("POST", path, token: soc.secret, json: ["note": 3])
        XCTAssertEqual(wrongType.status, 400, wrongType.text)
        let idInOrg = try await reach(id, org)
        XCTAssertNil(idInOrg?.acknowledged)

        let first = try await broker.request("POST", path, token: soc.secret, json: ["note": "Correctif appliqué\nsur les deux sites"])
        XCTAssertEqual(first.status, 200, first.text)
        XCTAssertEqual(first.json["alertId"] as? String, id)
        XCTAssertEqual(first.json["by"] as? String, "SOC du CHU")
        XCTAssertEqual(first.json["channel"] as? String, "api")
        XCTAssertEqual(first.json["note"] as? String, "Correctif appliqué\nsur les deux sites")
        XCTAssertEqual(first.json["alreadyAcknowledged"] as? Bool, false)
        let at = try XCTUnwrap(first.json["acknowledgedAt"] as? String)
        XCTAssertNotNil(RFC3339.parseStrict(at))
        let row = try await reach(id, org)
        XCTAssertEqual(row?.acknowledged?.by, "token:\(soc.id)")
        XCTAssertEqual(row?.note, "Correctif appliqué\nsur les deux sites")

        // The relay of the same organisation, with no body at all: the first acknowledgement stands.
        let second = try await broker.request("POST", path, token: relay.secret)
        XCTAssertEqual(second.status, 200, second.text)
        XCTAssertEqual(second.json["alreadyAcknowledged"] as? Bool, true)
        XCTAssertEqual(second.json["acknowledgedAt"] as? String, at)
        XCTAssertEqual(second.json["by"] as? String, "SOC du CHU")
        XCTAssertEqual(second.json["note"] as? String, "Correctif appliqué\nsur les deux sites")
        let idInGreen = try await reach(id, green)
        XCTAssertNil(idInGreen, "an acknowledgement never concerns another organisation")

        let audit = try await broker.get("/api/v1/audit?action=alert.acknowledge").items
        XCTAssertEqual(audit.filter { $0["outcome"] as? String == "ok" }.count, 2, "\(audit)")
        XCTAssertTrue(audit.contains { $0["status"] as? Int == 403 })
    }

    // MARK: CAP

    static func capAck(references: [String], note: String? = "Correctif appliqué") -> [UInt8] {
        Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
              <identifier>ACK-\(UUID().uuidString)</identifier>
              <sender>soc@chu-lille.test</sender>
              <sent>2026-12-03T08:00:00+01:00</sent>
              <status>Actual</status>
              <msgType>Ack</msgType>
              <scope>Private</scope>
              \(note.map { "<note>\($0)</note>" } ?? "")
              <references>\(references.joined(separator: " "))</references>
            </alert>
            """.utf8)
    }

    static let capAlert = Array("""
        <?xml version="1.0" encoding="UTF-8"?>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
          <identifier>CS-2026-042</identifier>
          <sender>cert@sante.test</sender>
          <sent>2026-12-01T10:00:00+01:00</sent>
          <status>Actual</status>
          <msgType>Alert</msgType>
          <scope>Public</scope>
          <info>
            <language>fr-FR</language>
            <category>Security</category>
            <event>Rançongiciel</event>
            <urgency>Immediate</urgency>
            <severity>Severe</severity>
            <certainty>Observed</certainty>
            <headline>Campagne de rançongiciel contre les hôpitaux</headline>
            <description>Des établissements de santé sont visés.</description>
          </info>
        </alert>
        """.utf8)

    func testACAPAckAcknowledgesTheAlertsItsReferencesName() async throws {
        let org = try await broker.createOrg("CHU de Lille", clearance: "AMBER")
        let green = try await broker.createOrg("CH de Lens", clearance: "GREEN")
        let subscriber = try await token("subscriber", org)
        let greenToken = try await token("subscriber", green)
        let ingested = try await broker.request("POST", "/api/v1/ingest/cap", token: broker.adminToken, raw: Self.capAlert, contentType: "application/xml")
        XCTAssertEqual(ingested.status, 200, ingested.text)
        let capAlertId = try XCTUnwrap(ingested.items.first?["alertId"] as? String)
        let amber = try await broker.publish(alertJSON(title: "Ambre", tlp: "AMBER"))

        // A subscriber sends nothing else, and an admin acknowledges for no one.
        let notAck = try await broker.request("POST", "/api/v1/ingest/cap", token: subscriber.secret, raw: Self.capAlert, contentType: "application/xml")
        XCTAssertEqual(notAck.status, 403, notAck.text)
        let csaf = try await broker.request("POST", "/api/v1/ingest/csaf", token: subscriber.secret, raw: Array("{}".utf8))
        XCTAssertEqual(csaf.status, 403, csaf.text)
        let adminAck = try await broker.request("POST", "/api/v1/ingest/cap", token: broker.adminToken,
                                                raw: Self.capAck(references: ["x,\(amber),2026-12-02T00:00:00Z"]), contentType: "application/xml")
        XCTAssertEqual(adminAck.status, 403, adminAck.text)
        let noReferences = try await broker.request("POST", "/api/v1/ingest/cap", token: subscriber.secret,
                                                    raw: Self.capAck(references: []), contentType: "application/xml")
        XCTAssertEqual(noReferences.status, 422, noReferences.text)

        // One unknown reference, or one the organisation may not read: 404 naming it, and nothing recorded.
        let unknown = try await broker.request("POST", "/api/v1/ingest/auto", token: subscriber.secret,
                                               raw: Self.capAck(references: ["cert@sante.test,CS-2026-042,2026-12-01T10:00:00+01:00", "cert@sante.test,NOPE-1,2026-12-01T10:00:00+01:00"]),
                                               contentType: "application/xml")
        XCTAssertEqual(unknown.status, 404, unknown.text)
        XCTAssertTrue((unknown.json["detail"] as? String)?.contains("cert@sante.test,NOPE-1,2026-12-01T10:00:00+01:00") == true, unknown.text)
        XCTAssertFalse((unknown.json["detail"] as? String)?.contains("CS-2026-042") == true)
        let unreadable = try await broker.request("POST", "/api/v1/ingest/cap", token: greenToken.secret,
                                                  raw: Self.capAck(references: ["x,\(amber),2026-12-02T00:00:00Z"]), contentType: "application/xml")
        XCTAssertEqual(unreadable.status, 404, unreadable.text)
        let capAlertIdInOrg = try await reach(capAlertId, org)
        XCTAssertNil(capAlertIdInOrg?.acknowledged)
        let amberInGreen = try await reach(amber, green)
        XCTAssertNil(amberInGreen)

        // By the CAP identity the alert was ingested under, and by Tocsin's own id: both recorded, channel cap.
        let both = try await broker.request("POST", "/api/v1/ingest/cap", token: subscriber.secret,
                                            raw: Self.capAck(references: ["cert@sante.test,CS-2026-042,2026-12-01T10:00:00+01:00", "tocsin,\(amber),2026-12-02T00:00:00Z"]),
                                            contentType: "application/xml")
        XCTAssertEqual(both.status, 200, both.text)
        let answers = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(both.body))) as? [[String: Any]], both.text)
        XCTAssertEqual(answers.compactMap { $0["alertId"] as? String }, [capAlertId, amber])
        XCTAssertTrue(answers.allSatisfy { $0["channel"] as? String == "cap" && $0["note"] as? String == "Correctif appliqué" })
        let capAlertIdInOrgNow = try await reach(capAlertId, org)
        XCTAssertEqual(capAlertIdInOrgNow?.acknowledged?.channel, "cap")
        let amberInOrg = try await reach(amber, org)
        XCTAssertEqual(amberInOrg?.acknowledged?.by, "token:\(subscriber.id)")
        XCTAssertEqual(amberInOrg?.note, "Correctif appliqué")

        // One reference answers one acknowledgement, already there.
        let again = try await broker.request("POST", "/api/v1/ingest/cap", token: subscriber.secret,
                                             raw: Self.capAck(references: ["tocsin,\(amber),2026-12-02T00:00:00Z"], note: nil), contentType: "application/xml")
        XCTAssertEqual(again.status, 200, again.text)
        XCTAssertEqual(again.json["alreadyAcknowledged"] as? Bool, true)
    }

    // MARK: Seen

    func testTheFirstReadByTheOrganisationIsSeenWhicheverWayItReads() async throws {
        let org = try await broker.createOrg("CH de Fécamp", clearance: "GREEN")
        let feed = try await subscribe(org, "feed")
        let feedId = try XCTUnwrap(feed["id"] as? String)
        let feedToken = try XCTUnwrap(feed["feedToken"] as? String)
        let subscriber = try await token("subscriber", org)
        let a = try await broker.publish(alertJSON(title: "A", tlp: "GREEN"))

        // An admin's read is nobody's.
        let value1 = try await broker.get("/api/v1/alerts/\(a)").status
        XCTAssertEqual(value1, 200)
        let aInOrg = try await reach(a, org)
        XCTAssertNil(aInOrg?.seen)

        // A feed read with the organisation's token.
        let read = try await broker.request("GET", "/feeds/\(feedToken)/feed.json", token: nil)
        XCTAssertEqual(read.status, 200)
        let seen = try await reach(a, org)?.seen
        XCTAssertEqual(seen?.by, "feed:\(feedId)")
        XCTAssertEqual(seen?.channel, "feed")
        // The first read counts: the API reading it later changes nothing.
        let value2 = try await broker.get("/api/v1/alerts/\(a)", token: subscriber.secret).status
        XCTAssertEqual(value2, 200)
        let aInOrgNow = try await reach(a, org)
        XCTAssertEqual(aInOrgNow?.seen, seen)

        // The API: one alert, and the list.
        let b = try await broker.publish(alertJSON(title: "B", tlp: "GREEN"))
        let c = try await broker.publish(alertJSON(title: "C", tlp: "GREEN"))
        let value3 = try await broker.get("/api/v1/alerts/\(b)", token: subscriber.secret).status
        XCTAssertEqual(value3, 200)
        let bInOrg = try await reach(b, org)
        XCTAssertEqual(bInOrg?.seen?.by, "token:\(subscriber.id)")
        let bInOrgNow = try await reach(b, org)
        XCTAssertEqual(bInOrgNow?.seen?.channel, "api")
        let cInOrg = try await reach(c, org)
        XCTAssertNil(cInOrg?.seen)
        let value4 = try await broker.get("/api/v1/alerts", token: subscriber.secret).status
        XCTAssertEqual(value4, 200)
        let cInOrgNow = try await reach(c, org)
        XCTAssertEqual(cInOrgNow?.seen?.channel, "api")
        let cInOrgLater = try await reach(c, org)
        XCTAssertNil(cInOrgLater?.acknowledged, "seen is not acknowledged")

        // The stream.
        let d = try await broker.publish(alertJSON(title: "D", tlp: "GREEN"))
        let events = await FeedAndStreamTests.readStream(port: broker.port, token: subscriber.secret, lastEventId: "0", count: 4)
        XCTAssertEqual(events.count, 4)
        try await eventually { try await self.reach(d, org)?.seen?.channel == "stream" }
    }
}
