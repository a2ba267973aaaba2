import Foundation
import TocsinCore
import TocsinEnrich
import TocsinIngest
import TocsinDelivery
import TocsinNet
import Yams

/// Every setting of a Tocsin broker, with its default.
///
/// Settings come from, in increasing priority: the defaults below, the YAML file (`--config tocsin.yaml`), the
/// environment (`TOCSIN_` + the setting's path in upper snake case: `smtp.url` → `TOCSIN_SMTP_URL`), and the
/// command-line flags. Unknown keys in the file are an error, so a typo never silently falls back to a default.
public struct TocsinConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDir = "./var"
    public var publicUrl = "http://127.0.0.1:8080"
    public var logLevel = "info"
    /// `text` (key=value metadata) or `json` (one JSON object a line).
    public var logFormat = "text"
    public var apiMaxBodyBytes = 1 << 20
    /// The largest document `POST /api/v1/ingest/{format}` accepts (the KEV catalog is about 1.5 MB).
    public var ingestMaxDocumentBytes = 32 << 20
    /// The sources polled (the `sources:` list of the configuration file).
    public var sources: [SourceConfiguration] = []
    public var pollingAllowPrivateTargets = false
    public var pollingAllowedNetworks: [String] = []
    /// The shortest `interval` a source may have.
    public var pollingMinimumInterval: TimeInterval = 60
    /// New sources start within this many seconds of each other rather than all at once.
    public var pollingStartSpread: TimeInterval = 30
    /// The Public Suffix List that validates domain names found in alert text.
    public var enrichPublicSuffixList = Enricher.defaultPublicSuffixList
    /// MISP warninglists (a file or a folder) that filter indicators found in alert text; by default the lists of
    /// the installed PyPI package `pymispwarninglists` (`IOCWarninglistDefaults.packageData()`); `none` for none.
    public var enrichWarninglists: String?
    /// Which lists of that folder are loaded: empty for the default selection (`IOCWarninglistDefaults.names`)
    /// of the package's lists and every list of a folder the operator names; names replace it, `+name` and
    /// `-name` add to and remove from it, `all` takes every list.
    public var enrichWarninglistNames: [String] = []
    /// Whether the prose of vulnerability advisories (CSAF, CVE, KEV, CERT-FR avis) gives indicators too.
    public var enrichAdvisoryIndicators = false
    /// The Mustache templates folder; found next to the working directory or the binary when unset.
    public var templatesDir: String?
    /// Each channel's own section (`webhooks:`, `smtp:`), read by the channel's settings type
    /// (`channels[WebhookSettings.self].timeout`).
    public var channels = ChannelSettingsSet()
    public var deliveryConcurrency = 256
    public var deliveryLease: TimeInterval = 60
    public var deliveryPollInterval: TimeInterval = 1
    public var deliveryRetrySchedule: [TimeInterval] = RetryPolicy.standardSchedule
    public var deliveryRetryJitter = 0.2
    /// Multiplies every retry delay: 1 in production; a drill or a test runs three days of retries in minutes.
    public var deliveryRetryTimeScale = 1.0
    /// Seconds between keep-alive comments on an idle live stream.
    public var streamHeartbeat: TimeInterval = 15
    /// When hourly and daily email digests leave.
    public var digests = DigestSchedule()
    /// Whether escalation runs, and the default policy (`escalation.defaultPolicy`, the policy JSON the API takes).
    public var escalation = EscalationDefaults()
    /// How long the escalation worker holds a claimed step; past it, another worker (or this one after a restart)
    /// takes it again.
    public var escalationLease: TimeInterval = 60
    /// Longest sleep of the escalation worker between two looks at the due steps.
    public var escalationPollInterval: TimeInterval = 1
    /// The name other brokers and people see for this broker (its id is made at first start and kept in the store).
    public var brokerName = "Tocsin"
    /// The upstream brokers this one follows (the `upstreams:` list of the configuration file).
    public var upstreams: [UpstreamConfiguration] = []
    /// The longest path a relayed alert may have once this broker is added to it.
    public var relayHopLimit = RelayPolicy.defaultHopLimit
    /// The regions this broker serves; empty for a national broker. A regional broker re-delivers national alerts and
    /// those of its regions, never another region's.
    public var relayRegions: [String] = []
    /// Whether the reach reported upstream names the establishments (counts only by default).
    public var relayShareNames = false
    /// How often the reach of relayed alerts is reported upstream.
    public var relayReachInterval: TimeInterval = 30
    /// How long the upstream's stream may be out of reach before the broker catches up through its alert log rather
    /// than replaying the stream.
    public var relayCatchUpAfter: TimeInterval = 600

    public init() {}

    /// The relay rules of this broker.
    public func relayPolicy(brokerId: String) -> RelayPolicy {
        RelayPolicy(brokerId: brokerId, hopLimit: relayHopLimit, regions: Set(relayRegions))
    }

    /// The SQLite database file inside the data directory.
    public var databasePath: String { (dataDir as NSString).appendingPathComponent("tocsin.sqlite") }

    public var retryPolicy: RetryPolicy {
        RetryPolicy(schedule: deliveryRetrySchedule.map { $0 * deliveryRetryTimeScale }, jitter: deliveryRetryJitter)
    }

    /// The longest one attempt may take, over the channels that bound their attempts (`webhooks.timeout`).
    public var attemptTimeout: TimeInterval {
        ChannelRegistry.attemptTimeouts(channels).map(\.seconds).max() ?? OutboxConfiguration().attemptTimeout
    }
}

