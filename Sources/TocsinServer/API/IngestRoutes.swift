import Foundation
import Hummingbird
import TocsinCore
import TocsinPipeline
import TocsinIngest
import TocsinStore

/// `POST /api/v1/ingest/{format}`: a source document as it is (CSAF, STIX, MISP, CAP, a feed, CERT-FR, CVE 5,
/// KEV, native JSON), read by its adapter, enriched, and stored as new alerts or revisions of known ones; or a CAP
/// `Ack` message, by which an organisation acknowledges the alerts it references.
struct IngestRoutes {
    let env: APIEnvironment

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.post("ingest/:format", use: ingest)
    }

    @Sendable func ingest(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let name = try context.parameters.require("format")
        // A subscriber sends only CAP `Ack` messages, acknowledging alerts for its organisation; every other role
        // may send any document (an admin's or a publisher's `Ack` is refused: they act for no organisation).
        let acknowledgesOnly = principal.role == .subscriber
        if acknowledgesOnly, name != "auto", name != IngestFormat.cap.rawValue { throw Self.subscriberRefusal }
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
        if format == .cap || (format == nil && CAPAdapter.recognises(data)) {
            let ack: CAPAcknowledgement?
            do {
                ack = try CAPAdapter.acknowledgement(data)
            } catch {
                throw Self.problem(error)
            }
            if let ack { return try await acknowledge(ack, principal: principal, context: context) }
        }
        if acknowledgesOnly { throw Self.subscriberRefusal }
        let report: IngestReport
        do {
            let publisher = IngestPublisher(tokenId: principal.tokenId, access: try await env.access(of: principal))
            report = try await env.ingest.ingest(data, format: format, options: options, publisher: publisher)
        } catch let error as IngestError {
            throw Self.problem(error)
        }
        if report.items.contains(where: { [.published, .revised, .cancelled, .flagged].contains($0.action) }) { env.published() }
        return try JSONResponse.make(report)
    }
}

extension IngestRoutes {
    static let subscriberRefusal = Problem.forbidden("a subscriber token may only send CAP Ack messages, to acknowledge alerts for its organisation")

    /// The 422 for a document its adapter cannot read.
    static func problem(_ error: IngestError) -> Problem {
        Problem(status: .unprocessableContent, slug: "invalid-document", title: "The document cannot be read",
                detail: error.description, field: error.path.isEmpty ? nil : error.path)
    }

    /// A CAP `Ack`: the token's organisation acknowledges every alert the references name. Each must be an alert the
    /// organisation may read, else nothing is recorded and the 404 names the references no readable alert answers
    /// to. One reference answers one acknowledgement; several answer a list, in the references' order.
    func acknowledge(_ ack: CAPAcknowledgement, principal: Principal, context: TocsinRequestContext) async throws -> Response {
        let orgId = try env.acknowledgingOrgId(principal)
        let note = try APIEnvironment.acknowledgementNote(ack.note, field: "/alert/note")
        let access = try await env.access(of: principal)
        guard ack.references.count <= 100 else {
            throw Problem.validation("an Ack may reference at most 100 messages", field: "/alert/references")
        }
        var alerts: [Alert] = []
        var unknown: [String] = []
        for reference in ack.references {
            if let alert = try await env.ingest.alert(acknowledgedBy: reference, access: access) {
                if !alerts.contains(where: { $0.id == alert.id }) { alerts.append(alert) }
            } else {
                unknown.append(reference.description)
            }
        }
        guard unknown.isEmpty else {
            var problem = Problem.notFound("no alert this token may read answers to the references \(unknown.map { String($0.prefix(200)) }.joined(separator: " "))")
            problem.field = "/alert/references"
            throw problem
        }
        var answers: [AcknowledgementAnswer] = []
        for alert in alerts {
            answers.append(try await env.acknowledge(alert, by: principal, orgId: orgId, channel: "cap", note: note, logger: context.logger))
        }
        return answers.count == 1 ? try JSONResponse.make(answers[0]) : try JSONResponse.make(answers)
    }

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
