import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

/// Between brokers: `GET /api/v1/upstreams` (how following each upstream goes), `POST /api/v1/relay/reach` (a
/// downstream broker reports the reach of the alerts it relayed, with its relay token) and
/// `GET|PUT /api/v1/alerts/{id}/annotation` (this broker's note on an alert, apart from the origin's text; `text` null
/// when it has none).
struct RelayRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.get("upstreams", use: upstreams)
        group.post("relay/reach", use: reach)
        group.get("alerts/:id/annotation", use: annotation)
        group.put("alerts/:id/annotation", use: annotate)
    }

    /// This broker's identity and its upstreams' health.
    struct UpstreamsBody: Encodable {
        var broker: BrokerIdentity
        var items: [UpstreamHealth]
        var nextCursor: String?
    }

    @Sendable func upstreams(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher, .relay], to: "see the upstreams")
        return try JSONResponse.make(UpstreamsBody(broker: env.identity, items: env.relay?.health() ?? [], nextCursor: nil))
    }

    /// What the upstream answers a reach batch: how many reports it kept (those of alerts the caller may read).
    struct ReachAccepted: Encodable {
        var accepted: Int
        var ignored: Int
    }

    @Sendable func reach(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.relay], to: "report the reach of relayed alerts")
        guard let orgId = principal.orgId else { throw Problem.forbidden("the token is bound to no organisation") }
        let batch = try await request.decodeJSON(RelayReachBatch.self, limit: env.maxBody)
        guard batch.reports.count <= RelayReachBatch.maximum else {
            throw Problem.validation("reports holds more than \(RelayReachBatch.maximum) items", field: "reports")
        }
        let access = try await env.access(of: principal)
        var kept: [(alertId: String, json: String)] = []
        for var report in batch.reports {
            // Only about an alert the caller may read and that may be relayed to it; anything else is ignored,
            // answered the same whether the alert exists or not.
            guard report.alertId.count <= 64, let alert = try await env.store.alert(id: report.alertId), access.canRead(alert),
                  RelayPolicy.relayable(alert.tlp) else { continue }
            for (region, counts) in report.byRegion {
                guard region.count <= 16, [counts.concerned, counts.delivered, counts.seen, counts.acknowledged].allSatisfy({ (0...1_000_000).contains($0) }) else {
                    throw Problem.validation("byRegion['\(region.prefix(16))'] must hold counts from 0 to 1000000", field: "reports.byRegion")
                }
            }
            // A regional relay speaks for its own region only: what it says of another is not kept.
            if let region = access.region, region != Region.all {
                report.byRegion = report.byRegion.filter { $0.key == region }
                report.establishments = report.establishments.filter { $0.region == region }
            }
            kept.append((alert.id, String(decoding: try TocsinJSON.encoder().encode(report), as: UTF8.self)))
        }
        try await env.store.saveRelayedReach(kept, reporterOrgId: orgId, now: Date())
        return try JSONResponse.make(ReachAccepted(accepted: kept.count, ignored: batch.reports.count - kept.count), status: .accepted)
    }

    /// The body of `PUT /api/v1/alerts/{id}/annotation`.
    struct AnnotationBody: Decodable {
        var text: String
    }

    /// An annotation as the API shows it.
    struct AnnotationView: Encodable {
        var alertId: String
        var text: String?
        var createdAt: Date?
        var updatedAt: Date?

        enum CodingKeys: String, CodingKey { case alertId, text, createdAt, updatedAt }

        /// Every key, null when the alert has no annotation.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(alertId, forKey: .alertId)
            try c.encode(text, forKey: .text)
            try c.encode(createdAt, forKey: .createdAt)
            try c.encode(updatedAt, forKey: .updatedAt)
        }
    }

    @Sendable func annotation(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        guard let alert = try await env.store.alert(id: id), try await env.access(of: principal).canRead(alert) else {
            throw Problem.notFound("alert \(id.prefix(64)) not found")
        }
        let note = try await env.store.annotation(alertId: id)
        return try JSONResponse.make(AnnotationView(alertId: id, text: note?.text, createdAt: note?.createdAt, updatedAt: note?.updatedAt))
    }

    @Sendable func annotate(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher], to: "annotate alerts")
        let id = try context.parameters.require("id")
        // Checked like a read: an alert the caller may not read does not exist for it.
        guard let alert = try await env.store.alert(id: id), try await env.access(of: principal).canRead(alert) else {
            throw Problem.notFound("alert \(id.prefix(64)) not found")
        }
        let body = try await request.decodeJSON(AnnotationBody.self, limit: env.maxBody)
        let text = body.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2_000 else { throw Problem.validation("text must be 1 to 2000 characters", field: "text") }
        do { try TextRules.check(text, field: "text", longText: true) } catch { throw Problem.validation("text \(error.message)", field: "text") }
        let now = Date()
        let created = try await env.store.annotation(alertId: id)?.createdAt ?? now
        try await env.store.setAnnotation(AlertAnnotation(alertId: id, text: text, author: principal.tokenId, createdAt: created, updatedAt: now))
        return try JSONResponse.make(AnnotationView(alertId: id, text: text, createdAt: created, updatedAt: now))
    }
}

/// The upstreams' health as Prometheus text.
enum RelayMetricsText {
    static func render(_ health: [UpstreamHealth]) -> String {
        guard !health.isEmpty else { return "" }
        func label(_ text: String) -> String { text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") }
        var text = ""
        /// One series with a line per upstream.
        func series(_ name: String, _ type: String, _ help: String, _ value: (UpstreamHealth) -> String) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for h in health { text += "\(name){upstream=\"\(label(h.name))\"} \(value(h))\n" }
        }
        series("tocsin_upstream_up", "gauge", "Whether the upstream's stream is connected (1) or not (0).") { "\($0.state == .connected ? 1 : 0)" }
        series("tocsin_upstream_last_event_id", "gauge", "The last stream event handled from the upstream.") { "\($0.lastEventId ?? 0)" }
        series("tocsin_upstream_lag_seconds", "gauge", "From the origin's publication to storage here, for the last revision relayed.") { "\($0.lagSeconds ?? 0)" }
        series("tocsin_upstream_relayed_total", "counter", "Revisions relayed from the upstream since the start.") { "\($0.relayed)" }
        series("tocsin_upstream_errors_total", "counter", "Errors following the upstream since the start.") { "\($0.errors)" }
        text += "# HELP tocsin_relay_catchup_total Catch-ups through the upstream's alert log since the start, by reason (reset, outage).\n# TYPE tocsin_relay_catchup_total counter\n"
        for h in health {
            for reason in RelayCatchUp.Reason.allCases {
                text += "tocsin_relay_catchup_total{upstream=\"\(label(h.name))\",reason=\"\(reason.rawValue)\"} \(h.catchUps[reason.rawValue] ?? 0)\n"
            }
        }
        series("tocsin_relay_caught_up_total", "counter", "Revisions and withdrawals stored by catch-ups since the start.") { "\($0.caughtUp)" }
        series("tocsin_upstream_catching_up", "gauge", "Whether a catch-up through the upstream's alert log runs (1) or not (0).") { "\($0.catchingUp ? 1 : 0)" }
        series("tocsin_upstream_last_catchup_timestamp_seconds", "gauge", "When the last catch-up ended (0 before one).") {
            "\(Int($0.lastCatchUpAt?.timeIntervalSince1970 ?? 0))"
        }
        return text
    }
}