extension TocsinConfiguration {
    typealias Setter = @Sendable (inout TocsinConfiguration, String) throws(ConfigurationError) -> Void

    /// Every key, in the file's dotted form, with how to apply its text value: the broker's own, then each channel's
    /// section, which the channel's settings type reads.
    static let settings: [(key: String, apply: Setter)] = brokerSettings + ChannelRegistry.settings.map { setting in
        (setting.key, { c, v throws(ConfigurationError) in try setting.apply(&c.channels, v, setting.key) })
    }

    private static let brokerSettings: [(key: String, apply: Setter)] = [
        ("host", { c, v in c.host = v }),
        ("port", { c, v throws(ConfigurationError) in c.port = try SettingText.int(v, "port", 0...65_535) }),
        ("dataDir", { c, v in c.dataDir = v }),
        ("publicUrl", { c, v in c.publicUrl = v }),
        ("log.level", { c, v throws(ConfigurationError) in
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(v) else {
                throw ConfigurationError(key: "log.level", message: "must be trace, debug, info, notice, warning, error or critical")
            }
            c.logLevel = v
        }),
        ("log.format", { c, v throws(ConfigurationError) in
            guard ["text", "json"].contains(v) else { throw ConfigurationError(key: "log.format", message: "must be text or json") }
            c.logFormat = v
        }),
        ("api.maxBodyBytes", { c, v throws(ConfigurationError) in c.apiMaxBodyBytes = try SettingText.int(v, "api.maxBodyBytes", 1_024...(64 << 20)) }),
        ("enrich.publicSuffixList", { c, v in c.enrichPublicSuffixList = v }),
        ("polling.allowPrivateTargets", { c, v throws(ConfigurationError) in c.pollingAllowPrivateTargets = try SettingText.bool(v, "polling.allowPrivateTargets") }),
        ("polling.allowedNetworks", { c, v in c.pollingAllowedNetworks = SettingText.list(v) }),
        ("polling.minimumInterval", { c, v throws(ConfigurationError) in c.pollingMinimumInterval = try SettingText.duration(v, "polling.minimumInterval") }),
        ("polling.startSpread", { c, v throws(ConfigurationError) in c.pollingStartSpread = try SettingText.duration(v, "polling.startSpread") }),
        ("enrich.warninglists", { c, v in c.enrichWarninglists = v }),
        ("enrich.warninglistNames", { c, v in c.enrichWarninglistNames = SettingText.list(v) }),
        ("enrich.advisoryIndicators", { c, v throws(ConfigurationError) in
            c.enrichAdvisoryIndicators = try SettingText.bool(v, "enrich.advisoryIndicators")
        }),
        ("ingest.maxDocumentBytes", { c, v throws(ConfigurationError) in
            c.ingestMaxDocumentBytes = try SettingText.int(v, "ingest.maxDocumentBytes", 1_024...(32 << 20))
        }),
        ("templates.dir", { c, v in c.templatesDir = v }),
        ("delivery.concurrency", { c, v throws(ConfigurationError) in c.deliveryConcurrency = try SettingText.int(v, "delivery.concurrency", 1...1_024) }),
        ("delivery.lease", { c, v throws(ConfigurationError) in c.deliveryLease = try SettingText.duration(v, "delivery.lease") }),
        ("delivery.pollInterval", { c, v throws(ConfigurationError) in c.deliveryPollInterval = try SettingText.duration(v, "delivery.pollInterval") }),
        ("delivery.retrySchedule", { c, v throws(ConfigurationError) in
            do throws(ValidationError) { c.deliveryRetrySchedule = try RetryPolicy.parseSchedule(v) } catch {
                throw ConfigurationError(key: "delivery.retrySchedule", message: error.message)
            }
        }),
        ("stream.heartbeat", { c, v throws(ConfigurationError) in c.streamHeartbeat = try SettingText.duration(v, "stream.heartbeat") }),
        ("digests.hourly", { c, v throws(ConfigurationError) in c.digests.hourly = max(try SettingText.duration(v, "digests.hourly"), 1) }),
        ("digests.daily", { c, v throws(ConfigurationError) in c.digests.daily = max(try SettingText.duration(v, "digests.daily"), 1) }),
        ("digests.dailyAt", { c, v throws(ConfigurationError) in
            guard let minutes = DigestSchedule.minutes(fromClock: v) else {
                throw ConfigurationError(key: "digests.dailyAt", message: "must be a time of day like 07:00")
            }
            c.digests.dailyAtMinutes = minutes
        }),
        ("digests.timeZone", { c, v throws(ConfigurationError) in
            guard let zone = TimeZone(identifier: v) else {
                throw ConfigurationError(key: "digests.timeZone", message: "must be a time zone name like Europe/Paris")
            }
            c.digests.timeZone = zone
        }),
        ("escalation.enabled", { c, v throws(ConfigurationError) in c.escalation.enabled = try SettingText.bool(v, "escalation.enabled") }),
        ("escalation.defaultPolicy", { c, v throws(ConfigurationError) in
            let text = v.trimmingCharacters(in: .whitespacesAndNewlines)
            if ["", "none", "off"].contains(text) {
                c.escalation.defaultPolicy = nil
                return
            }
            do {
                c.escalation.defaultPolicy = try EscalationDefaults.policy(json: Data(text.utf8))
            } catch let error as ValidationError {
                throw ConfigurationError(key: "escalation.defaultPolicy", message: "\(error.field) \(error.message)")
            } catch {
                throw ConfigurationError(key: "escalation.defaultPolicy", message: "is not an escalation policy (see docs/escalation.md): \(error)")
            }
        }),
        ("escalation.lease", { c, v throws(ConfigurationError) in c.escalationLease = max(try SettingText.duration(v, "escalation.lease"), 1) }),
        ("escalation.pollInterval", { c, v throws(ConfigurationError) in
            c.escalationPollInterval = max(try SettingText.duration(v, "escalation.pollInterval"), 0.05)
        }),
        ("broker.name", { c, v throws(ConfigurationError) in
            let name = v.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 200 else { throw ConfigurationError(key: "broker.name", message: "must be 1 to 200 characters") }
            c.brokerName = name
        }),
        ("relay.hopLimit", { c, v throws(ConfigurationError) in c.relayHopLimit = try SettingText.int(v, "relay.hopLimit", 1...16) }),
        ("relay.regions", { c, v throws(ConfigurationError) in
            let regions = SettingText.list(v)
            for region in regions where !Region.isKnown(region) {
                throw ConfigurationError(key: "relay.regions", message: "'\(region.prefix(16))' is not an INSEE region code such as 28 or 11")
            }
            c.relayRegions = regions
        }),
        ("relay.shareNames", { c, v throws(ConfigurationError) in c.relayShareNames = try SettingText.bool(v, "relay.shareNames") }),
        ("relay.reachInterval", { c, v throws(ConfigurationError) in c.relayReachInterval = max(try SettingText.duration(v, "relay.reachInterval"), 0.2) }),
        ("relay.catchUpAfter", { c, v throws(ConfigurationError) in c.relayCatchUpAfter = max(try SettingText.duration(v, "relay.catchUpAfter"), 0) }),
        ("delivery.retryJitter", { c, v throws(ConfigurationError) in
            guard let value = Double(v), value >= 0, value <= 1 else {
                throw ConfigurationError(key: "delivery.retryJitter", message: "must be a number from 0 to 1")
            }
            c.deliveryRetryJitter = value
        }),
        ("delivery.retryTimeScale", { c, v throws(ConfigurationError) in
            guard let value = Double(v), value > 0, value <= 1 else {
                throw ConfigurationError(key: "delivery.retryTimeScale", message: "must be a number above 0 and at most 1 (1 in production)")
            }
            c.deliveryRetryTimeScale = value
        }),
    ]

