import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import TocsinCore
import TocsinStore

extension ConsoleRoutes {
    /// The reach board of an alert, for its publisher and admins (who may read its reach in the API):
    /// - `GET /console/reach`: the alerts the user may revise, newest first, each with its board and its revision
    ///   form;
    /// - `GET /console/alerts/{id}/reach`: concerned, delivered, seen and acknowledged, by region, and the
    ///   establishments still uninformed with why; a reload shows the current figures;
    /// - `GET /console/alerts/{id}/reach/live`: the same figures as JSON;
    /// - `GET /console/alerts/{id}/reach/stream`: the same figures as Server-Sent Events (`event: reach`), sent
    ///   whenever they change, which the console's script shows without a reload. The session is checked again
    ///   before each event and at least every `sessionCheckInterval` while idle: a session signed out, revoked or
    ///   expired (or its token revoked) ends the stream with an `event: ended` within about that time.
    ///
    /// The figures are the reach API's report (`APIEnvironment.reachReport`), read with the same rights.
    struct Reach: ConsoleViewGroup {
        let env: ConsoleEnvironment

        static let menu = [ConsoleMenuItem(path: "/console/reach", word: "reach.menu", roles: [.admin, .publisher])]
        /// How long one live stream lasts before the browser opens the next.
        static let streamLifetime: Duration = .seconds(120)
        /// How often an idle live stream checks that its session still holds (one indexed read).
        static let sessionCheckInterval: Duration = .seconds(1)
        /// How often a live stream reads the figures.
        static let streamInterval: Duration = .milliseconds(500)

        func register(on group: RouterGroup<TocsinRequestContext>) {
            group.get("reach") { request, context in try await list(request, context: context) }
            group.get("alerts/:id/reach") { _, context in try await board(context: context) }
            group.get("alerts/:id/reach/live") { _, context in try await live(context: context) }
            group.get("alerts/:id/reach/stream") { request, context in try await stream(request, context: context) }
        }

        /// The alert whose reach the user may read: else the 404 (an alert it may not read) or 403 (another
        /// publisher's) the API answers.
        func readable(_ context: TocsinRequestContext) async throws -> Alert {
            let principal = try context.requirePrincipal()
            try principal.require([.admin, .publisher], to: "read the reach of alerts")
            let id = try context.parameters.require("id")
            guard id.count <= 64, let alert = try await env.store.alert(id: id) else { throw Problem.notFound("alert not found") }
            switch try await env.access(context).reviseRefusal(alert) {
            case .unreadable?: throw Problem.notFound("alert not found")
            case .notPublisher?: throw Problem.forbidden("only the alert's publisher and admins may read its reach")
            case nil: return alert
            }
        }

        /// The alerts whose reach the user may read, 50 a page, newest first.
        func list(_ request: Request, context: TocsinRequestContext) async throws -> Response {
            let principal = try context.requirePrincipal()
            try principal.require([.admin, .publisher], to: "read the reach of alerts")
            let access = try await env.access(context)
            let scope = try await env.api.readScope(of: principal)
            let cursor = request.query("cursor").flatMap { $0.count <= 32 && $0.allSatisfy(\.isNumber) ? $0 : nil }
            let page = try await env.store.alerts(AlertQuery(page: PageRequest(limit: 50, cursor: cursor), clearance: scope?.clearance,
                                                             orgRegion: scope.map { scope -> String? in scope.region }))
            let locale = env.locale(context)
            let formatter = env.api.messages.dateFormatter(locale: locale)
            let items = page.items.filter { access.reviseRefusal($0) == nil }.map { alert -> [String: Any] in
                var values = ConsoleAlertSummary.values(alert, concerns: [], locale: locale, messages: env.api.messages, formatter: formatter)
                values["reachHref"] = "/console/alerts/\(alert.id)/reach"
                values["editHref"] = "/console/alerts/\(alert.id)/edit"
                return values
            }
            var values: [String: Any] = ["alerts": items, "empty": items.isEmpty]
            if let next = page.nextCursor { values["nextHref"] = "/console/reach?cursor=\(next)" }
            return try env.page(ConsoleView(template: "reach-list", title: env.text("reach.listTitle", context), context: values,
                                            section: "/console/reach"), context: context)
        }

