import Foundation
import Synchronization
import TocsinCore
import TocsinStore

/// What became of one event read from an upstream broker.
public enum RelayOutcome: Sendable {
    /// The revision was stored and routed like any other.
    case stored(PublishResult)
    /// Nothing was stored, for this reason (the checkpoint moved all the same).
    case dropped(RelayDrop)
}

extension AlertPipeline {
    /// Stores a revision read from an upstream's stream (event `eventId`) through the one publish flow, if
    /// `policy` takes it: the origin's id, revision and publication time are kept, the path gets this broker, and
    /// routing, reach, escalation and delivery apply as to any alert. The upstream's checkpoint moves in the same
    /// transaction, so a crash neither loses the event nor stores it twice. Enrichment is not run again: only the
    /// origin changes the content. A revision read by a catch-up has no `eventId` and moves only the upstream time
    /// seen (its update time).
    public func relay(_ incoming: Alert, upstream: String, eventId: Int64?, policy: RelayPolicy, now: Date = Date()) async throws -> RelayOutcome {
        let dropped = Mutex<RelayDrop?>(nil)
        let result = try await store.storeRelayed(alertId: incoming.id, upstream: upstream, eventId: eventId, seen: incoming.updatedAt,
                                                  route: try await routing.router()) { held in
            switch policy.receive(incoming, held: held, now: now) {
            case .store(var copy):
                copy.source = Self.relaySource(upstream)
                return copy
            case .drop(let reason): dropped.withLock { $0 = reason }; return nil
            }
        }
        if let result { return .stored(result) }
        return .dropped(dropped.withLock { $0 } ?? .stale)
    }

    /// The `source` of an alert relayed from `upstream`.
    public static func relaySource(_ upstream: String) -> String { "relay:\(upstream)" }

    /// Withdraws the copy held of `alertId` when the upstream says its revision `revision` may no longer be relayed
    /// here (a withdrawal notice, which names the alert and nothing of its content).
    public func relayWithdrawal(alertId: String, revision: Int, upstream: String, eventId: Int64?, policy: RelayPolicy,
                                now: Date = Date()) async throws -> RelayOutcome {
        let dropped = Mutex<RelayDrop?>(nil)
        let result = try await store.storeRelayed(alertId: alertId, upstream: upstream, eventId: eventId, seen: nil,
                                                  route: try await routing.router()) { held in
            switch policy.withdraw(held: held.flatMap { $0.isRelayed ? $0 : nil }, revision: revision, now: now) {
            case .store(let copy): return copy
            case .drop(let reason): dropped.withLock { $0 = reason }; return nil
            }
        }
        if let result { return .stored(result) }
        return .dropped(dropped.withLock { $0 } ?? .stale)
    }
}
