import Foundation

/// How often a subscription's alerts are sent: each at once, or gathered into one message per hour or per day.
public enum DigestMode: String, Codable, Sendable, CaseIterable {
    case immediate
    case hourly
    case daily
}

/// When digests go out. Pure: the caller gives the clock.
///
/// An hourly digest leaves at every multiple of `hourly` since the Unix epoch (the top of each hour by default);
/// a daily one at `dailyAt` in `timeZone` (07:00, Paris time, by default), or — when `daily` is set to anything but
/// a day, as tests do — at every multiple of `daily` since the epoch. A delivery queued for a digest is due at the
/// next such time, so a digest gathers every alert since the previous one.
public struct DigestSchedule: Sendable, Hashable {
    public var hourly: TimeInterval
    public var daily: TimeInterval
    /// Minutes after local midnight.
    public var dailyAtMinutes: Int
    public var timeZone: TimeZone

    public init(hourly: TimeInterval = 3600, daily: TimeInterval = 86_400, dailyAtMinutes: Int = 7 * 60,
                timeZone: TimeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt) {
        self.hourly = max(hourly, 1)
        self.daily = max(daily, 1)
        self.dailyAtMinutes = min(max(dailyAtMinutes, 0), 24 * 60 - 1)
        self.timeZone = timeZone
    }

    /// Parses `HH:MM` (24-hour clock) into minutes after midnight.
    public static func minutes(fromClock text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }

    /// When a delivery queued at `now` for `mode` becomes due.
    public func due(after now: Date, mode: DigestMode) -> Date {
        switch mode {
        case .immediate:
            return now
        case .hourly:
            return Self.nextMultiple(of: hourly, after: now)
        case .daily:
            guard daily == 86_400 else { return Self.nextMultiple(of: daily, after: now) }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let components = DateComponents(hour: dailyAtMinutes / 60, minute: dailyAtMinutes % 60, second: 0)
            return calendar.nextDate(after: now, matching: components, matchingPolicy: .nextTime) ?? now.addingTimeInterval(daily)
        }
    }

    static func nextMultiple(of period: TimeInterval, after now: Date) -> Date {
        let seconds = now.timeIntervalSince1970
        return Date(timeIntervalSince1970: (seconds / period).rounded(.down) * period + period)
    }
}