    /// The environment variable for a dotted key: `webhooks.allowPrivateTargets` → `TOCSIN_WEBHOOKS_ALLOW_PRIVATE_TARGETS`.
    /// An acronym stays one word: `smtp.startTLS` → `TOCSIN_SMTP_START_TLS`, `smtp.caFile` → `TOCSIN_SMTP_CA_FILE`.
    public static func environmentName(for key: String) -> String {
        var name = "TOCSIN_"
        let characters = Array(key)
        for (index, character) in characters.enumerated() {
            if character == "." {
                name += "_"
                continue
            }
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && next?.isLowercase == true) { name += "_" }
            }
            name += character.uppercased()
        }
        return name
    }

    /// `TOCSIN_` variables of `environment` that name no setting: most likely a typo, which would otherwise leave
    /// a setting silently at its default.
    public static func unknownEnvironmentVariables(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        let known = Set(settings.map { environmentName(for: $0.key) })
        let notSettings: Set<String> = ["TOCSIN_FIXTURES", "TOCSIN_BINARY", "TOCSIN_CONFIG"]
        return environment.keys.filter { $0.hasPrefix("TOCSIN_") && !known.contains($0) && !notSettings.contains($0) }.sorted()
    }

    /// Loads the file (when given), then the environment, over the defaults.
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TocsinConfiguration {
        var configuration = TocsinConfiguration()
        let known = Dictionary(uniqueKeysWithValues: settings.map { ($0.key, $0.apply) })
        var root: Node?
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError(key: file, message: "cannot be read")
            }
            let node: Node?
            do { node = try Yams.compose(yaml: text) } catch {
                throw ConfigurationError(key: file, message: "is not valid YAML: \(error)")
            }
            if let node { try checkShape(of: node, file: file) }
            root = node
            let document = node?.any
            var flat: [String: String] = [:]
            var settings = document as? [String: Any] ?? [:]
            if let list = settings.removeValue(forKey: "sources") { configuration.sources = try sources(from: list, file: file, root: node) }
            if let list = settings.removeValue(forKey: "upstreams") { configuration.upstreams = try upstreams(from: list, file: file, root: node) }
            if var escalation = settings["escalation"] as? [String: Any], let policy = escalation["defaultPolicy"], !(policy is String) {
                // The default policy may be written in YAML as the JSON document it is.
                guard JSONSerialization.isValidJSONObject(policy), let json = try? JSONSerialization.data(withJSONObject: policy) else {
                    throw ConfigurationError(key: "escalation.defaultPolicy", message: "must be a policy document (see docs/escalation.md)\(location("escalation.defaultPolicy", file: file, root: node))")
                }
                escalation["defaultPolicy"] = String(decoding: json, as: UTF8.self)
                settings["escalation"] = escalation
            }
            try flatten(document is [String: Any] ? settings : document, prefix: "", into: &flat)
            for (key, value) in flat.sorted(by: { $0.key < $1.key }) {
                guard let apply = known[key] else {
                    throw ConfigurationError(key: key, message: "is not a known setting (see Deploy/tocsin.example.yaml)\(location(key, file: file, root: node))")
                }
                do { try apply(&configuration, value) } catch {
                    // A bad value is found where it is written.
                    throw ConfigurationError(key: error.key, message: error.message + location(key, file: file, root: node))
                }
            }
        }
        for (key, apply) in settings {
            let name = environmentName(for: key)
            if let value = environment[name] {
                do { try apply(&configuration, value) } catch {
                    throw ConfigurationError(key: error.key, message: error.message + " (from \(name))")
                }
            }
        }
        try configuration.validate()
        do {
            try SourceConfiguration.validate(configuration.sources, minimumInterval: configuration.pollingMinimumInterval)
        } catch let error as SourceConfigurationError {
            let index = configuration.sources.firstIndex { $0.name == error.source }
            let key = index.map { "sources[\($0)]" + (error.field.isEmpty ? "" : ".\(error.field)") } ?? "sources"
            throw ConfigurationError(key: key, message: "(source '\(error.source)') \(error.message)"
                + (file.map { location(key, file: $0, root: root) } ?? ""))
        } catch {
            throw ConfigurationError(key: "sources", message: "\(error)")
        }
        return configuration
    }

    /// The most nodes a configuration file may hold once its aliases are expanded; the example file has about 200.
    static let maximumNodes = 100_000

    /// Refuses the YAML that Yams cannot turn into values safely: it traps on a mapping key that is not a plain
    /// scalar (`[a]: b`), and expands every alias, so that a few lines of nested anchors stand for billions of
    /// values. The walk counts the nodes as the expansion would, and stops at `maximumNodes`.
    static func checkShape(of root: Node, file: String) throws(ConfigurationError) {
        var budget = maximumNodes
        var pending = [root]
        while let node = pending.popLast() {
            budget -= 1
            guard budget >= 0 else {
                throw ConfigurationError(key: file, message: "holds more than \(maximumNodes) values once its aliases are expanded")
            }
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    guard case .scalar = key else {
                        let line = key.mark.map { " (line \($0.line))" } ?? ""
                        throw ConfigurationError(key: file, message: "has a key that is not a plain name\(line)")
                    }
                    pending.append(value)
                }
            case .sequence(let sequence):
                pending.append(contentsOf: sequence)
            default:
                break
            }
        }
    }

    /// The `sources:` list: each entry as `SourceConfiguration` reads it, with `interval` and `timeout` written
    /// as durations (`15m`, `1h`) or seconds.
    static func sources(from node: Any, file: String, root: Node? = nil) throws -> [SourceConfiguration] {
        guard let list = node as? [Any] else { throw ConfigurationError(key: "sources", message: "must be a list of sources") }
        var entries: [[String: Any]] = []
        for (index, item) in list.enumerated() {
            guard var entry = item as? [String: Any] else { throw ConfigurationError(key: "sources[\(index)]", message: "must be a mapping") }
            for key in ["interval", "timeout"] {
                if let text = entry[key] as? String {
                    guard let seconds = DurationText.parse(text) else {
                        let path = "sources[\(index)].\(key)"
                        throw ConfigurationError(key: path, message: "must be a duration like 15m or 1h\(location(path, file: file, root: root))")
                    }
                    entry[key] = seconds
                }
            }
            entries.append(entry)
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: entries)
            // Strict: a misspelt key (`intervall: 1h`) stops the broker instead of leaving the default in place.
            return try StrictJSONDecoder().decode([SourceConfiguration].self, from: data)
        } catch StrictJSONError.unknownKey(let path) {
            let key = "sources\(path)"
            throw ConfigurationError(key: key, message: "is not a known key of a source (see docs/sources.md)\(location(key, file: file, root: root))")
        } catch let error as DecodingError {
            let (field, reason) = error.fieldAndReason
            let key = "sources\(field.hasPrefix("[") ? "" : ".")\(field)"
            throw ConfigurationError(key: key, message: reason + location(key, file: file, root: root))
        } catch {
            throw ConfigurationError(key: "sources", message: "\(error)")
        }
    }

    /// The `upstreams:` list: each entry a name, the upstream broker's base URL and the relay token it issued.
    static func upstreams(from node: Any, file: String, root: Node? = nil) throws -> [UpstreamConfiguration] {
        guard let list = node as? [Any] else { throw ConfigurationError(key: "upstreams", message: "must be a list of upstreams") }
        var result: [UpstreamConfiguration] = []
        for (index, item) in list.enumerated() {
            guard let entry = item as? [String: Any] else { throw ConfigurationError(key: "upstreams[\(index)]", message: "must be a mapping") }
            for key in entry.keys where !["name", "url", "token"].contains(key) {
                let path = "upstreams[\(index)].\(key)"
                throw ConfigurationError(key: path, message: "is not a known key of an upstream (name, url, token; see docs/relay.md)\(location(path, file: file, root: root))")
            }
            guard let name = entry["name"].map({ "\($0)" }), let url = entry["url"] as? String, let token = entry["token"].map({ "\($0)" }) else {
                throw ConfigurationError(key: "upstreams[\(index)]", message: "needs name, url and token\(location("upstreams[\(index)]", file: file, root: root))")
            }
            let upstream = try UpstreamConfiguration(name: name, url: url, token: token).validated()
            guard !result.contains(where: { $0.name == upstream.name }) else {
                throw ConfigurationError(key: "upstreams[\(index)].name", message: "'\(upstream.name)' is used twice")
            }
            result.append(upstream)
        }
        return result
    }

    /// `, in FILE line N` for a dotted key path (`smtp.urll`, `sources[0].intervall`) found in the parsed file.
    static func location(_ key: String, file: String, root: Node?) -> String {
        guard var node = root else { return ", in \(file)" }
        var steps: [Substring] = []
        for part in key.split(separator: ".") {
            var rest = part
            while let open = rest.firstIndex(of: "[") {
                if open > rest.startIndex { steps.append(rest[..<open]) }
                guard let close = rest[open...].firstIndex(of: "]") else { break }
                steps.append(rest[open...close])
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { steps.append(rest) }
        }
        var line: Int?
        for step in steps {
            if step.hasPrefix("["), let index = Int(step.dropFirst().dropLast()), case .sequence(let list) = node, index < list.count {
                node = list[index]
                line = node.mark?.line ?? line
            } else if case .mapping(let mapping) = node, let pair = mapping.first(where: { $0.key.string == String(step) }) {
                line = pair.key.mark?.line ?? line
                node = pair.value
            } else {
                break
            }
        }
        return ", in \(file)" + (line.map { " line \($0)" } ?? "")
    }

    /// The guard for every URL the pollers fetch: sources and the documents their listings name.
    public func pollingGuard() throws(ConfigurationError) -> TargetGuard {
        TargetGuard(allowPrivateTargets: pollingAllowPrivateTargets,
                    allowedNetworks: try SettingText.networks(pollingAllowedNetworks, "polling.allowedNetworks"),
                    subject: "source URL", setting: "polling.allowedNetworks")
    }

    /// Checks the settings that depend on each other.
    public func validate() throws(ConfigurationError) {
        for limit in ChannelRegistry.attemptTimeouts(channels) where deliveryLease < 2 * limit.seconds {
            throw ConfigurationError(key: "delivery.lease", message: "must be at least twice \(limit.key), so that a claimed delivery is sent before its lease runs out")
        }
        try ChannelRegistry.validate(channels)
    }

    static func flatten(_ node: Any?, prefix: String, into flat: inout [String: String]) throws {
        // A section whose keys are all commented out reads as an empty value: nothing to set.
        if let node, node is NSNull || (Mirror(reflecting: node).displayStyle == .optional && Mirror(reflecting: node).children.isEmpty) { return }
        switch node {
        case nil: return
        case let dictionary as [String: Any]:
            for (key, value) in dictionary { try flatten(value, prefix: prefix.isEmpty ? key : "\(prefix).\(key)", into: &flat) }
        case let dictionary as [AnyHashable: Any]:
            for (key, value) in dictionary { try flatten(value, prefix: prefix.isEmpty ? "\(key)" : "\(prefix).\(key)", into: &flat) }
        case let list as [Any]:
            flat[prefix] = list.map { "\($0)" }.joined(separator: ",")
        default:
            flat[prefix] = "\(node!)"
        }
    }
}

