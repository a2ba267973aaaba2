import Foundation

/// When a source is polled next: its interval after a clean round, an exponential backoff after failing rounds
/// (capped), a random jitter so that sources configured alike do not hit their servers in step, and a spread of
/// the first rounds at start. Pure: the random number is an argument.
public struct SourceSchedule: Sendable, Hashable {
    /// The longest wait after failures (never shorter than the source's own interval).
    public var maximumBackoff: TimeInterval
    /// The jitter as a fraction of the delay: 0.1 waits between 90 % and 110 % of it.
    public var jitter: Double
    /// A source never polled before is first polled within this many seconds of the start.
    public var startSpread: TimeInterval

    public init(maximumBackoff: TimeInterval = 3_600, jitter: Double = 0.1, startSpread: TimeInterval = 30) {
        self.maximumBackoff = maximumBackoff
        self.jitter = jitter
        self.startSpread = startSpread
    }

    /// Seconds to wait after a round that left `consecutiveFailures`; `random` is uniform in 0..<1.
    ///
    /// The backoff doubles the interval per failing round: `interval × 2^failures`, capped at
    /// `max(maximumBackoff, interval)`.
    public func delay(interval: TimeInterval, consecutiveFailures: Int, random: Double) -> TimeInterval {
        let base = max(interval, 0)
        var delay = base
        if consecutiveFailures > 0 {
            let exponent = min(consecutiveFailures, 30)
            delay = min(base * pow(2, Double(exponent)), max(maximumBackoff, base))
        }
        let spread = min(max(jitter, 0), 1)
        let unit = min(max(random, 0), 1)
        return max(0, delay * (1 + spread * (2 * unit - 1)))
    }

    /// When the loop first polls a source at start: the `nextAttemptAt` its state recorded (so that a restart
    /// neither hammers a failing server nor waits longer than the current interval), or soon for a new source.
    public func firstAttempt(interval: TimeInterval, state: SourceState?, now: Date, random: Double) -> Date {
        let unit = min(max(random, 0), 1)
        guard let state, let planned = state.nextAttemptAt else {
            return now.addingTimeInterval(unit * min(startSpread, interval))
        }
        let latest = now.addingTimeInterval(delay(interval: interval, consecutiveFailures: state.consecutiveFailures, random: random))
        return max(now, min(planned, latest))
    }
}
