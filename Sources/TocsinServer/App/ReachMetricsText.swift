import Foundation
import TocsinCore
import TocsinStore

/// The reach figures as Prometheus text: time to deliver and to acknowledge by severity (histograms) and the alerts
/// still waiting for an acknowledgement (a gauge). Drills are left out of all of them.
enum ReachMetricsText {
    /// The histograms' upper bounds, in seconds: from a second to a day.
    static let bounds: [Double] = [1, 5, 15, 60, 300, 900, 1_800, 3_600, 14_400, 86_400]
    /// The gauge counts alerts published in this window.
    static let window: TimeInterval = 30 * 86_400

    static func render(_ metrics: ReachMetrics) -> String {
        var text = histogram("tocsin_time_to_deliver_seconds",
                             help: "Seconds from an alert's publication to its first delivery to each organisation it concerns, by severity (exercises excluded).",
                             metrics.timeToDeliver)
        text += histogram("tocsin_time_to_acknowledge_seconds",
                          help: "Seconds from an alert's publication to each concerned organisation's acknowledgement, by severity (exercises excluded).",
                          metrics.timeToAcknowledge)
        text += "# HELP tocsin_alerts_unacknowledged Alerts published in the last 30 days, not cancelled, with at least one concerned organisation that has not acknowledged (exercises excluded).\n"
        text += "# TYPE tocsin_alerts_unacknowledged gauge\ntocsin_alerts_unacknowledged \(metrics.unacknowledgedAlerts)\n"
        return text
    }

    static func histogram(_ name: String, help: String, _ bySeverity: [Severity: LatencyHistogram]) -> String {
        var lines = ["# HELP \(name) \(help)", "# TYPE \(name) histogram"]
        for severity in Severity.allCases.sorted(by: >) {
            let histogram = bySeverity[severity] ?? LatencyHistogram(bounds: bounds, cumulative: bounds.map { _ in 0 }, count: 0, sum: 0)
            for (bound, count) in zip(histogram.bounds, histogram.cumulative) {
                lines.append("\(name)_bucket{severity=\"\(severity.rawValue)\",le=\"\(format(bound))\"} \(count)")
            }
            lines.append("\(name)_bucket{severity=\"\(severity.rawValue)\",le=\"+Inf\"} \(histogram.count)")
            lines.append("\(name)_sum{severity=\"\(severity.rawValue)\"} \(format(histogram.sum))")
            lines.append("\(name)_count{severity=\"\(severity.rawValue)\"} \(histogram.count)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
