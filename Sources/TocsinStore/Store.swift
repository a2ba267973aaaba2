import Foundation
import TocsinCore

/// The durable spine of Tocsin, split by concern: the alert log (with the deliveries each revision queues), the
/// outbox and ledger, who knows (reach and acknowledgement), the directory (organisations, tokens, subscriptions,
/// inventories), source states and the audit log. An engine implements persistence only: policy (who receives what, when a digest leaves, what a delivery's
/// state becomes) is decided by the pipeline and the delivery state machine and handed to the store to write.
///
/// Every method is one transaction. Every engine passes the same conformance suite (`StoreConformance`, in the
/// store's tests).
public protocol Store: DirectoryStore, AlertLogStore, OutboxStore, ReachStore, EscalationStore, PolledSourceStore, AuditStore, IncidentStore,
    RelayStore, TAXIIStore, ConsoleSessionStore {
    /// Commits a tiny write, so that readiness means the store accepts writes (a full disk fails it).
    func probeWrite(now: Date) async throws
}

extension Store {
    /// The caller behind a token value now.
    public func principal(forToken secret: String) async throws -> Principal? { try await principal(forToken: secret, now: Date()) }
}

/// A typed store failure with a message a user can act on.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case conflict(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound(let what): "\(what) not found"
        case .conflict(let why): why
        case .invalid(let why): why
        }
    }
}

/// A page of results and the cursor for the next one (nil on the last page).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Cursor pagination: `limit` items after the opaque `cursor`.
public struct PageRequest: Sendable {
    public var limit: Int
    public var cursor: String?

    public init(limit: Int = 50, cursor: String? = nil) {
        self.limit = min(max(limit, 1), 500)
        self.cursor = cursor
    }
}
