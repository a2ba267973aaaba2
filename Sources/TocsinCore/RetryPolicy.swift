import Foundation

/// When to try a failed delivery again: a fixed schedule of delays with proportional jitter.
///
/// The default schedule retries after 10 s, 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 20 h: eleven
/// attempts over about three days (71.6 hours), then the delivery is dead. Jitter spreads each delay by ±20% so
/// that a receiver coming back is not hit by every retry at once.
public struct RetryPolicy: Sendable, Equatable {
    public var schedule: [TimeInterval]
    /// Fraction of each delay added or removed at random, 0 to 1.
    public var jitter: Double

    public init(schedule: [TimeInterval] = RetryPolicy.standardSchedule, jitter: Double = 0.2) {
        self.schedule = schedule
        self.jitter = min(max(jitter, 0), 1)
    }

    public static let standardSchedule: [TimeInterval] = [10, 60, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 72_000]

    /// Total attempts including the first.
    public var maxAttempts: Int { schedule.count + 1 }

    /// Delay before the next attempt after attempt number `attempt` (1-based) failed, or nil when none is left.
    /// `random` in 0..<1 picks the jitter: 0.5 gives the nominal delay.
    public func delay(afterAttempt attempt: Int, random: Double) -> TimeInterval? {
        guard attempt >= 1, attempt <= schedule.count else { return nil }
        let nominal = schedule[attempt - 1]
        let factor = 1 + jitter * (2 * min(max(random, 0), 1) - 1)
        return nominal * factor
    }

    /// Parses a schedule written as `10s,1m,5m,30m,2h` (units s, m, h, d; a bare number is seconds).
    public static func parseSchedule(_ text: String) throws(ValidationError) -> [TimeInterval] {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw ValidationError(field: "delivery.retrySchedule", message: "is empty") }
        return try items.map { item throws(ValidationError) in
            guard let value = DurationText.parse(item) else {
                throw ValidationError(field: "delivery.retrySchedule", message: "'\(item)' is not a duration like 30s, 5m, 2h or 1d")
            }
            return value
        }
    }
}

/// Durations as operators write them in configuration: `250ms`, `30s`, `5m`, `2h`, `1d`.
public enum DurationText {
    public static func parse(_ text: String) -> TimeInterval? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let number = Double(text.dropLast(suffix.count)), number >= 0, number.isFinite { return number * scale }
        }
        if let number = Double(text), number >= 0, number.isFinite { return number }
        return nil
    }
}
