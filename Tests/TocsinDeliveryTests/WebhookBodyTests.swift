import Foundation
import TocsinCore
@testable import TocsinDelivery
import TocsinNet
import TocsinStore
import TocsinTestSupport
import XCTest

/// The webhook body: the alert's JSON spliced in byte for byte, and beside it what is for this recipient only
/// (its acknowledgement link, what of its inventory the alert concerns).
final class WebhookBodyTests: XCTestCase {
    let links = AckLinks(signer: AckLinkSigner(key: Array("webhook-body-acknowledgement-key".utf8)), publicUrl: "https://tocsin.test")

    func claimed(_ alert: Alert) throws -> ClaimedDelivery {
        ClaimedDelivery(delivery: Delivery(alertId: alert.id, revision: alert.revision, subscriptionId: "sub-1", orgId: "org-1", channel: .webhook),
                        target: "https://hooks.example/tocsin", alertJSON: try TocsinJSON.encode(alert), eventType: alert.eventType,
                        eventTime: alert.updatedAt)
    }

    func testTheBodyCarriesTheRecipientsAckUrlBesideTheAlertAsStored() throws {
        let alert = Alert.first(from: AlertDraft(title: "Faille \"critique\" / VPN", summary: "s", severity: .high, tlp: .amber))
        let delivery = try claimed(alert)
        let channel = WebhookChannel(client: CurlHTTPClient(), guardrail: TargetGuard(), ackLinks: links)
        defer { channel.client.shutdown() }
        let body = channel.body(for: delivery)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let url = try XCTUnwrap(json["ackUrl"] as? String)
        XCTAssertEqual(url, links.url(alert: alert, orgId: "org-1", recipient: "subscription:sub-1"))
        let claim = try links.signer.verify(String(url.dropFirst("https://tocsin.test/ack/".count))).get()
        XCTAssertEqual(claim.alertId, alert.id)
        XCTAssertEqual(claim.orgId, "org-1")
        // The alert is the stored bytes, not a re-encoding.
        XCTAssertNotNil(String(decoding: body, as: UTF8.self).range(of: #""data":"# + String(decoding: delivery.alertJSON, as: UTF8.self) + ","))
        XCTAssertEqual(WebhookChannel.body(for: delivery).count + #""ackUrl":"#.utf8.count + url.utf8.count + 3, body.count)
    }

    func testACancellationAndABrokerWithoutLinksCarryNone() throws {
        var alert = Alert.first(from: AlertDraft(title: "t", summary: "s", severity: .high, tlp: .green))
        alert.status = .cancelled
        let withLinks = WebhookChannel(client: CurlHTTPClient(), guardrail: TargetGuard(), ackLinks: links)
        defer { withLinks.client.shutdown() }
        XCTAssertFalse(String(decoding: withLinks.body(for: try claimed(alert)), as: UTF8.self).contains("ackUrl"))
        alert.status = .published
        let without = WebhookChannel(client: withLinks.client, guardrail: TargetGuard())
        XCTAssertFalse(String(decoding: without.body(for: try claimed(alert)), as: UTF8.self).contains("ackUrl"))
    }

    func testAnAnnotationTravelsApartFromTheAlertItNeverEdits() throws {
        let alert = Alert.first(from: AlertDraft(title: "Hameçonnage", summary: "Texte de l'émetteur", severity: .high, tlp: .green))
        var delivery = try claimed(alert)
        delivery.annotation = "Note de l'ARS Normandie : contactez \"la cellule\"."
        let body = WebhookChannel.body(for: delivery)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        XCTAssertEqual((json["annotation"] as? [String: Any])?["text"] as? String, "Note de l'ARS Normandie : contactez \"la cellule\".")
        XCTAssertEqual((json["data"] as? [String: Any])?["summary"] as? String, "Texte de l'émetteur")
        XCTAssertNotNil(String(decoding: body, as: UTF8.self).range(of: #""data":"# + String(decoding: delivery.alertJSON, as: UTF8.self) + ","))
        XCTAssertNil((try JSONSerialization.jsonObject(with: Data(WebhookChannel.body(for: try claimed(alert)))) as? [String: Any])?["annotation"])
    }
}
