import Foundation

/// The flash lane's review: every incident with the time each step took, and the median of each step across them.
/// Pure; what a CERT puts in its annual review (`tocsin incident report`).
public struct IncidentReport: Encodable, Sendable {
    /// One incident and its timeline.
    public struct Row: Encodable, Sendable {
        public var incident: Incident
        public var timeline: IncidentTimeline

        public init(incident: Incident, timeline: IncidentTimeline) {
            self.incident = incident
            self.timeline = timeline
        }

        enum CodingKeys: String, CodingKey { case id, orgId, status, malware, careImpact, flashAlertId, timeline }

        /// The incident's facts a review needs, not its thread, indicators or callback.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(incident.id, forKey: .id)
            try c.encode(incident.orgId, forKey: .orgId)
            try c.encode(incident.status, forKey: .status)
            try c.encodeIfPresent(incident.malware, forKey: .malware)
            try c.encodeIfPresent(incident.careImpact, forKey: .careImpact)
            try c.encodeIfPresent(incident.flashAlertId, forKey: .flashAlertId)
            try c.encode(timeline, forKey: .timeline)
        }
    }

    /// The steps, in the lane's order.
    public static let steps = ["detectionToDeclaration", "declarationToAcknowledgement", "acknowledgementToFlash", "flashToFirstDelivery",
                               "flashToMedianDelivery", "flashToFirstAcknowledgement", "flashToMedianAcknowledgement", "detectionToFlash"]

    public var since: Date?
    public var incidents: [Row]
    /// Incidents by status.
    public var byStatus: [String: Int]
    /// The median seconds of each step, over the incidents that went through it.
    public var medianSeconds: [String: Double]

    public static func make(_ rows: [Row], since: Date?) -> IncidentReport {
        var byStatus: [String: Int] = [:]
        for row in rows { byStatus[row.incident.status.rawValue, default: 0] += 1 }
        var medians: [String: Double] = [:]
        for step in steps {
            let values = rows.compactMap { $0.timeline.seconds[step] }.sorted()
            if !values.isEmpty { medians[step] = values[(values.count - 1) / 2] }
        }
        return IncidentReport(since: since, incidents: rows, byStatus: byStatus, medianSeconds: medians)
    }

    /// A duration as people read it in a table: `45s`, `12m`, `3h05`, `2d04h`.
    public static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3_600 { return "\(s / 60)m\(String(format: "%02d", s % 60))" }
        if s < 86_400 { return "\(s / 3_600)h\(String(format: "%02d", (s % 3_600) / 60))" }
        return "\(s / 86_400)d\(String(format: "%02d", (s % 86_400) / 3_600))h"
    }

    /// The report as a table: one line per incident, then the medians.
    public var text: String {
        let columns = ["detect→declare", "declare→ack", "ack→flash", "flash→1st peer", "flash→½ peers", "flash→1st ack", "flash→½ acks", "detect→flash"]
        var lines = [(["incident", "status", "peers"] + columns).joined(separator: "\t")]
        for row in incidents {
            let t = row.timeline
            lines.append(([row.incident.id, row.incident.status.rawValue, "\(t.peersAcknowledged)/\(t.peersDelivered)/\(t.peersConcerned)"]
                + Self.steps.map { Self.duration(t.seconds[$0]) }).joined(separator: "\t"))
        }
        lines.append((["median", "\(incidents.count) incidents", "ack/deliv/conc"] + Self.steps.map { Self.duration(medianSeconds[$0]) })
            .joined(separator: "\t"))
        return lines.joined(separator: "\n")
    }
}
