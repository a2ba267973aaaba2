import Foundation
import TocsinDelivery
import TocsinNet
import XCTest

/// The real `tocsin` binary, started as a child process on loopback with its own data directory.
final class BrokerProcess: @unchecked Sendable {
    let dataDir: String
    let environment: [String: String]
    private(set) var process: Process?
    private(set) var port = 0
    private(set) var adminToken = ""
    private var launches = 0

    static let http = CurlHTTPClient(connectionsPerHost: 8, userAgent: "tocsin-tests")

    /// Settings every test broker runs with: loopback receivers allowed, fast retries and polling.
    static let testEnvironment: [String: String] = [
        "TOCSIN_WEBHOOKS_ALLOWED_NETWORKS": "127.0.0.0/8",
        "TOCSIN_DELIVERY_RETRY_SCHEDULE": "200ms,200ms,200ms,200ms",
        "TOCSIN_DELIVERY_RETRY_JITTER": "0",
        "TOCSIN_DELIVERY_POLL_INTERVAL": "100ms",
        "TOCSIN_WEBHOOKS_TIMEOUT": "5s",
        "TOCSIN_LOG_LEVEL": "info",
        "TOCSIN_STREAM_HEARTBEAT": "1s",
    ]

    /// A configuration file `serve` reads, when the test needs one (sources are configured only there).
    var configFile: String?
    /// More arguments for `serve` (`--demo`).
    var serveArguments: [String] = []
    /// Whether a relaunch listens on the port of the previous launch (so that other brokers following this one find
    /// it again) rather than on a new one.
    var keepsPort = false
    /// The port to listen on rather than one the system picks (a test whose `publicUrl` must name the broker).
    var fixedPort: Int?

    init(environment: [String: String] = [:], dataDir: String? = nil) throws {
        self.dataDir = dataDir ?? NSTemporaryDirectory() + "tocsin-it-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: self.dataDir, withIntermediateDirectories: true)
        self.environment = Self.testEnvironment.merging(environment) { $1 }
    }

