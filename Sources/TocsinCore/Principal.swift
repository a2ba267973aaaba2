import Foundation

/// What an API token may do.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Everything, including organisations, tokens and the ledger of every organisation.
    case admin
    /// Publishes and revises alerts, reads the ledger.
    case publisher
    /// Bound to one organisation: manages its subscriptions, reads the alerts its clearance allows.
    case subscriber
    /// Another broker relaying alerts: publishes like a publisher, reads like its organisation (clearance and region).
    case relay
}

/// An API token as stored: its hash, never the token itself.
public struct APIToken: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    public var role: Role
    public var orgId: String?
    public var label: String?
    public var createdAt: Date
    public var lastUsedAt: Date?
    /// After this date the token is refused; nil when it does not expire.
    public var expiresAt: Date?
    /// When the token was revoked; a revoked token is refused on every path.
    public var revokedAt: Date?

    public init(id: String = TocsinID.make(), role: Role, orgId: String?, label: String? = nil, createdAt: Date = Date(), lastUsedAt: Date? = nil,
                expiresAt: Date? = nil, revokedAt: Date? = nil) {
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.id = id
        self.role = role
        self.orgId = orgId
        self.label = label
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    /// A new random token value (`tcs_` + 32 random bytes); shown once, stored hashed.
    public static func makeSecret() -> String { TocsinID.secret(prefix: "tcs_") }
}

/// The caller of an API request, resolved from its bearer token.
public struct Principal: Sendable, Hashable {
    public var tokenId: String
    public var role: Role
    public var orgId: String?
    /// The organisation's clearance for subscribers and relays; nil means unrestricted (admin, publisher).
    public var clearance: TLP?

    public init(tokenId: String, role: Role, orgId: String?, clearance: TLP?) {
        self.tokenId = tokenId
        self.role = role
        self.orgId = orgId
        self.clearance = clearance
    }
}