        func board(context: TocsinRequestContext) async throws -> Response {
            let alert = try await readable(context)
            let locale = env.locale(context)
            var values = ConsoleAlertSummary.values(alert, concerns: [], locale: locale, messages: env.api.messages)
            values.merge(figures(try await env.api.reachReport(alert), locale: locale), uniquingKeysWith: { _, new in new })
            values["alertHref"] = "/console/alerts/\(alert.id)"
            values["editHref"] = "/console/alerts/\(alert.id)/edit"
            values["liveHref"] = "/console/alerts/\(alert.id)/reach/live"
            values["streamHref"] = "/console/alerts/\(alert.id)/reach/stream"
            values["csvHref"] = "/api/v1/alerts/\(alert.id)/reach?format=csv"
            return try env.page(ConsoleView(template: "reach", title: env.text("reach.title", context, ["title": values["title"] as? String ?? ""]),
                                            context: values, section: "/console/reach"), context: context)
        }

        func live(context: TocsinRequestContext) async throws -> Response {
            let alert = try await readable(context)
            let body = try json(try await env.api.reachReport(alert), locale: env.locale(context))
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }

        func stream(_ request: Request, context: TocsinRequestContext) async throws -> Response {
            let alert = try await readable(context)
            guard let sessionId = context.consoleSession?.id else { throw Problem.unauthorized("no console session") }
            let logger = context.logger
            let locale = env.locale(context)
            let env = self.env
            let headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", HTTPField.Name("X-Accel-Buffering")!: "no"]
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                let end = ContinuousClock.now + Self.streamLifetime
                var last: [UInt8] = []
                var lastWrite = ContinuousClock.now
                var lastCheck = ContinuousClock.now
                while !Task.isCancelled, !env.api.hub.isClosed, ContinuousClock.now < end {
                    let current = try await env.store.alert(id: alert.id) ?? alert
                    let body = try json(try await env.api.reachReport(current), locale: locale)
                    // The session still holds before anything more is sent, and at least every second while idle.
                    if body != last || ContinuousClock.now - lastCheck >= Self.sessionCheckInterval {
                        lastCheck = ContinuousClock.now
                        guard try await ConsoleSessionMiddleware.liveSession(request, env: env)?.id == sessionId else {
                            logger.notice("console reach stream closed: session over")
                            try await writer.write(ByteBuffer(string: "event: ended\ndata: {\"reason\":\"session\"}\n\n"))
                            break
                        }
                    }
                    if body != last {
                        last = body
                        try await writer.write(ByteBuffer(string: "event: reach\ndata: " + String(decoding: body, as: UTF8.self) + "\n\n"))
                        lastWrite = ContinuousClock.now
                    } else if ContinuousClock.now - lastWrite >= .seconds(15) {
                        // Also how a closed connection is noticed: the write fails and the stream ends.
                        try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                        lastWrite = ContinuousClock.now
                    }
                    try await Task.sleep(for: Self.streamInterval)
                }
                try await writer.finish(nil)
            })
        }

        /// The figures as JSON for the live board: the counts, the regions and the uninformed, in the reader's
        /// words (the report's date is left out, so that unchanged figures read the same).
        func json(_ report: ReachReport, locale: String) throws -> [UInt8] {
            var values = figures(report, locale: locale)
            values["hasRegions"] = nil
            values["hasUninformed"] = nil
            values["revision"] = report.revision
            return Array(try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys]))
        }

        /// The report's figures as the board shows them.
        func figures(_ report: ReachReport, locale: String) -> [String: Any] {
            func counts(_ counts: ReachCounts) -> [String: Int] {
                ["concerned": counts.concerned, "delivered": counts.delivered, "seen": counts.seen, "acknowledged": counts.acknowledged]
            }
            let regions = report.byRegion.keys.sorted().map { key -> [String: Any] in
                var row: [String: Any] = counts(report.byRegion[key] ?? ReachCounts())
                row["region"] = key == "national" ? env.words.text("reach.national", locale: locale)
                    : key == "none" ? env.words.text("reach.noRegion", locale: locale) : key
                return row
            }
            let uninformed = report.uninformed.sorted { ($0.orgName, $0.orgId) < ($1.orgName, $1.orgId) }.prefix(500).map { row -> [String: Any] in
                ["orgName": row.orgName, "region": row.region ?? "", "reason": env.words.text("reach.reason.\(row.reason.rawValue)", locale: locale),
                 "detail": row.detail]
            }
            return [
                "counts": counts(report.counts), "regions": regions, "hasRegions": !regions.isEmpty,
                "uninformed": uninformed, "hasUninformed": !uninformed.isEmpty, "uninformedCount": report.uninformed.count,
            ]
        }
    }
}
