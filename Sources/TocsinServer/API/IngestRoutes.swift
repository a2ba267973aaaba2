import Foundation
import Hummingbird
import TocsinCore
import TocsinPipeline
import TocsinIngest

/// `POST /api/v1/ingest/{format}`: a source document as it is (CSAF, STIX, MISP, CAP, a feed, CERT-FR, CVE 5,
/// KEV, native JSON), read by its adapter, enriched, and stored as new alerts or revisions of known ones.
struct IngestRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.post("ingest/:format", use: ingest)
    }

    @Sendable func ingest(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try principal.require([.admin, .publisher, .relay], to: "ingest documents")
        let name = try context.parameters.require("format")
        let format: IngestFormat?
        if name == "auto" {
            format = nil
        } else if let known = IngestFormat(rawValue: name) {
            format = known
        } else {
            throw Problem.notFound("unknown format '\(name.prefix(32))'; use auto or one of \(IngestFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var options = IngestOptions(sourceName: request.query("source") ?? principal.role.sourceName)
        options.defaultTLP = try Self.tlp(request, "tlp")
        options.minimumTLP = try Self.tlp(request, "minimumTlp")
        if let text = request.query("backfill") {
            guard let flag = Bool(text) else { throw Problem.validation("backfill must be true or false", field: "backfill") }
            options.quiet = flag
        }
        if let text = request.query("severity") {
            guard let severity = Severity(rawValue: text.lowercased()) else {
                throw Problem.validation("severity must be critical, high, medium, low or info", field: "severity")
            }
            options.defaultSeverity = severity
        }
        let buffer = try await request.body.collectOrRefuse(upTo: env.configuration.ingestMaxDocumentBytes, setting: "ingest.maxDocumentBytes")
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else { throw Problem.validation("the body is empty: send the document itself") }
        let report: IngestReport
        do {
            let publisher = IngestPublisher(tokenId: principal.tokenId, access: try await env.access(of: principal))
            report = try await env.ingest.ingest(data, format: format, options: options, publisher: publisher)
        } catch let error as IngestError {
            throw Problem(status: .unprocessableContent, slug: "invalid-document", title: "The document cannot be read",
                          detail: error.description, field: error.path.isEmpty ? nil : error.path)
        }
        if report.items.contains(where: { [.published, .revised, .cancelled, .flagged].contains($0.action) }) { env.published() }
        return try JSONResponse.make(report)
    }
}

extension IngestRoutes {
    /// The TLP named by query parameter `name`, if given.
    static func tlp(_ request: Request, _ name: String) throws -> TLP? {
        guard let text = request.query(name) else { return nil }
        guard let tlp = TLP(parsing: text) else { throw Problem.validation("\(name) must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED", field: name) }
        return tlp
    }
}

extension Role {
    /// The `source` recorded on alerts a caller ingests without naming one.
    var sourceName: String? { self == .relay ? "relay" : nil }
}
