import ArgumentParser
import Foundation
import TocsinCore
import TocsinPipeline
import TocsinStore

/// `tocsin incident …`: the flash lane from the command line: declare an incident for an organisation from a JSON
/// file (the body of `POST /api/v1/incidents`), and the report of every incident's timings that a CERT puts in its
/// annual review.
struct IncidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "incident", abstract: "Declare incidents and report on the flash lane.",
                                                    subcommands: [Declare.self, Report.self])

    struct Declare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare an incident for an organisation from a JSON file (as POST /api/v1/incidents takes it) and print the receipt.")

        @OptionGroup var options: StoreOptions
        @Option(name: .customLong("org"), help: "The declaring organisation's id.") var orgId: String
        @Argument(help: "The declaration, a JSON file ('-' for standard input).") var file: String

        func run() async throws {
            let (_, store) = try options.openStore()
            guard try await store.organisation(id: orgId) != nil else { throw CLIError("organisation \(orgId) not found") }
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            let declaration = try TocsinJSON.strictDecoder().decode(IncidentDeclaration.self, from: data)
            let (incident, rejected) = try declaration.incident(orgId: orgId, attached: IncidentAttachments.read(declaration.attachments ?? []),
                                                                now: Date())
            try await store.createIncident(incident)
            await store.auditCLI("incident.declare", target: incident.id)
            try printJSON(Receipt(id: incident.id, status: incident.status, indicatorsAccepted: incident.indicators.count, rejected: rejected))
        }

        struct Receipt: Encodable {
            var id: String
            var status: Incident.Status
            var indicatorsAccepted: Int
            var rejected: [IndicatorIntake.Rejection]
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every incident since a date with the time each step of the flash lane took, and the medians: for a CERT's annual review.")

        @OptionGroup var options: StoreOptions
        @Option(help: "Only incidents declared on or after this date (RFC 3339 or YYYY-MM-DD).") var since: String?
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            let (_, store) = try options.openStore()
            let from = try since.map { text in
                guard let date = RFC3339.parseStrict(text) ?? RFC3339.parseStrict(text + "T00:00:00Z") else {
                    throw CLIError("--since must be a date such as 2026-01-01")
                }
                return date
            }
            var rows: [IncidentReport.Row] = []
            var page = PageRequest(limit: 500)
            repeat {
                let batch = try await store.incidents(orgId: nil, status: nil, page: page)
                for incident in batch.items where from.map({ incident.declaredAt >= $0 }) ?? true {
                    var reach: [OrganisationReach] = []
                    if let alertId = incident.flashAlertId { reach = try await store.reach(alertId: alertId) }
                    rows.append(IncidentReport.Row(incident: incident, timeline: IncidentTimeline.make(incident, reach: reach)))
                }
                page.cursor = batch.nextCursor
            } while page.cursor != nil
            let report = IncidentReport.make(rows.reversed(), since: from)
            if json { return try printJSON(report) }
            print(report.text)
        }
    }
}
