import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

/// `POST /api/v1/alerts/{id}/sightings`: an organisation that may read an alert reports seeing some of its indicators
/// in its own network; `GET` gives the CERT (admins, publishers) how many establishments and regions saw each one.
/// Nobody learns who saw what: the count names no organisation, and peers do not read it.
struct SightingRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.post("alerts/:id/sightings", use: report)
        group.get("alerts/:id/sightings", use: summary)
    }

    /// What a report answers: how many indicators were recorded.
    struct Recorded: Encodable {
        var alertId: String
        var recorded: Int
    }

    @Sendable func report(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard principal.role == .subscriber || principal.role == .relay, let orgId = principal.orgId else {
            throw Problem.forbidden("only an organisation's token reports sightings")
        }
        let id = try context.parameters.require("id")
        let body = try await request.decodeJSON(SightingReport.self, limit: env.maxBody)
        let access = try await env.access(of: principal)
        guard let alert = try await env.store.alert(id: id), access.canRead(alert) else { throw Problem.notFound("alert \(id) not found") }
        guard !body.indicators.isEmpty, body.indicators.count <= 1_000 else {
            throw Problem.validation("indicators must list 1 to 1000 of the alert's indicators", field: "indicators")
        }
        let known = Set(alert.indicators.map(IndicatorIntake.key))
        let now = Date()
        if let seenAt = body.seenAt, seenAt > now.addingTimeInterval(300) { throw Problem.validation("seenAt is in the future", field: "seenAt") }
        for (index, seen) in body.indicators.enumerated()
        where !known.contains(IndicatorIntake.key(Indicator(type: seen.type, value: seen.value.trimmingCharacters(in: .whitespaces)))) {
            throw Problem.validation("indicators[\(index)] is not one of the alert's indicators", field: "indicators[\(index)]")
        }
        let region = try await env.store.organisation(id: orgId)?.regionScope
        for seen in body.indicators {
            // Stored as the alert writes it, so that the CERT's count groups every report of one indicator.
            let key = IndicatorIntake.key(Indicator(type: seen.type, value: seen.value.trimmingCharacters(in: .whitespaces)))
            let value = alert.indicators.first { IndicatorIntake.key($0) == key }?.value ?? seen.value
            try await env.store.recordSighting(Sighting(alertId: id, indicatorType: seen.type, indicatorValue: value, orgId: orgId,
                                                        region: region, at: (body.seenAt ?? now).millisecondPrecision))
        }
        return try JSONResponse.make(Recorded(alertId: id, recorded: body.indicators.count), status: .created)
    }

    @Sendable func summary(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher], to: "read sightings")
        let id = try context.parameters.require("id")
        guard let alert = try await env.store.alert(id: id) else { throw Problem.notFound("alert \(id) not found") }
        let summary = SightingSummary.make(alertId: id, indicators: alert.indicators, sightings: try await env.store.sightings(alertId: id))
        return try JSONResponse.make(summary)
    }
}
