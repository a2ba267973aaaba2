import ArgumentParser
import Foundation
import TocsinCore
import TocsinStore

/// `tocsin export --format stix ALERT`: prints an alert as a STIX 2.1 bundle, as `GET /api/v1/alerts/{id}` with
/// `Accept: application/stix+json;version=2.1` returns it to a publisher.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an alert in an exchange format (stix: a STIX 2.1 bundle).",
        discussion: """
            The bundle holds the broker's identity, a report, an indicator per indicator meant for detection, a \
            vulnerability per CVE and a software per affected product, marked with the alert's TLP 2.0 marking \
            (docs/taxii-and-misp.md). --revision prints an earlier revision.
            """)

    @OptionGroup var options: StoreOptions
    @Option(help: "The format: stix.") var format: String = "stix"
    @Option(help: "The revision to print (default: the current one).") var revision: Int?
    @Argument(help: "The alert's id.") var alert: String

    func run() async throws {
        guard format == "stix" else { throw CLIError("unknown format '\(format)'; use stix") }
        let (configuration, store) = try options.openStore()
        let found: Alert?
        if let revision { found = try await store.alert(id: alert, revision: revision) } else { found = try await store.alert(id: alert) }
        guard let found else { throw CLIError("alert \(alert) not found") }
        print(STIXWriter(producer: STIXProducer(contact: configuration.publicUrl)).bundle(found))
    }
}
