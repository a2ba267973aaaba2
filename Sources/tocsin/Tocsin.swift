import ArgumentParser
import Foundation

/// The `tocsin` command line: serve the broker, manage organisations, tokens and subscriptions, publish, benchmark.
@main
struct Tocsin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tocsin",
        abstract: "Tocsin, a cyber-alert dissemination broker.",
        version: "0.1.0",
        subcommands: [Serve.self, Migrate.self, Backup.self, Restore.self, TokenCommand.self, OrgCommand.self, SubscriptionCommand.self,
                      Publish.self, Import.self, Export.self, Enrich.self, CVSSCommand.self, Deliveries.self, ReachCommand.self, EscalationCommand.self, AuditCommand.self,
                      IncidentCommand.self,
                      Tail.self, UpstreamCommand.self, Annotate.self, Bench.self]
    )
}

