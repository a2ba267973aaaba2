import Foundation
import TocsinCore
import XCTest

/// How long console sessions live, and where a login may lead: pure policy.
final class ConsoleSessionPolicyTests: XCTestCase {
    func testASessionEndsWhenIdleTooLongOrPastItsEnd() {
        let policy = ConsoleSessionPolicy()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var session = ConsoleSession(origin: .contact, role: .subscriber, orgId: "o", contactId: "c", locale: "fr", createdAt: start,
                                     expiresAt: start.addingTimeInterval(policy.absoluteTimeout))
        XCTAssertTrue(policy.isAlive(session, now: start.addingTimeInterval(29 * 60)))
        XCTAssertFalse(policy.isAlive(session, now: start.addingTimeInterval(31 * 60)), "idle for 31 minutes")
        session.lastSeenAt = start.addingTimeInterval(12 * 3600 - 60)
        XCTAssertFalse(policy.isAlive(session, now: start.addingTimeInterval(12 * 3600 + 1)), "past 12 hours, however active")
        XCTAssertEqual(policy.linkLifetime, 15 * 60)
    }

    func testAContactSessionActsAsASubscriberOfItsOrganisation() {
        let session = ConsoleSession(origin: .contact, role: .subscriber, orgId: "o", contactId: "c", locale: "fr", createdAt: Date(), expiresAt: Date())
        XCTAssertEqual(session.principal.role, .subscriber)
        XCTAssertEqual(session.principal.orgId, "o")
        XCTAssertEqual(session.principal.tokenId, "contact:c")
        let token = ConsoleSession(origin: .token, role: .admin, orgId: nil, tokenId: "t", locale: "fr", createdAt: Date(), expiresAt: Date())
        XCTAssertEqual(token.principal.tokenId, "t")
    }

    func testOnlyAConsolePathOfThisBrokerIsAPlaceToGoAfterLogin() {
        XCTAssertEqual(ConsoleSessionPolicy.safeNext("/console/alerts/x?cursor=3"), "/console/alerts/x?cursor=3")
        XCTAssertNil(ConsoleSessionPolicy.safeNext("/console/%0d%0aSet-Cookie:x".removingPercentEncoding))
        XCTAssertNil(ConsoleSessionPolicy.safeNext("https://evil.example/console/"))
    }
}