    /// Where the binary under test is: `TOCSIN_BINARY`, else beside the test bundle, else `.build/debug`.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["TOCSIN_BINARY"] { return URL(fileURLWithPath: path) }
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tocsin")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/tocsin")
    }

    /// Creates the admin token with the CLI, then starts `tocsin serve --port 0` and waits for its port.
    static func start(environment: [String: String] = [:], configFile: String? = nil, dataDir: String? = nil) async throws -> BrokerProcess {
        let broker = try BrokerProcess(environment: environment, dataDir: dataDir)
        broker.configFile = configFile
        let created = try broker.cli(["token", "create", "--role", "admin", "--label", "tests"])
        guard created.status == 0 else { throw TestFailure("token create failed: \(created.stderr)") }
        broker.adminToken = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try await broker.launch()
        return broker
    }

    /// For a broker whose data directory was prepared by hand (a restore): the admin token to use.
    func setAdminToken(_ token: String) { adminToken = token }

    func launch() async throws {
        launches += 1
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve", "--data-dir", dataDir, "--host", "127.0.0.1", "--port", fixedPort.map(String.init) ?? (keepsPort && port != 0 ? "\(port)" : "0")] + (configFile.map { ["--config", $0] } ?? []) + serveArguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdoutPath = "\(dataDir)/stdout-\(launches).log"
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: "\(dataDir)/stderr-\(launches).log", contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(dataDir)/stderr-\(launches).log"))
        try process.run()
        self.process = process
        let deadline = Date() + 30
        while Date() < deadline {
            let text = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
               let port = Int(text[range].split(separator: ":").last ?? "") {
                self.port = port
                return
            }
            guard process.isRunning else { throw TestFailure("tocsin serve exited: \(log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("tocsin serve did not report its port within 30 s")
    }

    /// What the broker printed on standard output at its last launch.
    var output: String { (try? String(contentsOfFile: "\(dataDir)/stdout-\(launches).log", encoding: .utf8)) ?? "" }

    /// Everything the broker wrote on standard error across its launches.
    var log: String {
        (1...max(launches, 1)).map { (try? String(contentsOfFile: "\(dataDir)/stderr-\($0).log", encoding: .utf8)) ?? "" }.joined()
    }

    /// Kills the broker without warning, as a crash or an OOM killer would.
    func kill9() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: dataDir)
    }

    // MARK: CLI

    struct CLIResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a `tocsin` subcommand against this broker's data directory.
    /// Runs a `tocsin` command on this broker's data directory (`withDataDir: false` for commands that take none).
    func cli(_ arguments: [String], stdin: String? = nil, withDataDir: Bool = true) throws -> CLIResult {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments + (withDataDir ? ["--data-dir", dataDir] : [])
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                         stderr: String(decoding: stderrData, as: UTF8.self))
    }

    // MARK: HTTP

    struct Answer {
        var status: Int
        var body: [UInt8]
        var headers: [(String, String)] = []
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func request(_ method: String, _ path: String, token: String?, json: Any? = nil, raw: [UInt8]? = nil,
                 contentType: String = "application/json", extraHeaders: [(String, String)] = []) async throws -> Answer {
        var headers: [(String, String)] = extraHeaders
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        var body: [UInt8] = []
        if let json { body = Array(try JSONSerialization.data(withJSONObject: json)) }
        if let raw { body = raw }
        if json != nil || raw != nil { headers.append(("Content-Type", contentType)) }
        let result = await Self.http.send(HTTPRequest(url: "http://127.0.0.1:\(port)\(path)", method: method, headers: headers, body: body, timeout: 30, maxBodyBytes: 32 << 20))
        switch result {
        case .success(let response): return Answer(status: response.status, body: response.body, headers: response.headers)
        case .failure(let error): throw TestFailure("\(method) \(path): \(error)")
        }
    }

    func post(_ path: String, _ json: Any, token: String? = nil) async throws -> Answer {
        try await request("POST", path, token: token ?? adminToken, json: json)
    }

    func get(_ path: String, token: String? = nil) async throws -> Answer {
        try await request("GET", path, token: token ?? adminToken)
    }

    // MARK: Shortcuts

    func createOrg(_ name: String, clearance: String, region: String = "28") async throws -> String {
        let answer = try await post("/api/v1/orgs", ["name": name, "kind": "CH", "region": region, "tlpClearance": clearance])
        guard answer.status == 201, let id = answer.json["id"] as? String else { throw TestFailure("create org: \(answer.status) \(answer.text)") }
        return id
    }

    /// A webhook subscription to `url`; returns its id and signing secret.
    func subscribeWebhook(org: String, url: String, filter: [String: Any] = [:], token: String? = nil) async throws -> (id: String, secret: String) {
        let answer = try await post("/api/v1/subscriptions", ["orgId": org, "channel": "webhook", "target": url, "filter": filter], token: token)
        guard answer.status == 201, let id = answer.json["id"] as? String, let secret = answer.json["secret"] as? String else {
            throw TestFailure("create subscription: \(answer.status) \(answer.text)")
        }
        return (id, secret)
    }

    /// A new API token of `role`, bound to `org` when given.
    func token(_ role: String, org: String? = nil) async throws -> String {
        var body: [String: Any] = ["role": role]
        if let org { body["orgId"] = org }
        let answer = try await post("/api/v1/tokens", body)
        guard answer.status == 201, let token = answer.json["token"] as? String else { throw TestFailure("create token: \(answer.status) \(answer.text)") }
        return token
    }

    func publish(_ alert: [String: Any]) async throws -> String {
        let answer = try await post("/api/v1/alerts", alert)
        guard answer.status == 201, let id = answer.json["id"] as? String else { throw TestFailure("publish: \(answer.status) \(answer.text)") }
        return id
    }

    func deliveries(alert: String) async throws -> [[String: Any]] {
        try await get("/api/v1/deliveries?alertId=\(alert)&limit=500").items
    }
}

/// A failure in the test harness itself, with what went wrong.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: TimeInterval = 15, _ message: @autoclosure () -> String = "condition not met",
                _ condition: () async throws -> Bool) async throws {
    let deadline = Date() + timeout
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestFailure("timed out after \(timeout) s: \(message())")
}

/// An alert in the publish API's shape.
func alertJSON(title: String = "Rançongiciel : indicateurs", tlp: String = "GREEN", severity: String = "high",
               regions: [String] = [], categories: [String] = ["ransomware"]) -> [String: Any] {
    ["title": title, "summary": "Des indicateurs de compromission ont été publiés.", "severity": severity, "tlp": tlp,
     "categories": categories, "cves": ["CVE-2024-3400"], "regions": regions,
     "indicators": [["type": "ipv4", "value": "203.0.113.7"]]]
}
