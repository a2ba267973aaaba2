import Foundation
import TocsinCore
import TocsinStore

/// The flash lane's timings as Prometheus text: one histogram of the seconds each step took, labelled by step
/// (`detectionToDeclaration` … `flashToMedianAcknowledgement`), over the incidents declared in the last 90 days.
enum IncidentMetricsText {
    /// From a second to a week.
    static let bounds: [Double] = [1, 5, 15, 60, 300, 900, 1_800, 3_600, 14_400, 86_400, 604_800]
    static let window: TimeInterval = 90 * 86_400
    /// At most this many incidents are read per scrape.
    static let limit = 2_000

    /// The incidents of the window, timed, read from the store.
    static func timelines(_ store: any Store, now: Date) async throws -> [IncidentTimeline] {
        var timelines: [IncidentTimeline] = []
        var page = PageRequest(limit: 500)
        repeat {
            let batch = try await store.incidents(orgId: nil, status: nil, page: page)
            for incident in batch.items {
                guard incident.declaredAt >= now - window, timelines.count < limit else { return timelines }
                var reach: [OrganisationReach] = []
                if let alertId = incident.flashAlertId { reach = try await store.reach(alertId: alertId) }
                timelines.append(IncidentTimeline.make(incident, reach: reach))
            }
            page.cursor = batch.nextCursor
        } while page.cursor != nil
        return timelines
    }

    static func render(_ timelines: [IncidentTimeline]) -> String {
        let name = "tocsin_incident_step_seconds"
        var lines = ["# HELP \(name) Seconds each step of the flash lane took, from detection to peers' acknowledgement, over the incidents declared in the last 90 days.",
                     "# TYPE \(name) histogram"]
        for step in IncidentReport.steps {
            let values = timelines.compactMap { $0.seconds[step] }
            for bound in bounds {
                lines.append("\(name)_bucket{step=\"\(step)\",le=\"\(ReachMetricsText.format(bound))\"} \(values.filter { $0 <= bound }.count)")
            }
            lines.append("\(name)_bucket{step=\"\(step)\",le=\"+Inf\"} \(values.count)")
            lines.append("\(name)_sum{step=\"\(step)\"} \(ReachMetricsText.format(values.reduce(0, +)))")
            lines.append("\(name)_count{step=\"\(step)\"} \(values.count)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
