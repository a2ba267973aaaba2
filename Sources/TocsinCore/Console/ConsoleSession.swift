import Foundation

/// A signed-in web console user: who is behind the session (an API token pasted once, or a contact who followed a
/// one-time link) and what they may do, which is exactly what that token or contact may do through the API.
///
/// The session's secret (the cookie's value) is never kept: the store holds its SHA-256 only.
public struct ConsoleSession: Sendable, Hashable {
    /// How the user signed in.
    public enum Origin: String, Sendable, Codable {
        /// An API token pasted into the login form: the session lives while the token does.
        case token
        /// A one-time link emailed to a contact known to the directory: the session acts as a subscriber of the
        /// contact's organisation.
        case contact
    }

    /// The session's public id (for revocation and the audit log); not the cookie's value.
    public var id: String
    public var origin: Origin
    public var role: Role
    public var orgId: String?
    /// The token behind the session (`origin == .token`); revoking it ends the session.
    public var tokenId: String?
    /// The contact behind the session (`origin == .contact`).
    public var contactId: String?
    /// The language the pages are written in.
    public var locale: String
    /// The value every form of the session sends back; a POST without it is refused.
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date
    /// After this the session is over, however active it was.
    public var expiresAt: Date

    public init(id: String = TocsinID.make(), origin: Origin, role: Role, orgId: String?, tokenId: String? = nil, contactId: String? = nil,
                locale: String, csrfToken: String = TocsinID.secret(prefix: "", bytes: 24), createdAt: Date, lastSeenAt: Date? = nil, expiresAt: Date) {
        self.id = id
        self.origin = origin
        self.role = role
        self.orgId = orgId
        self.tokenId = tokenId
        self.contactId = contactId
        self.locale = locale
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt ?? createdAt
        self.expiresAt = expiresAt
    }

    /// The caller the API would see: the token's own id for a token session; for a contact session, a subscriber of
    /// the contact's organisation named `contact:<id>` (it has no token). Clearance is read from the organisation
    /// afresh for every request, as the API does.
    public var principal: Principal {
        Principal(tokenId: tokenId ?? "contact:\(contactId ?? id)", role: role, orgId: orgId, clearance: nil)
    }
}

/// A one-time login link emailed to a contact: valid for a short while, used once.
public struct ConsoleLoginLink: Sendable, Hashable {
    public var orgId: String
    public var contactId: String
    /// Where to go once signed in (a console path), when the login started from a page.
    public var next: String?
    public var createdAt: Date
    public var expiresAt: Date

    public init(orgId: String, contactId: String, next: String?, createdAt: Date, expiresAt: Date) {
        self.orgId = orgId
        self.contactId = contactId
        self.next = next
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// How long console sessions and login links last: pure policy, the store only compares dates.
public struct ConsoleSessionPolicy: Sendable, Hashable {
    /// A session unused this long is over.
    public var idleTimeout: TimeInterval
    /// A session is over this long after it began, however active.
    public var absoluteTimeout: TimeInterval
    /// A login link is refused this long after it was sent.
    public var linkLifetime: TimeInterval

    public init(idleTimeout: TimeInterval = 30 * 60, absoluteTimeout: TimeInterval = 12 * 3600, linkLifetime: TimeInterval = 15 * 60) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.linkLifetime = linkLifetime
    }

    /// The earliest last use a session may have to still be alive at `now`.
    public func idleCutoff(now: Date) -> Date { now.addingTimeInterval(-idleTimeout) }

    /// Whether `session` is still alive at `now` (neither idle too long nor past its end).
    public func isAlive(_ session: ConsoleSession, now: Date) -> Bool {
        session.expiresAt > now && session.lastSeenAt > idleCutoff(now: now)
    }

    /// Where a path given as `next` may lead: only a console path of this broker (no scheme, no host, no `//`,
    /// no backslash), so that a login never redirects elsewhere.
    public static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/console/"), !next.hasPrefix("//"), next.count <= 512,
              !next.contains("\\"), !next.contains("//"),
              next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else { return nil }
        return next
    }
}
