import Foundation
import TocsinCore
import TocsinTestSupport
import XCTest

final class CompactIDTests: XCTestCase {
    /// Whatever the text, the identifier gives it back exactly, and two identifiers are equal when their texts are.
    func testEveryTextComesBackExactlyAndEqualityFollowsTheText() {
        var random = SplitMix64(seed: 0x7052_1D)
        var texts = [TocsinID.make(), TocsinID.ordered(), "", "stream", "org_76", UUID().uuidString,
                     "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9", "00000000-0000-0000-0000-000000000000",
                     "ffffffff-ffff-ffff-ffff-ffffffffffff", "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8fG", "0a1b2c3d+4e5f-6071-8293-a4b5c6d7e8f9",
                     "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f", "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f90", "0a1b2c3d4e5f60718293a4b5c6d7e8f9abcd",
                     "é1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"]
        // Random UUIDs, and random mutations of one character of them (upper case, a dash moved, a letter past f).
        let alphabet = Array("0123456789abcdefABCDEFg-x")
        for _ in 0..<2_000 {
            var text = Array(TocsinID.make())
            if random.next() % 2 == 0 {
                text[Int(random.next() % 36)] = alphabet[Int(random.next() % UInt64(alphabet.count))]
            }
            texts.append(String(text))
        }
        for text in texts {
            XCTAssertEqual(CompactID(text).text, text)
        }
        for _ in 0..<2_000 {
            let a = texts[Int(random.next() % UInt64(texts.count))], b = texts[Int(random.next() % UInt64(texts.count))]
            XCTAssertEqual(CompactID(a) == CompactID(b), a == b, "\(a) \(b)")
        }
    }

    func testARoutableSubscriptionGivesItsIdentifiersBack() {
        let subscriptionId = TocsinID.make(), orgId = "org_76"
        let subscription = RoutableSubscription(subscriptionId: subscriptionId, orgId: orgId, channel: .webhook, clearance: .amber,
                                                orgRegion: "28", filter: SubscriptionFilter())
        XCTAssertEqual(subscription.subscriptionId, subscriptionId)
        XCTAssertEqual(subscription.orgId, orgId)
    }
}
