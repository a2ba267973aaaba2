import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

/// `GET /api/v1/alerts/{id}/reach` (who knows about an alert, as JSON or CSV) and
/// `GET /api/v1/exercises/{exerciseId}/report` (what a drill measured). For admins, and for publishers about the
/// alerts they may revise; the report names no person (no contact's name or address), only organisations.
struct ReachRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.get("alerts/:id/reach", use: reach)
        group.get("exercises/:exerciseId/report", use: exerciseReport)
    }

    @Sendable func reach(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher], to: "read the reach of alerts")
        let csv = try Self.wantsCSV(request)
        let id = try context.parameters.require("id")
        guard let alert = try await env.store.alert(id: id) else { throw Problem.notFound("alert \(id) not found") }
        let access = try await env.access(of: principal)
        if access.reviseRefusal(alert) != nil { throw Problem.forbidden("only the alert's publisher and admins may read its reach") }
        let report = try await env.reachReport(alert)
        guard csv else { return try JSONResponse.make(report) }
        var headers: HTTPFields = [.contentType: "text/csv; charset=utf-8"]
        headers[.contentDisposition] = "attachment; filename=\"reach-\(id).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: report.csv)))
    }

    @Sendable func exerciseReport(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher], to: "read exercise reports")
        let exerciseId = try context.parameters.require("exerciseId")
        let access = try await env.access(of: principal)
        let alerts = try await env.store.alerts(exerciseId: exerciseId).filter { access.reviseRefusal($0) == nil }
        guard !alerts.isEmpty else { throw Problem.notFound("exercise \(exerciseId) not found") }
        let now = Date()
        var reports: [ReachReport] = []
        for alert in alerts { reports.append(ReachReport.make(alert: alert, rows: try await env.store.reach(alertId: alert.id), now: now)) }
        return try JSONResponse.make(ExerciseReport.make(exerciseId: exerciseId, reports: reports, now: now))
    }

    /// CSV when `?format=csv` or when the caller accepts `text/csv` and not JSON first; JSON otherwise.
    static func wantsCSV(_ request: Request) throws -> Bool {
        if let format = request.query("format") {
            switch format {
            case "csv": return true
            case "json": return false
            default: throw Problem.validation("format must be json or csv", field: "format")
            }
        }
        let accept = request.headers[.accept]?.lowercased() ?? ""
        guard let csv = accept.range(of: "text/csv") else { return false }
        guard let json = accept.range(of: "application/json") else { return true }
        return csv.lowerBound < json.lowerBound
    }
}
