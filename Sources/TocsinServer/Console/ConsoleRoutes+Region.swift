import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

extension ConsoleRoutes {
    /// The regional agency's pages (an ARS signed in with its relay token), always narrowed to the region of its
    /// organisation — an establishment of another region is never listed:
    ///
    /// - `GET /console/region`: the region's board. For each alert the agency may read (newest first, 10 a page, the
    ///   same query as its inbox), how many establishments of the region it concerns and how many it reached
    ///   (delivered, seen, acknowledged, still unreached), counted by the store for the whole page at once
    ///   (`ReachStore.reachCounts(alertIds:region:)`), then the counts the agency's own broker reported of the
    ///   establishments it serves (the relay roll-up, `POST /api/v1/relay/reach`). Each alert leads to its page:
    /// - `GET /console/region/alerts/{id}`: one alert, each establishment of the region it concerns and how far it got
    ///   (delivered, seen, acknowledged, and why nothing reached the others), from the reach records
    ///   (`ReachStore.reach(alertId:region:)`), then each establishment the agency's broker reported. An alert the
    ///   agency may not read answers the same 404 as one that does not exist.
    /// - `GET /console/region/unreachable`: the establishments of the region that no channel reaches now, and why
    ///   (`OrganisationChannels.unreachableReasons`, the rule of `GET /api/v1/orgs?unreachable=true`).
    /// - `GET /console/region/upstreams`: the health of the upstreams this broker follows, as `GET /api/v1/upstreams`.
    struct RegionBoard: ConsoleViewGroup {
        let env: ConsoleEnvironment

        /// Alerts on one page of the board.
        static let pageSize = 10

        static let menu = [
            ConsoleMenuItem(path: "/console/region", word: "region.menu", roles: [.relay]),
            ConsoleMenuItem(path: "/console/region/unreachable", word: "region.unreachableMenu", roles: [.relay]),
            ConsoleMenuItem(path: "/console/region/upstreams", word: "region.upstreamsMenu", roles: [.admin, .publisher, .relay]),
        ]

        func register(on group: RouterGroup<TocsinRequestContext>) {
            group.get("region") { request, context in try await board(request, context: context) }
            group.get("region/alerts/:id") { _, context in try await alertPage(context: context) }
            group.get("region/unreachable") { _, context in try await unreachable(context: context) }
            group.get("region/upstreams") { _, context in try await upstreams(context: context) }
        }

        /// The agency's region: that of the relay token's organisation, which must name one region (not national).
        func region(_ context: TocsinRequestContext) async throws -> (principal: Principal, region: String) {
            let principal = try context.requirePrincipal()
            guard principal.role == .relay, let scope = try await env.api.readScope(of: principal), let region = scope.region,
                  region != Region.all else {
                throw Problem.forbidden("the regional board is for the relay token of a regional organisation")
            }
            return (principal, region)
        }

        /// The counts as the templates read them, with those not reached yet.
        static func countValues(_ counts: ReachCounts) -> [String: Any] {
            ["concerned": counts.concerned, "delivered": counts.delivered, "seen": counts.seen, "acknowledged": counts.acknowledged,
             "unreached": max(0, counts.concerned - counts.delivered)]
        }

        func board(_ request: Request, context: TocsinRequestContext) async throws -> Response {
            let (principal, region) = try await region(context)
            let scope = try await env.api.readScope(of: principal)
            let access = try await env.access(context)
            let cursor = request.query("cursor").flatMap { $0.count <= 32 && $0.allSatisfy(\.isNumber) ? $0 : nil }
            let page = try await env.store.alerts(AlertQuery(page: PageRequest(limit: Self.pageSize, cursor: cursor), clearance: scope?.clearance,
                                                             orgRegion: region))
            let readable = page.items.filter { access.canRead($0) }
            let counts = try await env.store.reachCounts(alertIds: readable.map(\.id), region: region)
            let locale = env.locale(context)
            let messages = env.api.messages
            let formatter = messages.dateFormatter(locale: locale)
            var alerts: [[String: Any]] = []
            for alert in readable {
                var values = ConsoleAlertSummary.values(alert, concerns: [], locale: locale, messages: messages, formatter: formatter)
                let own = counts[alert.id] ?? ReachCounts()
                values.merge(Self.countValues(own), uniquingKeysWith: { _, new in new })
                values["none"] = own.concerned == 0
                values["regionHref"] = "/console/region/alerts/\(alert.id)"
                if let reporter = principal.orgId,
                   let relayed = RegionalReach.relayed(try await env.store.relayedReach(alertId: alert.id), reporter: reporter, region: region) {
                    var reported = Self.countValues(relayed.counts)
                    reported["updatedAt"] = formatter.string(from: relayed.updatedAt)
                    values["relayed"] = reported
                }
                alerts.append(values)
            }
            var values: [String: Any] = ["alerts": alerts, "empty": alerts.isEmpty, "region": Region.names[region] ?? region, "regionCode": region]
            if let next = page.nextCursor { values["nextHref"] = "/console/region?cursor=\(next)" }
            return try env.page(ConsoleView(template: "region", title: env.text("region.title", context, ["region": Region.names[region] ?? region]),
                                            context: values, section: "/console/region"), context: context)
        }

