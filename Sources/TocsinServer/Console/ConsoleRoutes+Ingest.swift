import Foundation
import Hummingbird
import HTTPTypes
import TocsinCore
import TocsinIngest
import TocsinPipeline
import TocsinStore

extension ConsoleRoutes {
    /// `GET /console/ingest` and `POST /console/ingest`: a source document (CSAF, MISP, CAP, STIX, CERT-FR, a feed,
    /// CVE 5, KEV, native JSON) uploaded by a publisher or an admin. `action=review` reads it with its adapter (the
    /// format named, or recognised) and shows the alerts it gives and how many establishments each would reach,
    /// storing nothing; `action=publish` sends the same bytes (carried by the review page's form) through the
    /// ingest service exactly as `POST /api/v1/ingest/{format}` does, with the same publisher and rights.
    struct Ingest: ConsoleViewGroup {
        let env: ConsoleEnvironment

        static let menu = [ConsoleMenuItem(path: "/console/ingest", word: "ingest.menu", roles: [.admin, .publisher])]
        /// At most this many alerts of one document are shown in the review.
        static let reviewed = 50

        func register(on group: RouterGroup<TocsinRequestContext>) {
            group.get("ingest") { _, context in try await form(context: context) }
            group.post("ingest") { _, context in try await posted(context: context) }
        }

        func requireAnalyst(_ context: TocsinRequestContext) throws -> Principal {
            let principal = try context.requirePrincipal()
            try principal.require([.admin, .publisher], to: "send documents from the console")
            return principal
        }

        func form(_ values: [String: Any] = [:], status: HTTPResponse.Status = .ok, context: TocsinRequestContext) async throws -> Response {
            _ = try requireAnalyst(context)
            var values = values
            let chosen = values["format"] as? String ?? "auto"
            values["formats"] = (["auto"] + IngestFormat.allCases.map(\.rawValue)).map { name -> [String: Any] in
                ["value": name, "label": name == "auto" ? env.text("ingest.auto", context) : name, "selected": name == chosen]
            }
            return try env.page(ConsoleView(template: "ingest", title: env.text("ingest.title", context), context: values, status: status,
                                            section: "/console/ingest"), context: context)
        }

        func posted(context: TocsinRequestContext) async throws -> Response {
            let principal = try requireAnalyst(context)
            let fields = context.consoleForm ?? ConsoleForm()
            let name = fields["format"] ?? "auto"
            guard name == "auto" || IngestFormat(rawValue: name) != nil else { throw Problem.validation("unknown format", field: "format") }
            let format = IngestFormat(rawValue: name)
            let data: Data
            if let file = fields.files["document"], !file.data.isEmpty {
                data = file.data
            } else if let carried = fields["carried"], let decoded = Data(base64Encoded: carried), !decoded.isEmpty {
                data = decoded
            } else {
                return try await form(["format": name, "error": env.text("ingest.noDocument", context)], status: .unprocessableContent, context: context)
            }
            guard data.count <= env.api.configuration.ingestMaxDocumentBytes else {
                throw Problem.tooLarge(limit: env.api.configuration.ingestMaxDocumentBytes, setting: "ingest.maxDocumentBytes")
            }
            var options = IngestOptions(sourceName: nil)
            options.quiet = false
            do {
                if fields["action"] == "publish" {
                    // A CAP `Ack` acknowledges for an organisation: no publisher does from here.
                    if format == .cap || (format == nil && CAPAdapter.recognises(data)), try CAPAdapter.acknowledgement(data) != nil {
                        throw Problem.validation("a CAP Ack acknowledges for an organisation; send it with the organisation's token")
                    }
                    let publisher = IngestPublisher(tokenId: principal.tokenId, access: try await env.access(context))
                    let report = try await env.api.ingest.ingest(data, format: format, options: options, publisher: publisher)
                    if report.items.contains(where: { [.published, .revised, .cancelled, .flagged].contains($0.action) }) { env.api.published() }
                    context.logger.info("document ingested", metadata: ["format": "\(report.format.rawValue)", "channel": "console"])
                    return try await form([
                        "format": report.format.rawValue, "published": true,
                        "items": report.items.map { item -> [String: Any] in
                            ["title": item.title, "action": env.text("ingest.action.\(item.action.rawValue)", context),
                             "reachHref": item.alertId.map { "/console/alerts/\($0)/reach" } ?? ""]
                        },
                    ], context: context)
                }
                let (resolved, items) = try IngestRegistry.parse(data, format: format, options: options)
                let locale = env.locale(context)
                var reviewed: [[String: Any]] = []
                for item in items.prefix(Self.reviewed) {
                    var values: [String: Any] = ["title": item.draft.title, "action": env.text("ingest.kind.\(item.action.rawValue)", context)]
                    values["severity"] = env.api.messages.severity(item.draft.severity, locale: locale)
                    values["tlp"] = item.draft.tlp.label
                    values["regions"] = item.draft.regions.isEmpty ? env.text("ingest.national", context) : item.draft.regions.joined(separator: ", ")
                    values["cves"] = item.draft.cves.prefix(20).joined(separator: ", ")
                    values["indicators"] = item.draft.indicators.count
                    values["products"] = item.draft.affectedProducts.count
                    values["summary"] = item.draft.summary
                    if item.action == .publish, let draft = try? item.draft.validated() {
                        let alert = Alert.first(from: env.api.enricher.enrich(draft), id: "preview", source: resolved.rawValue)
                        let subscriptions = try await env.api.routing.index().route(alert)
                        values["recipients"] = Set(subscriptions.map(\.orgId)).count
                    }
                    reviewed.append(values)
                }
                return try await form([
                    "format": resolved.rawValue, "reviewing": true, "reviewed": reviewed, "count": items.count,
                    "more": items.count > reviewed.count, "carried": data.base64EncodedString(),
                ], context: context)
            } catch let error as IngestError {
                return try await form(["format": name, "error": env.text("ingest.unreadable", context, ["reason": error.description])],
                                      status: .unprocessableContent, context: context)
            } catch {
                let problem = Problem.from(error)
                guard (400..<500).contains(problem.status.code) else { throw error }
                return try await form(["format": name, "error": env.text("ingest.unreadable", context, ["reason": problem.detail ?? problem.title])],
                                      status: .unprocessableContent, context: context)
            }
        }
    }
}
