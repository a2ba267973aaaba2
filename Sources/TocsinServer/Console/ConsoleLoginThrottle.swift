import Foundation
import Synchronization

/// Limits login attempts: at most `limit` per key (a client address, an email address) in a sliding window, in
/// memory. Over the limit, the login pages answer 429 with the same words whatever was tried.
final class ConsoleLoginThrottle: Sendable {
    let limit: Int
    let window: TimeInterval
    private let attempts = Mutex<[String: [Date]]>([:])

    init(limit: Int = 10, window: TimeInterval = 600) {
        self.limit = limit
        self.window = window
    }

    /// Counts an attempt for each key; false when one of them is over its limit (the attempt is then not made).
    func admit(_ keys: [String], now: Date = Date()) -> Bool {
        attempts.withLock { attempts in
            if attempts.count > 50_000 { attempts = attempts.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
            var admitted = true
            for key in keys {
                let recent = (attempts[key] ?? []).filter { now.timeIntervalSince($0) < window }
                if recent.count >= limit { admitted = false }
                attempts[key] = recent + [now]
            }
            return admitted
        }
    }
}
