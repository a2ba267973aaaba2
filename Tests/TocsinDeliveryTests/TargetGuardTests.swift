import Foundation
import TocsinCore
import TocsinDelivery
import TocsinNet
import TocsinStore
import XCTest

final class TargetGuardTests: XCTestCase {
    func testNonPublicAddressesAreRefusedByDefault() {
        let guardrail = TargetGuard()
        for address in ["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
                        "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "64:ff9b::a00:1", "224.0.0.1"] {
            XCTAssertFalse(guardrail.permits(IPAddress(address)!), address)
        }
        for address in ["8.8.8.8", "2001:4860:4860::8888", "193.51.24.1"] {
            XCTAssertTrue(guardrail.permits(IPAddress(address)!), address)
        }
    }

    func testAllowListedNetworksAndTheSwitchOpenTheGuard() {
        let loopback = TargetGuard(allowedNetworks: [IPNetwork("127.0.0.0/8")!])
        XCTAssertTrue(loopback.permits(IPAddress("127.0.0.1")!))
        XCTAssertFalse(loopback.permits(IPAddress("10.0.0.1")!))
        XCTAssertTrue(TargetGuard(allowPrivateTargets: true).permits(IPAddress("10.0.0.1")!))
        XCTAssertNil(IPNetwork("10.0.0.0/33"))
        XCTAssertTrue(IPNetwork("fc00::/7")!.contains(IPAddress("fdff::1")!))
    }

    func testURLChecksRefuseBadSchemesCredentialsAndLoopbackNames() throws {
        let guardrail = TargetGuard()
        XCTAssertThrowsError(try guardrail.check("ftp://example.org/x"))
        XCTAssertThrowsError(try guardrail.check("http://user:pass@example.org/x", requireResolution: false))
        XCTAssertThrowsError(try guardrail.check("http://localhost:8080/hook"))
        XCTAssertThrowsError(try guardrail.check("http://[::1]/hook"))
        XCTAssertThrowsError(try guardrail.check("http://2130706433/hook"))
        XCTAssertNoThrow(try guardrail.check("https://name.invalid/hook", requireResolution: false))
        let pinned = try TargetGuard(allowedNetworks: [IPNetwork("127.0.0.0/8")!]).check("http://127.0.0.1:9000/hook")
        XCTAssertEqual(pinned, "127.0.0.1:9000:127.0.0.1")
    }

    func testWebhookRequestsCarryStandardHeadersAndAVerifiableSignature() throws {
        let secret = StandardWebhooks.makeSecret()
        let alert = Alert.first(from: AlertDraft(title: "Alerte", summary: "", severity: .high, tlp: .green))
        let json = try TocsinJSON.encode(alert)
        let claimed = ClaimedDelivery(delivery: Delivery(alertId: alert.id, revision: 1, subscriptionId: "s", orgId: "o", channel: .webhook),
                                      target: "https://receiver.test/hook", alertJSON: json, eventType: "alert.published",
                                      eventTime: alert.updatedAt, secrets: [SubscriptionSecret(.signing, secret)])
        let channel = WebhookChannel(client: CurlHTTPClient(), guardrail: TargetGuard())
        let request = try channel.request(for: claimed, now: Date())
        let headers = Dictionary(uniqueKeysWithValues: request.headers)
        XCTAssertEqual(headers["webhook-id"], claimed.delivery.id)
        XCTAssertNoThrow(try StandardWebhooks.verify(secret: secret, id: headers["webhook-id"], timestamp: headers["webhook-timestamp"],
                                                     signatureHeader: headers["webhook-signature"], body: request.body))
        let payload = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        XCTAssertEqual(payload?["type"] as? String, "alert.published")
        XCTAssertEqual((payload?["data"] as? [String: Any])?["id"] as? String, alert.id)
        XCTAssertNotNil(RFC3339.parse(payload?["timestamp"] as? String ?? ""))
        XCTAssertNil(headers["X-Tocsin-Exercise"])

        // A drill says so in a header as well as in its body.
        var drill = alert
        drill.exerciseId = "care-2026-q4"
        var drillClaim = claimed
        drillClaim.alertJSON = try TocsinJSON.encode(drill)
        let drillHeaders = Dictionary(uniqueKeysWithValues: try channel.request(for: drillClaim, now: Date()).headers)
        XCTAssertEqual(drillHeaders["X-Tocsin-Exercise"], "care-2026-q4")
    }

    func testRefusedTargetsFailPermanentlyWithoutAConnection() async throws {
        let channel = WebhookChannel(client: CurlHTTPClient(), guardrail: TargetGuard(), timeout: 2)
        let claimed = ClaimedDelivery(delivery: Delivery(alertId: "a", revision: 1, subscriptionId: "s", orgId: "o", channel: .webhook),
                                      target: "http://127.0.0.1:1/hook", alertJSON: Array("{}".utf8),
                                      eventType: "alert.published", eventTime: Date(), secrets: [SubscriptionSecret.Kind.signing.make()])
        let outcome = await channel.send(claimed)
        XCTAssertEqual(outcome.name, "permanent")
        XCTAssertTrue(outcome.error?.contains("non-public") == true, outcome.error ?? "")
    }

    /// The gaps an outside review found: each was accepted when a subscription was created and only failed, as a
    /// retryable error, when sending.
    func testZoneIdsIPv4CompatibleAddressesAndBadPortsAreRefusedAtCreation() {
        let guardrail = TargetGuard()
        for url in ["http://[fe80::1%25eth0]/hook", "http://[fe80::1%eth0]/hook", "http://[::127.0.0.1]/hook", "http://[::10.0.0.1]:8080/",
                    "https://hooks.example.org:99999/x", "https://hooks.example.org:0/x", "http://[::ffff:169.254.169.254]/"] {
            XCTAssertThrowsError(try guardrail.check(url, requireResolution: false), url) { error in
                guard case HTTPClientError.refused = error else { return XCTFail("\(url): \(error) is not a refusal") }
            }
        }
        // At send time as well, for targets stored before these checks.
        XCTAssertThrowsError(try guardrail.pin(URLComponents(string: "https://hooks.example.org:99999/x")!, requireResolution: false))
        XCTAssertNoThrow(try guardrail.check("https://[2001:4860:4860::8888]:8443/hook", requireResolution: false))
        XCTAssertNoThrow(try guardrail.check("https://hooks.example.org:8443/x", requireResolution: false))
    }
}
