import Foundation
import Hummingbird
import TocsinCore
import TocsinIngest

/// `/api/v1/sources`: the configured sources and their health (last success, last error, documents seen), and
/// `POST /api/v1/sources/{name}/poll` to run a round now.
struct SourceRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.get("sources", use: list)
        group.post("sources/:name/poll", use: poll)
    }

    @Sendable func list(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher], to: "see the sources")
        return try JSONResponse.make(ListBody(items: await env.polling?.health() ?? [], nextCursor: nil))
    }

    @Sendable func poll(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin], to: "poll a source")
        let name = try context.parameters.require("name")
        guard let health = await env.polling?.pollNow(name) else { throw Problem.notFound("no source named '\(name.prefix(64))'") }
        return try JSONResponse.make(health)
    }
}

/// The sources' health as Prometheus text, with the types the samples carry (counters stay counters).
enum SourceMetricsText {
    static func render(_ health: [SourceHealth]) -> String {
        var byName: [String: (help: String, type: String, lines: [String])] = [:]
        var order: [String] = []
        for sample in health.flatMap(\.metricSamples) {
            if byName[sample.name] == nil {
                byName[sample.name] = (sample.help, sample.type.rawValue, [])
                order.append(sample.name)
            }
            let labels = sample.labels.sorted { $0.key < $1.key }
                .map { "\($0.key)=\"\($0.value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"" }
                .joined(separator: ",")
            byName[sample.name]?.lines.append("\(sample.name){\(labels)} \(sample.value)")
        }
        return order.map { name in
            let entry = byName[name]!
            return "# HELP \(name) \(entry.help)\n# TYPE \(name) \(entry.type)\n" + entry.lines.joined(separator: "\n") + "\n"
        }.joined()
    }
}
