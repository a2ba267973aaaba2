import Foundation
import TocsinCore
import XCTest

final class StandardWebhooksTests: XCTestCase {
    // The test vector published with the Standard Webhooks specification.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    let timestamp = 1_614_265_330
    let body = Array(#"{"test": 2432232314}"#.utf8)

    func testSignsLikeTheSpecificationVector() throws {
        XCTAssertEqual(try StandardWebhooks.sign(secret: secret, id: id, timestamp: timestamp, body: body),
                       "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    func testVerifiesAmongSeveralSignaturesAndRejectsTampering() throws {
        let now = Date(timeIntervalSince1970: Double(timestamp) + 10)
        let good = try StandardWebhooks.sign(secret: secret, id: id, timestamp: timestamp, body: body)
        XCTAssertNoThrow(try StandardWebhooks.verify(secret: secret, id: id, timestamp: String(timestamp),
                                                     signatureHeader: "v1,bm9wZQ== \(good)", body: body, now: now))
        XCTAssertThrowsError(try StandardWebhooks.verify(secret: secret, id: id, timestamp: String(timestamp),
                                                         signatureHeader: good, body: body + [0x20], now: now))
        XCTAssertThrowsError(try StandardWebhooks.verify(secret: secret, id: id, timestamp: String(timestamp),
                                                         signatureHeader: good, body: body, now: now + 3_600)) { error in
            XCTAssertEqual(error as? StandardWebhooks.VerificationError, .timestampOutOfTolerance)
        }
    }

    func testNewSecretsAndTokensAreRandomAndHashesStable() {
        XCTAssertTrue(StandardWebhooks.makeSecret().hasPrefix("whsec_"))
        XCTAssertNotEqual(StandardWebhooks.makeSecret(), StandardWebhooks.makeSecret())
        let token = APIToken.makeSecret()
        XCTAssertTrue(token.hasPrefix("tcs_"))
        XCTAssertEqual(TokenHash.hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertTrue(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(ConstantTime.equals([1, 2], [1, 2, 3]))
    }
}
