import Foundation
import TocsinCore
import TocsinStore
import XCTest

extension StoreConformance {
    /// Console sessions are found by their secret's hash only while alive: not revoked, not past their end, not idle
    /// too long, and (for a token session) while their token is neither revoked nor expired.
    func consoleSessionsLiveWhileTheirTokenDoesAndEndWhenRevoked() async throws {
        let org = try await org(.amber)
        let now = Date()
        let token = APIToken(role: .subscriber, orgId: org.id)
        try await store.createToken(token, secret: "tcs_console_conformance")
        let session = ConsoleSession(origin: .token, role: .subscriber, orgId: org.id, tokenId: token.id, locale: "fr",
                                     createdAt: now, expiresAt: now.addingTimeInterval(3600))
        try await store.createConsoleSession(session, secretHash: "hash-a")
        let found = try await store.consoleSession(secretHash: "hash-a", now: now, idleCutoff: now.addingTimeInterval(-60))
        XCTAssertEqual(found?.id, session.id)
        XCTAssertEqual(found?.orgId, org.id)
        XCTAssertEqual(found?.csrfToken, session.csrfToken)
        let noSession = try await store.consoleSession(secretHash: "hash-b", now: now, idleCutoff: now)
        XCTAssertNil(noSession, "an unknown hash finds nothing")
        let afterEnd = try await store.consoleSession(secretHash: "hash-a", now: now.addingTimeInterval(3601), idleCutoff: now)
        XCTAssertNil(afterEnd, "a session past its end is over")
        let idle = try await store.consoleSession(secretHash: "hash-a", now: now, idleCutoff: now.addingTimeInterval(1))
        XCTAssertNil(idle, "a session unused since before the idle cut-off is over")
        _ = try await store.revokeToken(id: token.id, now: now)
        let tokenRevoked = try await store.consoleSession(secretHash: "hash-a", now: now, idleCutoff: now.addingTimeInterval(-60))
        XCTAssertNil(tokenRevoked, "revoking the token ends its sessions")

        let contactSession = ConsoleSession(origin: .contact, role: .subscriber, orgId: org.id, contactId: "c1", locale: "en",
                                            createdAt: now, expiresAt: now.addingTimeInterval(3600))
        try await store.createConsoleSession(contactSession, secretHash: "hash-c")
        let contactFound = try await store.consoleSession(secretHash: "hash-c", now: now, idleCutoff: now.addingTimeInterval(-60))
        XCTAssertEqual(contactFound?.contactId, "c1")
        let revoked = try await store.revokeConsoleSession(id: contactSession.id, now: now)
        XCTAssertTrue(revoked)
        let afterLogout = try await store.consoleSession(secretHash: "hash-c", now: now, idleCutoff: now.addingTimeInterval(-60))
        XCTAssertNil(afterLogout, "a revoked session is over")
    }

    /// A login link is shown while unused and unexpired, and works once.
    func loginLinksWorkOnceAndExpire() async throws {
        var org = try await org(.green)
        org.contacts = [Contact(role: .rssi, name: "Alice", email: "RSSI@chu.example")]
        try await store.updateOrganisation(org)
        let found = try await store.contacts(email: "rssi@CHU.example")
        XCTAssertEqual(found.map(\.0.id), [org.id])
        XCTAssertEqual(found.map(\.1.id), [org.contacts[0].id])
        let nobody = try await store.contacts(email: "nobody@chu.example")
        XCTAssertTrue(nobody.isEmpty)

        let now = Date()
        let link = ConsoleLoginLink(orgId: org.id, contactId: org.contacts[0].id, next: "/console/alerts/x", createdAt: now,
                                    expiresAt: now.addingTimeInterval(900))
        try await store.createLoginLink(link, secretHash: "link-a")
        let shown = try await store.loginLink(secretHash: "link-a", now: now)
        XCTAssertEqual(shown?.next, "/console/alerts/x")
        let expired = try await store.loginLink(secretHash: "link-a", now: now.addingTimeInterval(901))
        XCTAssertNil(expired)
        let used = try await store.consumeLoginLink(secretHash: "link-a", now: now)
        XCTAssertEqual(used?.contactId, org.contacts[0].id)
        let again = try await store.consumeLoginLink(secretHash: "link-a", now: now)
        XCTAssertNil(again, "a link works once")
        let shownAfterUse = try await store.loginLink(secretHash: "link-a", now: now)
        XCTAssertNil(shownAfterUse)
    }
}
