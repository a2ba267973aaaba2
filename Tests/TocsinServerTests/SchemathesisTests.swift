import Foundation
import XCTest

/// schemathesis (https://schemathesis.readthedocs.io) against a live broker, with every check: it generates requests
/// from the OpenAPI document, valid and invalid, and checks each answer against the document (status codes,
/// content types, headers, schemas), that valid requests are accepted and invalid ones refused, that other methods
/// answer 405 with `Allow`, and that nothing answers 5xx. Its settings are in `Support/schemathesis.toml`.
///
/// `make test-deps` installs it (`pip install schemathesis`). Without it the test is skipped, or fails under
/// `CI=true`. `TOCSIN_SCHEMATHESIS_SEED` replays another seed.
final class SchemathesisTests: XCTestCase {
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/schemathesis.toml")

    /// The `schemathesis` command: on the PATH, or where `pip install --user` puts it.
    static func executable() -> URL? {
        let environment = ProcessInfo.processInfo.environment
        var folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin").split(separator: ":").map(String.init)
        if let home = environment["HOME"] { folders.append(home + "/.local/bin") }
        return folders.map { URL(fileURLWithPath: $0).appendingPathComponent("schemathesis") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    func testTheLiveBrokerAnswersAsTheDocumentSays() async throws {
        guard let schemathesis = Self.executable() else {
            let message = "schemathesis is not installed: run make test-deps (or pip install schemathesis)"
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message) }
            throw XCTSkip(message)
        }
        let broker = try await BrokerProcess.start()
        let document = "http://127.0.0.1:\(broker.port)/api/v1/openapi.json"
        let seed = ProcessInfo.processInfo.environment["TOCSIN_SCHEMATHESIS_SEED"] ?? "1"

        // Something to read: an organisation with a feed subscription and alerts it may read. The feeds are read with
        // that subscription's token (a parameter added to the settings for this run), not only refused with 401.
        let org = try await broker.createOrg("CHU de démonstration", clearance: "RED")
        let feed = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "feed"])
        let feedToken = try XCTUnwrap(feed.json["feedToken"] as? String, feed.text)
        for (index, tlp) in ["CLEAR", "AMBER", "RED"].enumerated() {
            _ = try await broker.publish(alertJSON(title: "Alerte \(index + 1)", tlp: tlp, regions: index == 2 ? ["28"] : []))
        }
        let config = "\(broker.dataDir)/schemathesis.toml"
        try (String(contentsOf: Self.config, encoding: .utf8) + """

            # Added for this run: the feeds are read with the token of a feed subscription.
            [[operations]]
            include-operation-id-regex = "^get(Atom|RSS|JSON)Feed$"
            parameters = { "path.feedToken" = "\(feedToken)" }

            """).write(toFile: config, atomically: true, encoding: .utf8)

        // Everything but revoking a token: the run would find its own admin token in GET /api/v1/tokens and revoke
        // it, and every later request would only be answered 401.
        try run("every operation but revokeToken", schemathesis, config, broker, [
            document, "--seed", seed, "-H", "Authorization: Bearer \(broker.adminToken)",
            "--exclude-operation-id", "revokeToken"])
        // Revoking, with creating the tokens to revoke, under an admin token of its own that it cannot list.
        let created = try broker.cli(["token", "create", "--role", "admin", "--label", "schemathesis"])
        XCTAssertEqual(created.status, 0, created.stderr)
        let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try run("createToken and revokeToken", schemathesis, config, broker, [
            document, "--seed", seed, "-H", "Authorization: Bearer \(token)",
            "--include-operation-id", "revokeToken", "--include-operation-id", "createToken"])
        XCTAssertFalse(broker.log.contains("request failed"), "the broker logged a server fault:\n\(broker.log.suffix(4_000))")
    }

    /// Runs `schemathesis run` and fails with its report unless it found nothing.
    private func run(_ name: String, _ executable: URL, _ config: String, _ broker: BrokerProcess, _ arguments: [String],
                     file: StaticString = #filePath, line: UInt = #line) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--no-color", "--config-file", config, "run"] + arguments
        // Whatever schemathesis writes goes to the broker's temporary folder.
        process.currentDirectoryURL = URL(fileURLWithPath: broker.dataDir)
        process.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1", "COLUMNS": "120"]) { $1 }
        let outputPath = "\(broker.dataDir)/schemathesis-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        let started = Date()
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 900, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        try output.close()
        let report = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let lines = report.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let tested = lines.last { $0.hasPrefix("Tested:") } ?? "Tested: ?"
        let cases = lines.last { $0.contains(" generated, ") } ?? "no test cases"
        let summary = (lines.last { $0.hasPrefix("===") } ?? "no summary").trimmingCharacters(in: CharacterSet(charactersIn: "= "))
        print("schemathesis, \(name): \(tested) operations, \(cases); \(summary) (\(Int(Date().timeIntervalSince(started))) s)")
        XCTAssertEqual(process.terminationStatus, 0, "schemathesis found failures:\n\(report)", file: file, line: line)
    }
}
