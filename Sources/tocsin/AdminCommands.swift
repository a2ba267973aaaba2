import ArgumentParser
import Foundation
import TocsinCore
import TocsinDelivery
import TocsinEnrich
import TocsinPipeline
import TocsinServer
import TocsinStore

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage API tokens.",
                                                    subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it alone on standard output (shown once).")

        @OptionGroup var options: StoreOptions
        @Option(help: "admin, publisher, subscriber or relay.") var role: Role
        @Option(name: .customLong("org"), help: "Organisation id (required for subscriber and relay).") var orgId: String?
        @Option(help: "A note to recognise the token by.") var label: String?
        @Option(name: .customLong("expires-in"), help: "Refuse the token after this long: 90d, 12h, 30m.") var expiresIn: String?

        func run() async throws {
            let (_, store) = try options.openStore()
            var expiresAt: Date?
            if let expiresIn {
                guard let seconds = TokenLifetime.seconds(expiresIn) else {
                    throw CLIError("--expires-in must be a number followed by d, h or m, such as 90d")
                }
                expiresAt = Date() + seconds
            }
            let token = try TokenIssuer.makeToken(role: role, orgId: orgId, label: label, expiresAt: expiresAt)
            let secret = APIToken.makeSecret()
            try await store.createToken(token, secret: secret)
            await store.auditCLI("token.create", target: token.id)
            print(secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their values): id, role, organisation, dates.")

        @OptionGroup var options: StoreOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            let (_, store) = try options.openStore()
            var tokens: [APIToken] = []
            var cursor: String?
            repeat {
                let page = try await store.tokens(page: PageRequest(limit: 500, cursor: cursor))
                tokens += page.items
                cursor = page.nextCursor
            } while cursor != nil
            if json { return try printJSON(tokens) }
            print(["ID", "ROLE", "ORG", "LABEL", "CREATED", "LAST USED", "EXPIRES", "REVOKED"].joined(separator: "\t"))
            for token in tokens {
                print([token.id, token.role.rawValue, token.orgId ?? "-", token.label ?? "-", RFC3339.format(token.createdAt),
                       token.lastUsedAt.map(RFC3339.format) ?? "-", token.expiresAt.map(RFC3339.format) ?? "-",
                       token.revokedAt.map(RFC3339.format) ?? "-"].joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token: every request with it, and every stream it opened, is refused from now on.")

        @OptionGroup var options: StoreOptions
        @Argument(help: "The token's id, as `tocsin token list` shows it.") var id: String

        func run() async throws {
            let (_, store) = try options.openStore()
            guard let token = try await store.revokeToken(id: id, now: Date()) else { throw CLIError("no token with id \(id)") }
            await store.auditCLI("token.revoke", target: token.id)
            FileHandle.standardError.write(Data("token \(token.id) (\(token.role.rawValue)) revoked\n".utf8))
        }
    }
}

/// Token lifetimes as the command line takes them: `90d`, `12h`, `30m`.
enum TokenLifetime {
    static func seconds(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let value = Int(text.dropLast()), value > 0, value <= 3_650 * 24 * 60 else { return nil }
        switch unit {
        case "d": return TimeInterval(value) * 86_400
        case "h": return TimeInterval(value) * 3_600
        case "m": return TimeInterval(value) * 60
        default: return nil
        }
    }
}

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "org", abstract: "Manage organisations.", subcommands: [Create.self, OrgImportCommand.self, ContactCommand.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organisation and print it as JSON.")

        @OptionGroup var options: StoreOptions
        @Option(help: "Name, e.g. \"CHU de Rouen\".") var name: String
        @Option(help: "CHU, CH, clinic, EHPAD, ESMS, ARS, CERT or other.") var kind: Organisation.Kind = .other
        @Option(help: "INSEE region code, e.g. 28 for Normandie.") var region: String?
        @Flag(help: "A national body (CERT, ministry): receives the alerts of every region its filters match.") var national = false
        @Option(help: "TLP clearance: CLEAR, GREEN, AMBER, AMBER+STRICT or RED.") var clearance: TLP = .green
        @Option(help: "fr or en.") var locale: String = "fr"
        @Option(help: "FINESS number, nine digits (see docs/organisations.md).") var finess: String?

        func run() async throws {
            let (_, store) = try options.openStore()
            let org = try OrganisationInput(name: name, kind: kind, region: region, tlpClearance: clearance, locale: locale,
                                             national: national ? true : nil, finess: finess).makeOrganisation()
            try await store.createOrganisation(org)
            await store.auditCLI("organisation.create", target: org.id)
            try printJSON(org)
        }
    }
}

