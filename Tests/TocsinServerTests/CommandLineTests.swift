import Foundation
import XCTest
@testable import TocsinServer
import TocsinCore
@testable import TocsinPipeline

/// The `tocsin` commands an operator types, against a real database.
final class CommandLineTests: XCTestCase {
    func testOperatorCommandsFromOrganisationToLedger() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let broker = try BrokerProcess()

        let token = try broker.cli(["token", "create", "--role", "publisher"])
        XCTAssertEqual(token.status, 0, token.stderr)
        XCTAssertTrue(token.stdout.hasPrefix("tcs_"))
        XCTAssertEqual(token.stdout.split(separator: "\n").count, 1, "the token alone on stdout")

        let org = try broker.cli(["org", "create", "--name", "CHU de Rouen", "--kind", "CHU", "--region", "28", "--clearance", "AMBER"])
        XCTAssertEqual(org.status, 0, org.stderr)
        let orgId = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(org.stdout.utf8)) as? [String: Any])?["id"] as? String)
        XCTAssertEqual(try broker.cli(["org", "create", "--name", "X", "--region", "99"]).status != 0, true)

        let sub = try broker.cli(["subscription", "create", "--org", orgId, "--channel", "webhook", "--target", receiver.url("cli"),
                                  "--min-severity", "high"])
        XCTAssertEqual(sub.status, 0, sub.stderr)
        let secret = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(sub.stdout.utf8)) as? [String: Any])?["secret"] as? String)

        let alert = try JSONSerialization.data(withJSONObject: alertJSON(tlp: "AMBER", severity: "critical"))
        let published = try broker.cli(["publish", "-"], stdin: String(decoding: alert, as: UTF8.self))
        XCTAssertEqual(published.status, 0, published.stderr)
        XCTAssertTrue(published.stderr.contains("1 deliveries queued"))
        let bad = try broker.cli(["publish", "-"], stdin: #"{"title":"x","severity":"high","tlp":"PURPLE"}"#)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("tlp"), bad.stderr)

        // A server started later on the same data directory sends what the CLI queued.
        try await broker.launch()
        try await eventually(broker.log) { receiver.received("cli").count == 1 }
        XCTAssertTrue(receiver.received("cli")[0].isSigned(with: secret))
        broker.stop()
        let ledger = try broker.cli(["deliveries"])
        XCTAssertEqual(ledger.status, 0, ledger.stderr)
        XCTAssertTrue(ledger.stdout.contains("\tdelivered\t"), ledger.stdout)
        XCTAssertTrue(ledger.stdout.contains(receiver.url("cli")), "the ledger names where it went: \(ledger.stdout)")
        let migrate = try broker.cli(["migrate"])
        XCTAssertTrue(migrate.stdout.contains("2026-11-23-spine"))
    }

    func testEscalationPoliciesAreManagedFromTheCommandLineAndTheDefaultFromTheConfiguration() throws {
        let broker = try BrokerProcess()
        let listed = try broker.cli(["escalation", "list"])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertTrue(listed.stdout.contains("PT30M deputy; PT1H oncall; PT2H regionARS"), listed.stdout)
        let file = broker.dataDir + "/policy.json"
        try #"{"name":"Nuit","match":{"minSeverity":"high"},"steps":[{"after":"PT5M","roles":["oncall"]}],"repeat":2}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let added = try broker.cli(["escalation", "add", "--file", file])
        XCTAssertEqual(added.status, 0, added.stderr)
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let json = try broker.cli(["escalation", "list", "--json"])
        let policies = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(policies.compactMap { $0["id"] as? String }, [id, "default"])
        XCTAssertEqual(policies.first?["repeat"] as? Int, 2)
        XCTAssertEqual(try broker.cli(["escalation", "add", "--file", file, "--org", "nope"]).status, 1)
        try #"{"name":"x","steps":[{"after":"PT1H","roles":["deputy"]},{"after":"PT1H","roles":["oncall"]}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try broker.cli(["escalation", "add", "--file", file])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("steps[1].after"), refused.stderr)
        XCTAssertEqual(try broker.cli(["escalation", "remove", id]).status, 0)
        XCTAssertNotEqual(try broker.cli(["escalation", "remove", id]).status, 0)
        // The default policy from the environment, checked at start; none at all with escalation off.
        let short = try BrokerProcess(environment: ["TOCSIN_ESCALATION_DEFAULT_POLICY": #"{"name":"Tests","steps":[{"after":"PT2S","roles":["deputy"]}]}"#])
        XCTAssertTrue(try short.cli(["escalation", "list"]).stdout.contains("PT2S deputy"))
        let tooLong = try BrokerProcess(environment: ["TOCSIN_ESCALATION_DEFAULT_POLICY": #"{"name":"x","steps":[{"after":"P31D","roles":["deputy"]}]}"#])
        let bad = try tooLong.cli(["migrate"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("escalation.defaultPolicy") && bad.stderr.contains("30 days"), bad.stderr)
        let off = try BrokerProcess(environment: ["TOCSIN_ESCALATION_ENABLED": "false"])
        XCTAssertFalse(try off.cli(["escalation", "list"]).stdout.contains("PT30M"))
    }

    func testConfigurationFileAndEnvironmentAreReadAndTyposRejected() async throws {
        let broker = try BrokerProcess()
        let path = broker.dataDir + "/tocsin.yaml"
        try "webhooks:\n  allowPrivateTargts: true\n".write(toFile: path, atomically: true, encoding: .utf8)
        let typo = try broker.cli(["migrate", "--config", path])
        XCTAssertNotEqual(typo.status, 0)
        XCTAssertTrue(typo.stderr.contains("webhooks.allowPrivateTargts"), typo.stderr)
        try "delivery:\n  retrySchedule: [1s, 5s]\nwebhooks:\n  allowedNetworks: [127.0.0.0/8]\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try broker.cli(["migrate", "--config", path]).status, 0)
        let shortLease = try BrokerProcess(environment: ["TOCSIN_DELIVERY_LEASE": "10s", "TOCSIN_WEBHOOKS_TIMEOUT": "15s"])
        let lease = try shortLease.cli(["migrate"])
        XCTAssertNotEqual(lease.status, 0)
        XCTAssertTrue(lease.stderr.contains("delivery.lease"), lease.stderr)
        // A section whose settings are all commented out, and the shipped example file, load.
        try "templates:\n  # dir: /usr/local/share/tocsin/Templates\nwebhooks:\n  timeout: 10s\n".write(toFile: path, atomically: true, encoding: .utf8)
        let emptySection = try broker.cli(["migrate", "--config", path])
        XCTAssertEqual(emptySection.status, 0, emptySection.stderr)
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Deploy/tocsin.example.yaml").path
        let shipped = try broker.cli(["migrate", "--config", example])
        XCTAssertEqual(shipped.status, 0, shipped.stderr)
        let badEnv = try BrokerProcess(environment: ["TOCSIN_DELIVERY_CONCURRENCY": "many"])
        let result = try badEnv.cli(["migrate"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("delivery.concurrency"), result.stderr)
    }

    /// Found by fuzzing the loader (docs/fuzzing.md): Yams traps on a mapping key that is not a plain name, and
    /// expands the aliases of a ten-line file into a billion values; both are refused with an error instead.
    func testConfigurationFileWithAComplexKeyOrAnAliasBombIsRefused() throws {
        let path = NSTemporaryDirectory() + "tocsin-config-\(UUID().uuidString).yaml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
            + (1..<9).map { level in "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]" }
        let cases = [
            ("[a]: b\n", "has a key that is not a plain name"),
            ("? {a: 1}\n: b\n", "has a key that is not a plain name"),
            (bomb.joined(separator: "\n") + "\n", "values once its aliases are expanded"),
        ]
        for (text, message) in cases {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try TocsinConfiguration.load(file: path, environment: [:]), text) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
    }

    /// The `upstreams:` list and the relay settings: read as written, a misspelt key or a bad value refused with its place.
    func testUpstreamsAndRelaySettingsAreReadAndCheckedFromTheFile() throws {
        let path = NSTemporaryDirectory() + "tocsin-config-\(UUID().uuidString).yaml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            broker:
              name: ARS Normandie
            relay:
              regions: [28]
              hopLimit: 3
              shareNames: true
            upstreams:
              - name: national
                url: https://tocsin.national.example/
                token: tcs_abc
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try TocsinConfiguration.load(file: path, environment: [:])
        XCTAssertEqual(configuration.brokerName, "ARS Normandie")
        XCTAssertEqual(configuration.upstreams, [UpstreamConfiguration(name: "national", url: "https://tocsin.national.example", token: "tcs_abc")])
        XCTAssertEqual(configuration.relayPolicy(brokerId: "b"), RelayPolicy(brokerId: "b", hopLimit: 3, regions: ["28"]))
        XCTAssertTrue(configuration.relayShareNames)
        let cases = [
            ("upstreams:\n  - name: national\n    url: https://n.example\n    tokn: x\n", "upstreams[0].tokn"),
            ("upstreams:\n  - name: national\n    url: ftp://n.example\n    token: x\n", "upstreams.url"),
            ("upstreams:\n  - {name: a, url: https://n.example, token: x}\n  - {name: a, url: https://m.example, token: y}\n", "used twice"),
            ("relay:\n  regions: [99]\n", "relay.regions"),
        ]
        for (text, message) in cases {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try TocsinConfiguration.load(file: path, environment: [:]), text) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
    }

    /// A typo anywhere in the file, sources included, stops the broker with the file, the line and the key, instead
    /// of leaving a default in place (`intervall: 1h` used to poll at the default).
    func testUnknownKeysAnywhereStopTheBrokerWithFileLineAndKey() throws {
        let path = NSTemporaryDirectory() + "tocsin-config-\(UUID().uuidString).yaml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let cases = [
            ("smtp:\n  from: a@b.test\n  urll: smtp://127.0.0.1:25\n", "smtp.urll", "line 3"),
            // A bad value is found where it is written too.
            ("port: 8080\nwebhooks:\n  timeout: fifteen\n", "webhooks.timeout", "line 3"),
            ("sources:\n  - name: kev\n    url: https://example.org/kev.json\n    format: kev\n    interval: soon\n", "sources[0].interval", "line 5"),
            ("sources:\n  - name: kev\n    url: https://example.org/kev.json\n    format: kev\n    interval: 10s\n", "sources[0].interval", "line 5"),
            // Last, for `serve` below.
            ("sources:\n  - name: kev\n    url: https://example.org/kev.json\n    format: kev\n    intervall: 1h\n", "sources[0].intervall", "line 5"),
        ]
        for (text, key, line) in cases {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try TocsinConfiguration.load(file: path, environment: [:]), text) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains(key) && message.contains(path) && message.contains(line), message)
            }
        }
        let broker = try BrokerProcess()
        let serve = try broker.cli(["serve", "--config", path, "--port", "0"])
        XCTAssertNotEqual(serve.status, 0)
        XCTAssertTrue(serve.stderr.contains("sources[0].intervall"), serve.stderr)
    }

    /// A locale folder whose messages lack a phrase French has stops the broker at start, naming the file and the
    /// key, rather than sending an email with a hole in it.
    func testALocaleLackingAPhraseStopsTheBrokerWithFileAndKey() throws {
        let templates = NSTemporaryDirectory() + "tocsin-templates-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: templates) }
        try FileManager.default.copyItem(atPath: EmailTests.templatesDirectory, toPath: templates)
        let file = templates + "/en/messages.json"
        var english = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: String])
        english["feed.title"] = nil
        try JSONSerialization.data(withJSONObject: english).write(to: URL(fileURLWithPath: file))
        let broker = try BrokerProcess(environment: ["TOCSIN_TEMPLATES_DIR": templates])
        let serve = try broker.cli(["serve", "--port", "0"])
        XCTAssertNotEqual(serve.status, 0)
        XCTAssertTrue(serve.stderr.contains(file) && serve.stderr.contains("\"feed.title\""), serve.stderr)
    }

    /// Every setting is documented, under the environment variable the code really reads.
    func testEverySettingIsDocumentedWithItsEnvironmentVariable() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/configuration.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        var documented: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let keys = cells[0].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }
            let names = cells[1].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }
            for (key, name) in zip(keys, names) { documented[key] = name }
        }
        for (key, _) in TocsinConfiguration.settings {
            XCTAssertEqual(documented[key], TocsinConfiguration.environmentName(for: key), "docs/configuration.md for \(key)")
        }
        XCTAssertEqual(TocsinConfiguration.environmentName(for: "smtp.startTLS"), "TOCSIN_SMTP_START_TLS")
        XCTAssertEqual(TocsinConfiguration.unknownEnvironmentVariables(["TOCSIN_SMTP_STARTTLS": "required", "TOCSIN_SMTP_URL": "x", "HOME": "/"]),
                       ["TOCSIN_SMTP_STARTTLS"])
    }
}

