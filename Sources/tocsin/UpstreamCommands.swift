import ArgumentParser
import Foundation
import TocsinCore
import TocsinServer
import TocsinStore

/// `tocsin upstream add|list|remove`: the upstream brokers this one follows, beside those of the `upstreams:`
/// section of the configuration file. A running broker reads them at its start.
struct UpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upstream", abstract: "Manage the upstream brokers this broker follows.",
                                                    subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Follow an upstream broker with the relay token it issued (read at the next start).")

        @OptionGroup var options: StoreOptions
        @Option(help: "A name for the upstream, e.g. national.") var name: String
        @Option(help: "The upstream broker's base URL, e.g. https://tocsin.cert.example.") var url: String
        @Option(help: "The relay token the upstream issued for this broker's organisation (or set TOCSIN_UPSTREAM_TOKEN).") var token: String?

        func run() async throws {
            guard let token = token ?? ProcessInfo.processInfo.environment["TOCSIN_UPSTREAM_TOKEN"] else {
                throw CLIError("a relay token is required: --token or TOCSIN_UPSTREAM_TOKEN")
            }
            let (configuration, store) = try options.openStore()
            let upstream = try UpstreamConfiguration(name: name, url: url, token: token).validated()
            guard !configuration.upstreams.contains(where: { $0.name == upstream.name }) else {
                throw CLIError("the configuration file already names an upstream '\(upstream.name)'")
            }
            do {
                try await store.addUpstream(UpstreamRecord(name: upstream.name, url: upstream.url, token: upstream.token))
            } catch StoreError.conflict(let message) {
                throw CLIError(message)
            }
            await store.auditCLI("upstream.add", target: upstream.name)
            print("upstream \(upstream.name) added (\(upstream.url)); restart the broker to follow it")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the upstreams (never their tokens) and their checkpoints, as JSON.")

        @OptionGroup var options: StoreOptions

        /// One upstream as listed.
        struct Item: Encodable {
            var name: String
            var url: String
            var from: String
            var lastEventId: Int64?
        }

        /// The listing: this broker's id and its upstreams.
        struct Listing: Encodable {
            var brokerId: String
            var brokerName: String
            var upstreams: [Item]
        }

        func run() async throws {
            let (configuration, store) = try options.openStore()
            var items: [Item] = []
            for upstream in configuration.upstreams {
                items.append(Item(name: upstream.name, url: upstream.url, from: "configuration", lastEventId: try await store.relayCheckpoint(upstream: upstream.name)))
            }
            for record in try await store.upstreams() where !items.contains(where: { $0.name == record.name }) {
                items.append(Item(name: record.name, url: record.url, from: "store", lastEventId: try await store.relayCheckpoint(upstream: record.name)))
            }
            try printJSON(Listing(brokerId: try await store.brokerId(), brokerName: configuration.brokerName, upstreams: items))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop following an upstream added with `upstream add`, and forget its checkpoint.")

        @OptionGroup var options: StoreOptions
        @Option(help: "The upstream's name.") var name: String

        func run() async throws {
            let (_, store) = try options.openStore()
            guard try await store.removeUpstream(name: name) else { throw CLIError("no upstream named '\(name)' was added") }
            await store.auditCLI("upstream.remove", target: name)
            print("upstream \(name) removed")
        }
    }
}

/// `tocsin annotate`: this broker's note on an alert (a relayed one, typically), delivered with it and shown apart
/// from the origin's text, which it never changes.
struct Annotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add or replace this broker's note on an alert, shown apart from the origin's text.")

    @OptionGroup var options: StoreOptions
    @Argument(help: "The alert id.") var alertId: String
    @Option(help: "The note, e.g. \"Note de l'ARS Normandie : contactez …\".") var text: String

    func run() async throws {
        let (_, store) = try options.openStore()
        let text = self.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2_000 else { throw CLIError("--text must be 1 to 2000 characters") }
        try TextRules.check(text, field: "text", longText: true)
        let now = Date()
        let created = try await store.annotation(alertId: alertId)?.createdAt ?? now
        do {
            try await store.setAnnotation(AlertAnnotation(alertId: alertId, text: text, author: nil, createdAt: created, updatedAt: now))
        } catch StoreError.notFound {
            throw CLIError("alert \(alertId) not found")
        }
        await store.auditCLI("alert.annotate", target: alertId)
        print("annotation saved on alert \(alertId)")
    }
}