struct SubscriptionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "subscription", abstract: "Manage subscriptions.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a subscription and print it as JSON, with its secret (shown once).")

        @OptionGroup var options: StoreOptions
        @Option(name: .customLong("org"), help: "Organisation id.") var orgId: String
        @Option(help: ArgumentHelp(ChannelHelp.channel)) var channel: Channel
        @Option(help: ArgumentHelp(ChannelHelp.target)) var target: String?
        @Option(name: .customLong("min-severity"), help: "Only alerts at least this severe.") var minSeverity: Severity?
        @Option(name: .customLong("category"), help: "Only these categories (repeatable).") var categories: [String] = []
        @Option(name: .customLong("filter-region"), help: "Only national alerts or alerts of these regions (repeatable).") var regions: [String] = []
        @Option(name: .customLong("keyword"), help: "Only alerts mentioning one of these words (repeatable).") var keywords: [String] = []
        @Option(name: .customLong("cve"), help: "Only alerts about these CVEs (repeatable).") var cves: [String] = []
        @Option(help: ArgumentHelp(ChannelHelp.digest)) var digest: DigestMode = .immediate

        func run() async throws {
            let (configuration, store) = try options.openStore()
            guard try await store.organisation(id: orgId) != nil else { throw CLIError("organisation \(orgId) not found") }
            let kind = try SubscriptionIssuer.kind(of: channel)
            let target: String
            do {
                target = try SubscriptionIssuer.checkTarget(self.target, kind: kind, settings: configuration.channels)
            } catch {
                throw CLIError("--target: \(error)")
            }
            let created = try SubscriptionIssuer.make(orgId: orgId, kind: kind, target: target, filter: SubscriptionFilter(
                minSeverity: minSeverity, categories: categories, regions: regions, keywords: keywords, cves: cves), digest: digest)
            try await store.createSubscription(created.subscription, secret: created.secret)
            await store.auditCLI("subscription.create", target: created.subscription.id)
            try printJSON(created)
        }
    }
}

/// The help of the subscription options, from the channel registry: `webhook, email or feed.`,
/// `Webhook URL or email address.`, `Email only: …`.
enum ChannelHelp {
    static var channel: String { ChannelRegistry.sentence(ChannelRegistry.channels.map(\.rawValue)) + "." }
    static var target: String { capitalised(ChannelRegistry.sentence(ChannelRegistry.kinds.compactMap { $0.declaration.target })) + "." }
    static var digest: String {
        capitalised(ChannelRegistry.sentence(ChannelRegistry.digestChannels.map(\.rawValue))) + " only: immediate (default), hourly or daily digests."
    }

    private static func capitalised(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}

struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish an alert from a JSON file (or - for standard input) in the publish API's shape, or revise one with --revise.",
        discussion: """
            The alert and its deliveries are stored at once; a running `tocsin serve` on the same data directory sends them.             With --revise ID the file holds only the fields that change (a JSON merge patch, as POST /api/v1/alerts/{id}/revisions             takes); a revision that widens the audience (lower TLP, fewer regions, new categories) needs --confirm-widen.
            """)

    @OptionGroup var options: StoreOptions
    @Argument(help: "JSON file, or - for standard input.") var file: String = "-"
    @Option(name: .customLong("revise"), help: "Revise this alert with the fields the file names.") var reviseId: String?
    @Flag(name: .customLong("confirm-widen"), help: "Accept a revision that reaches more organisations.") var confirmWiden = false

    func run() async throws {
        let (configuration, store) = try options.openStore()
        let enricher = try configuration.makeEnricher(warning: printWarning)
        let data = try readInput(file, limit: 10 << 20)
        let result: PublishResult
        do {
            if let reviseId {
                var patch = data
                if confirmWiden, var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
                    object["confirmWiden"] = true
                    patch = try JSONSerialization.data(withJSONObject: object)
                }
                result = try await AlertPipeline(store: store, enricher: enricher, routing: try options.routing(configuration, store)).revise(alertId: reviseId, patch: patch, access: .broker, publishedBy: "cli")
            } else {
                let draft = try TocsinJSON.strictDecoder().decode(AlertDraft.self, from: data)
                result = try await AlertPipeline(store: store, enricher: enricher, routing: try options.routing(configuration, store)).publish(draft, source: "cli", publishedBy: "cli", publisherOrgId: nil)
            }
        } catch let error as StrictJSONError {
            throw CLIError("invalid alert: \(error.description)")
        } catch let error as DecodingError {
            let (field, reason) = error.fieldAndReason
            throw CLIError("invalid alert: \(field.isEmpty ? "" : field + " ")\(reason)")
        } catch let error as TocsinCore.ValidationError {
            throw CLIError("invalid alert: \(error)")
        } catch let error as AlertRevisionError {
            throw CLIError("\(error)")
        }
        await store.auditCLI(reviseId == nil ? "alert.publish" : "alert.revise", target: result.alert.id)
        try printJSON(result.alert)
        FileHandle.standardError.write(Data((result.stored ? "\(result.deliveriesQueued) deliveries queued\n"
            : "nothing changed: revision \(result.alert.revision) stays, nobody is told again\n").utf8))
    }
}

struct Deliveries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the delivery ledger: who was sent what, and how it went.")

    @OptionGroup var options: StoreOptions
    @Option(name: .customLong("alert"), help: "Only deliveries of this alert.") var alertId: String?
    @Option(name: .customLong("org"), help: "Only deliveries to this organisation.") var orgId: String?
    @Option(help: "Only deliveries in this state.") var state: DeliveryState?
    @Option(help: "Most rows to show.") var limit: Int = 100
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() async throws {
        let (_, store) = try options.openStore()
        let page = try await store.deliveries(DeliveryQuery(page: PageRequest(limit: limit), alertId: alertId, orgId: orgId, state: state))
        if json { return try printJSON(page.items) }
        print(["DELIVERY", "ALERT", "REV", "ORG", "CHANNEL", "TARGET", "STATE", "ATTEMPTS", "STATUS", "ERROR"].joined(separator: "\t"))
        for d in page.items {
            print([d.id, d.alertId, String(d.revision), d.orgName ?? d.orgId, d.channel.rawValue, d.target ?? "-", d.state.rawValue,
                   String(d.attempts), d.lastStatus.map(String.init) ?? "-", d.lastError ?? "-"].joined(separator: "\t"))
        }
    }
}
