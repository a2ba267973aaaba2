import Foundation
import Synchronization
import TocsinDelivery

/// Tells every open live stream that a revision was published, so it reads the store at once rather than at
/// its next poll. Streams always read the events from the store: the hub only wakes them.
public final class EventHub: Sendable {
    private let listeners = Mutex<[ObjectIdentifier: WakeSignal]>([:])
    private let closed = Mutex(false)

    public init() {}

    func register(_ signal: WakeSignal) { listeners.withLock { $0[ObjectIdentifier(signal)] = signal } }
    func unregister(_ signal: WakeSignal) { listeners.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(signal)) } }

    /// Wakes every stream.
    public func notify() {
        for signal in listeners.withLock({ Array($0.values) }) { signal.signal() }
    }

    var count: Int { listeners.withLock { $0.count } }

    /// True once the server shuts down: streams end so that the shutdown need not wait for their clients.
    var isClosed: Bool { closed.withLock { $0 } }

    /// Ends every stream (graceful shutdown).
    public func close() {
        closed.withLock { $0 = true }
        notify()
    }
}
