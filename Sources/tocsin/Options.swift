import ArgumentParser
import Foundation
import Logging
import TocsinCore
import TocsinDelivery
import TocsinPipeline
import TocsinServer
import TocsinStore

/// Options every command that touches the store takes.
struct StoreOptions: ParsableArguments {
    @Option(help: "YAML configuration file (settings can also come from TOCSIN_* environment variables).")
    var config: String?

    @Option(name: .customLong("data-dir"), help: "Directory holding the SQLite database (default ./var).")
    var dataDir: String?

    func loadConfiguration() throws -> TocsinConfiguration {
        var configuration = try TocsinConfiguration.load(file: config)
        if let dataDir { configuration.dataDir = dataDir }
        return configuration
    }

    func openStore() throws -> (TocsinConfiguration, SQLiteStore) {
        let configuration = try loadConfiguration()
        return (configuration, try SQLiteStore(path: configuration.databasePath, channels: ChannelRegistry.catalog,
                                               logger: Logger(label: "tocsin.store")))
    }

    /// The pipeline's routing step over `store`, with the configured digest schedule and the words of the templates
    /// folder.
    func routing(_ configuration: TocsinConfiguration, _ store: any Store) throws -> AlertRouter {
        AlertRouter(store: store, messages: try configuration.loadMessages(), digests: configuration.digests, escalation: configuration.escalation)
    }
}

/// Prints a value as pretty JSON on standard output.
func printJSON<T: Encodable>(_ value: T) throws {
    print(String(decoding: try TocsinJSON.encoder(pretty: true).encode(value), as: UTF8.self))
}

/// A command-line error with a message for the operator; exits with status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Role: ExpressibleByArgument {}
extension Channel: ExpressibleByArgument {
    /// A channel the registry declares; another name is refused with the list of those there are.
    public init?(argument: String) {
        guard ChannelRegistry.kind(for: Channel(argument)) != nil else { return nil }
        self.init(argument)
    }

    public static var allValueStrings: [String] { ChannelRegistry.channels.map(\.rawValue) }
}
extension DigestMode: ExpressibleByArgument {}
extension Severity: ExpressibleByArgument {}
extension DeliveryState: ExpressibleByArgument {}
extension Organisation.Kind: ExpressibleByArgument {}
extension TLP: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

/// Sends the log to standard error at `level` and above: the commands that print their own report (benchmarks,
/// imports) keep the broker's log for what goes wrong.
func bootstrapStandardErrorLogging(level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