extension TocsinConfiguration {
    /// The enrichment step as configured. Without a readable Public Suffix List, indicators are not extracted from
    /// text (the rest of enrichment runs) and `warning` says why. Without `enrich.warninglists`, the lists of the
    /// installed `pymispwarninglists` package are loaded (the default selection, or `enrich.warninglistNames`);
    /// when the package is absent the broker runs without lists and `warning` says so. Lists the operator names
    /// but that cannot be read are an error. `notice` says what was loaded and what it cost.
    public func makeEnricher(warning: (String) -> Void, notice: (String) -> Void = { _ in }) throws(ConfigurationError) -> Enricher {
        guard FileManager.default.isReadableFile(atPath: enrichPublicSuffixList) else {
            warning("no Public Suffix List at \(enrichPublicSuffixList) (Debian package publicsuffix): indicators are not extracted from alert text")
            return Enricher(advisoryIndicators: enrichAdvisoryIndicators)
        }
        let selection = IOCWarninglistDefaults.selection(enrichWarninglistNames)
        var path = enrichWarninglists
        var only = enrichWarninglistNames.isEmpty ? nil : selection
        if path == nil {
            if let found = IOCWarninglistDefaults.packageData() {
                path = found
                only = selection
            } else {
                warning("no MISP warninglists: the Python package pymispwarninglists is not installed (make run and make test install it) and enrich.warninglists is not set; indicators found in alert text are not checked against warninglists")
            }
        } else if path == "none" {
            path = nil
        }
        let suffixes: IOCPublicSuffixList
        do {
            suffixes = try IOCPublicSuffixList(contentsOfFile: enrichPublicSuffixList)
        } catch {
            throw ConfigurationError(key: "enrich.publicSuffixList", message: "\(error)")
        }
        var lists = IOCWarninglists.empty
        if let path {
            let clock = ContinuousClock()
            let started = clock.now
            do {
                lists = try IOCWarninglists(contentsOf: path, only: only)
            } catch {
                throw ConfigurationError(key: enrichWarninglists != nil ? "enrich.warninglists" : "enrich.warninglistNames", message: "\(error)")
            }
            let elapsed = clock.now - started
            let milliseconds = Int(Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15)
            let entries = lists.lists.reduce(0) { $0 + $1.entryCount }
            notice("loaded \(lists.lists.count) MISP warninglists (\(entries) entries) from \(path) in \(milliseconds) ms")
            if let only {
                let missing = only.filter { name in
                    !FileManager.default.fileExists(atPath: "\(path)/\(name)/list.json") && !FileManager.default.fileExists(atPath: "\(path)/\(name).json")
                }
                if !missing.isEmpty { warning("MISP warninglists not found in \(path): \(missing.sorted().joined(separator: ", "))") }
            }
        }
        return Enricher(indicators: IOCExtractor(publicSuffixes: suffixes, warninglists: lists), advisoryIndicators: enrichAdvisoryIndicators)
    }
}
