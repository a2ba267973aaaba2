import Foundation
import TocsinCore
import TocsinStore

extension APIEnvironment {
    /// Who knows about `alert` now (`GET /api/v1/alerts/{id}/reach`, and the console's reach board): its reach
    /// rows made a report, with what downstream brokers reported counted under their regions. The caller has
    /// checked that the principal may read the alert's reach.
    func reachReport(_ alert: Alert, now: Date = Date()) async throws -> ReachReport {
        var report = ReachReport.make(alert: alert, rows: try await store.reach(alertId: alert.id), now: now)
        let relayed = try await store.relayedReach(alertId: alert.id)
        guard !relayed.isEmpty else { return report }
        var reports: [(orgId: String, orgName: String, updatedAt: Date, report: RelayedReach)] = []
        for entry in relayed {
            guard let decoded = try? TocsinJSON.decoder().decode(RelayedReach.self, from: Data(entry.json.utf8)) else { continue }
            let name = try await store.organisation(id: entry.reporterOrgId)?.name ?? entry.reporterOrgId
            reports.append((entry.reporterOrgId, name, entry.updatedAt, decoded))
        }
        report = report.addingRelayed(RelayedReachSummary.make(reports))
        return report
    }
}
