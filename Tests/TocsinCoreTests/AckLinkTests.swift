import Foundation
import TocsinCore
import XCTest

/// Acknowledgement links: a token says which alert, organisation and recipient it stands for and until when, and
/// nobody can change any of it, forge one, or keep one alive.
final class AckLinkTests: XCTestCase {
    let signer = AckLinkSigner(key: Array("an acknowledgement key of 32 byte".utf8))
    let now = Date(timeIntervalSince1970: 1_780_000_000)
    var claim: AckClaim {
        AckClaim(alertId: "0000000a-0000-4000-8000-000000000001", orgId: "org-1", recipient: "subscription:sub-1",
                 expiresAt: now.addingTimeInterval(3_600))
    }

    func testATokenCarriesItsClaimBack() throws {
        let token = signer.token(for: claim)
        XCTAssertTrue(token.hasPrefix("v1."))
        XCTAssertEqual(token, signer.token(for: claim), "the same claim signs alike: links in golden emails stay the same")
        XCTAssertTrue(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }, "URL-safe: \(token)")
        XCTAssertEqual(try signer.verify(token, now: now).get(), claim)
    }

    /// The signer keys its MAC once and copies it for each token: tokens made one after another, interleaved, are
    /// each what a signer used for the first time makes, and each verifies.
    func testTokensMadeInTurnDoNotShareState() throws {
        let claims = (0..<50).map { index in
            AckClaim(alertId: "alert-\(index % 7)", orgId: "org-\(index)", recipient: "contact:\(index * 31)", expiresAt: now.addingTimeInterval(3_600 + Double(index)))
        }
        let tokens = claims.map(signer.token(for:))
        for (claim, token) in zip(claims, tokens).reversed() {
            XCTAssertEqual(token, AckLinkSigner(key: Array("an acknowledgement key of 32 byte".utf8)).token(for: claim))
            XCTAssertEqual(try signer.verify(token, now: now).get(), claim)
        }
    }

    func testAChangedPayloadIsRefused() throws {
        let parts = signer.token(for: claim).split(separator: ".").map(String.init)
        // Another organisation's claim, with the first token's signature.
        var other = claim
        other.orgId = "org-2"
        let otherPayload = signer.token(for: other).split(separator: ".")[1]
        XCTAssertEqual(signer.verify("v1.\(otherPayload).\(parts[2])", now: now), .failure(.invalid))
        // One character changed, anywhere.
        let token = signer.token(for: claim)
        for index in [3, token.count / 2, token.count - 1] {
            var characters = Array(token)
            characters[index] = characters[index] == "A" ? "B" : "A"
            XCTAssertEqual(signer.verify(String(characters), now: now), .failure(.invalid), "changed at \(index)")
        }
        // A later expiry, signed by no one.
        var stretched = claim
        stretched.expiresAt = now.addingTimeInterval(86_400 * 365)
        let stretchedPayload = signer.token(for: stretched).split(separator: ".")[1]
        XCTAssertEqual(signer.verify("v1.\(stretchedPayload).\(parts[2])", now: now), .failure(.invalid))
    }

    func testAnotherKeysTokenIsRefused() {
        let other = AckLinkSigner(key: Array("another acknowledgement key, 32b".utf8))
        XCTAssertEqual(signer.verify(other.token(for: claim), now: now), .failure(.invalid))
    }

    func testAnExpiredTokenSaysWhatItWasFor() {
        let token = signer.token(for: claim)
        XCTAssertEqual(signer.verify(token, now: claim.expiresAt), .failure(.expired(claim)))
        XCTAssertEqual(signer.verify(token, now: claim.expiresAt.addingTimeInterval(1)), .failure(.expired(claim)))
        XCTAssertEqual(try signer.verify(token, now: claim.expiresAt.addingTimeInterval(-1)).get(), claim)
    }

    func testGarbageAndOversizeAreRefused() {
        let token = signer.token(for: claim)
        let parts = token.split(separator: ".").map(String.init)
        for garbage in ["", ".", "..", "v1..", "v1", "v2.\(parts[1]).\(parts[2])", "v1.\(parts[1])", "\(token).x",
                        "v1.\(parts[1]).\(parts[2])=", "v1.!!!.\(parts[2])", "v1.\(parts[1]).not base64", "💥", String(repeating: "A", count: 5_000)] {
            XCTAssertEqual(signer.verify(garbage, now: now), .failure(.invalid), garbage.prefix(60).description)
        }
        // Well signed, but not four fields, or without an alert or an organisation.
        var piped = claim
        piped.recipient = "contact:a|org-2"
        var noAlert = claim
        noAlert.alertId = ""
        var noOrg = claim
        noOrg.orgId = ""
        for odd in [piped, noAlert, noOrg] {
            XCTAssertEqual(signer.verify(signer.token(for: odd), now: now), .failure(.invalid), "\(odd)")
        }
        // A claim whose recipient is long enough to make the token oversize is refused whole.
        var long = claim
        long.recipient = "contact:" + String(repeating: "x", count: 1_000)
        XCTAssertEqual(signer.verify(signer.token(for: long), now: now), .failure(.invalid))
    }

    func testLinksNameTheirRecipientAndExpireWithTheAlert() throws {
        let links = AckLinks(signer: signer, publicUrl: "https://tocsin.test/")
        let alert = Alert.first(from: AlertDraft(title: "t", summary: "s", severity: .high, tlp: .amber), now: now)
        let url = links.url(alert: alert, orgId: "org-1", recipient: AckRecipient.subscription("sub-1").description)
        XCTAssertTrue(url.hasPrefix("https://tocsin.test/ack/v1."), url)
        let verified = try signer.verify(String(url.dropFirst("https://tocsin.test/ack/".count)), now: now).get()
        XCTAssertEqual(verified.alertId, alert.id)
        XCTAssertEqual(verified.recipient, "subscription:sub-1")
        XCTAssertEqual(verified.expiresAt, AckLinks.expiry(of: alert))
        XCTAssertEqual(AckLinks.expiry(of: alert), now.addingTimeInterval(AckLinkSigner.defaultLifetime))
    }

    func testRecipientsReadBackAndNothingElseIsOne() {
        XCTAssertEqual(AckRecipient("subscription:abc"), .subscription("abc"))
        XCTAssertEqual(AckRecipient("contact:c:1"), .contact("c:1"))
        XCTAssertEqual(AckRecipient.contact("c1").description, "contact:c1")
        for text in ["", "subscription:", "token:abc", "abc", ":abc", "Subscription:abc"] {
            XCTAssertNil(AckRecipient(text), text)
        }
    }
}
