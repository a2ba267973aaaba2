import Foundation

/// The path of one incident, timed: detection → declaration → CERT acknowledgement → flash published → peers
/// delivered → peers acknowledged. Each step's date and the seconds since the one before; peers' steps are read
/// from the flash alert's reach (the first peer and the median). Pure.
public struct IncidentTimeline: Codable, Sendable, Hashable {
    public var detectedAt: Date?
    public var declaredAt: Date
    public var acknowledgedAt: Date?
    public var flashPublishedAt: Date?
    /// The first peer a delivery reached, and when half of the concerned peers had one.
    public var firstPeerDeliveredAt: Date?
    public var medianPeerDeliveredAt: Date?
    public var firstPeerAcknowledgedAt: Date?
    public var medianPeerAcknowledgedAt: Date?
    /// Peers the flash alert concerns, delivered and acknowledged so far.
    public var peersConcerned: Int
    public var peersDelivered: Int
    public var peersAcknowledged: Int
    /// Seconds of each step: `detectionToDeclaration`, `declarationToAcknowledgement`, `acknowledgementToFlash`,
    /// `flashToFirstDelivery`, `flashToMedianDelivery`, `flashToFirstAcknowledgement`, `flashToMedianAcknowledgement`,
    /// `detectionToFlash` — only those whose two ends are known.
    public var seconds: [String: Double]

    /// The timeline of `incident` with its flash alert's reach rows (none before the flash). The declarant's own
    /// row is left out: it is no peer.
    public static func make(_ incident: Incident, reach: [OrganisationReach]) -> IncidentTimeline {
        let peers = reach.filter { $0.orgId != incident.orgId }
        let delivered = peers.compactMap { $0.delivered?.at }.sorted()
        let acknowledged = peers.compactMap { $0.acknowledged?.at }.sorted()
        func median(_ dates: [Date]) -> Date? {
            guard !peers.isEmpty, dates.count * 2 >= peers.count else { return nil }
            return dates[max(0, (peers.count + 1) / 2 - 1)]
        }
        var timeline = IncidentTimeline(
            detectedAt: incident.detectedAt, declaredAt: incident.declaredAt, acknowledgedAt: incident.acknowledgedAt,
            flashPublishedAt: incident.flashPublishedAt, firstPeerDeliveredAt: delivered.first, medianPeerDeliveredAt: median(delivered),
            firstPeerAcknowledgedAt: acknowledged.first, medianPeerAcknowledgedAt: median(acknowledged),
            peersConcerned: peers.count, peersDelivered: delivered.count, peersAcknowledged: acknowledged.count, seconds: [:])
        func span(_ name: String, _ from: Date?, _ to: Date?) {
            if let from, let to { timeline.seconds[name] = max(0, to.timeIntervalSince(from)) }
        }
        span("detectionToDeclaration", incident.detectedAt, incident.declaredAt)
        span("declarationToAcknowledgement", incident.declaredAt, incident.acknowledgedAt)
        span("acknowledgementToFlash", incident.acknowledgedAt, incident.flashPublishedAt)
        span("flashToFirstDelivery", incident.flashPublishedAt, delivered.first)
        span("flashToMedianDelivery", incident.flashPublishedAt, timeline.medianPeerDeliveredAt)
        span("flashToFirstAcknowledgement", incident.flashPublishedAt, acknowledged.first)
        span("flashToMedianAcknowledgement", incident.flashPublishedAt, timeline.medianPeerAcknowledgedAt)
        span("detectionToFlash", incident.detectedAt ?? incident.declaredAt, incident.flashPublishedAt)
        return timeline
    }
}