        func alertPage(context: TocsinRequestContext) async throws -> Response {
            let (principal, region) = try await region(context)
            let id = try context.parameters.require("id")
            // An alert the agency may not read reads exactly like one that does not exist.
            guard id.count <= 64, let alert = try await env.store.alert(id: id), try await env.access(context).canRead(alert) else {
                throw Problem.notFound("alert not found")
            }
            let locale = env.locale(context)
            let messages = env.api.messages
            let formatter = messages.dateFormatter(locale: locale)
            let rows = RegionalReach.rows(try await env.store.reach(alertId: alert.id, region: region), region: region)
            var values = ConsoleAlertSummary.values(alert, concerns: [], locale: locale, messages: messages)
            values.merge(Self.countValues(RegionalReach.counts(rows)), uniquingKeysWith: { _, new in new })
            values["establishments"] = rows.map { row -> [String: Any] in
                let step = row.step
                var values: [String: Any] = [
                    "name": row.orgName, "step": env.text("region.step.\(step.rawValue)", context), "stepClass": "step-\(step.rawValue)",
                    "deliveredAt": row.delivered.map { formatter.string(from: $0.at) } ?? "",
                    "acknowledgedAt": row.acknowledged.map { formatter.string(from: $0.at) } ?? "",
                ]
                if step == .concerned, let uninformed = UninformedOrganisation(row) { values["why"] = env.text("reach.reason.\(uninformed.reason.rawValue)", context) }
                return values
            }
            values["none"] = rows.isEmpty
            values["boardHref"] = "/console/region"
            values["regionName"] = Region.names[region] ?? region
            if let reporter = principal.orgId,
               let relayed = RegionalReach.relayed(try await env.store.relayedReach(alertId: alert.id), reporter: reporter, region: region) {
                var reported = Self.countValues(relayed.counts)
                reported["updatedAt"] = formatter.string(from: relayed.updatedAt)
                reported["establishments"] = relayed.establishments.map {
                    ["name": $0.name, "step": env.text("region.step.\(Self.knownStep($0.step))", context)]
                }
                values["relayed"] = reported
            }
            return try env.page(ConsoleView(template: "region-alert",
                                            title: env.text("region.alertTitle", context, ["title": values["title"] as? String ?? ""]),
                                            context: values, section: "/console/region"), context: context)
        }

        /// A step a downstream broker reported, read as one of ours (anything else as `concerned`).
        static func knownStep(_ step: String) -> String {
            ReachStep(rawValue: step)?.rawValue ?? ReachStep.concerned.rawValue
        }

        func unreachable(context: TocsinRequestContext) async throws -> Response {
            let (_, region) = try await region(context)
            let reasons = Dictionary(uniqueKeysWithValues: try await env.store.organisationChannels(region: region).compactMap { channels in
                channels.unreachableReasons.map { (channels.orgId, $0) }
            })
            // Only the region's establishments are read, and only the unreachable ones are named.
            let unreachable = try await env.store.organisations(region: region).compactMap { org -> (org: Organisation, why: [String], key: String)? in
                guard !org.national, let why = reasons[org.id] else { return nil }
                return (org, why, RegionalReach.nameKey(org.name))
            }.sorted { $0.key < $1.key }
            let items = unreachable.map { entry -> [String: Any] in
                ["name": entry.org.name, "finess": entry.org.finess ?? "", "kind": entry.org.kind.rawValue, "reasons": entry.why.map { ["text": $0] }]
            }
            let name = Region.names[region] ?? region
            return try env.page(ConsoleView(template: "region-unreachable", title: env.text("region.unreachableTitle", context, ["region": name]),
                                            context: ["orgs": items, "empty": items.isEmpty, "count": items.count],
                                            section: "/console/region/unreachable"), context: context)
        }

        func upstreams(context: TocsinRequestContext) async throws -> Response {
            let principal = try context.requirePrincipal()
            guard [.admin, .publisher, .relay].contains(principal.role) else { throw Problem.forbidden("only admins, publishers and relays see the upstreams") }
            let formatter = env.api.messages.dateFormatter(locale: env.locale(context))
            let items = (env.api.relay?.health() ?? []).map { health -> [String: Any] in
                [
                    "name": health.name, "state": env.text("region.state.\(health.state.rawValue)", context), "stateClass": "state-\(health.state.rawValue)",
                    "lastEventId": health.lastEventId.map(String.init) ?? "—",
                    "lastEventAt": health.lastEventAt.map { formatter.string(from: $0) } ?? "—",
                    "lag": health.lagSeconds.map { String(format: "%.1f s", $0) } ?? "—",
                    "relayed": health.relayed, "errors": health.errors, "lastError": health.lastError ?? "",
                ]
            }
            return try env.page(ConsoleView(template: "region-upstreams", title: env.text("region.upstreamsTitle", context),
                                            context: ["upstreams": items, "empty": items.isEmpty], section: "/console/region/upstreams"),
                                context: context)
        }
    }
}