/// The rule that keeps a poorer shape of an advisory from replacing a richer one of the same date.
final class IngestStalenessTests: XCTestCase {
    func testAnOlderCopyOrTheSameVersionInAnotherShapeChangesNothing() {
        let date = RFC3339.parse("2026-02-10T10:00:00Z")!
        var stored = Alert.first(from: AlertDraft(title: "Avis", summary: "", severity: .medium, tlp: .clear, source: "certfr",
                                                  sourceRef: "CERTFR-2026-AVI-0133", sourceUpdatedAt: date))
        stored.attributes["tocsin.shape"] = "certfr/json"
        var draft = stored.draft
        draft.attributes["tocsin.shape"] = "certfr/xml"
        XCTAssertTrue(IngestPolicy.isStale(draft, than: stored), "the RSS item of the same version")
        draft.attributes["tocsin.shape"] = "certfr/json"
        XCTAssertFalse(IngestPolicy.isStale(draft, than: stored), "the same shape may correct itself")
        draft.sourceUpdatedAt = date.addingTimeInterval(86_400)
        draft.attributes["tocsin.shape"] = "certfr/xml"
        XCTAssertFalse(IngestPolicy.isStale(draft, than: stored), "a newer version in any shape is news")
        draft.sourceUpdatedAt = date.addingTimeInterval(-86_400)
        XCTAssertTrue(IngestPolicy.isStale(draft, than: stored), "a late copy")
    }
}
