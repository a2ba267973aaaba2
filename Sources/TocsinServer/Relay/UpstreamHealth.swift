import Foundation
import TocsinCore

/// How following one upstream broker goes, as `GET /api/v1/upstreams` and `/metrics` show it.
public struct UpstreamHealth: Codable, Sendable, Hashable {
    /// `connecting`, `connected`, or `failing` (with `lastError`).
    public enum State: String, Codable, Sendable { case connecting, connected, failing }

    public var name: String
    public var url: String
    public var state: State = .connecting
    /// The last stream event handled (the checkpoint), nil before the first.
    public var lastEventId: Int64?
    /// When the last event was handled.
    public var lastEventAt: Date?
    /// Seconds between the origin's publication of the last revision relayed and its storage here.
    public var lagSeconds: Double?
    public var relayed = 0
    public var dropped: [String: Int] = [:]
    public var errors = 0
    public var lastError: String?
    public var lastErrorAt: Date?
    /// Reach reports sent upstream, and when the last batch was accepted.
    public var reachReported = 0
    public var lastReachReportAt: Date?
    /// True while a catch-up through the upstream's alert log runs.
    public var catchingUp = false
    /// Catch-ups completed since the start, by reason (`reset`, `outage`).
    public var catchUps: [String: Int] = [:]
    /// Revisions and withdrawals stored by catch-ups since the start.
    public var caughtUp = 0
    /// Items read by the running catch-up, or by the last one.
    public var catchUpRead: Int?
    /// When the last catch-up ended (kept in the store), and why it ran.
    public var lastCatchUpAt: Date?
    public var lastCatchUpReason: String?
    /// The newest upstream update time seen: where the next catch-up starts (less an hour).
    public var seenUntil: Date?

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }
}
