import Foundation
import XCTest

/// The web console in a real browser: headless Chromium driven by Selenium (the Python scripts in `Console/`,
/// sharing `console_harness.py`) against the real broker, with a real SMTP server for the login links. Screenshots
/// go to `.build/console-screenshots/`; with `TOCSIN_KEEP_SCREENSHOTS=1` the pages docs/console.md shows are also copied to `docs/images/`.
///
/// `make test-deps` installs Debian's `chromium` and `chromium-driver` and Selenium from PyPI; without them the
/// tests are skipped (they fail under `CI=true`).
final class ConsoleBrowserTests: XCTestCase {
    var sink: SMTPSink!
    var broker: BrokerProcess!

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static var scripts: String { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Console").path }
    static var screenshots: String { repository.appendingPathComponent(".build/console-screenshots").path }

    override func setUp() async throws {
        for tool in ["chromium", "chromedriver"] where PythonTool.executable(tool) == nil {
            throw PythonTool.skip("\(tool) is not installed: run make test-deps")
        }
        _ = try PythonTool.requireModule("selenium", package: "selenium")
        sink = try SMTPSink()
        let port = try Self.freePort()
        broker = try BrokerProcess(environment: sink.brokerEnvironment(publicUrl: "http://127.0.0.1:\(port)"))
        broker.fixedPort = port
        let created = try broker.cli(["token", "create", "--role", "admin", "--label", "tests"])
        guard created.status == 0 else { throw TestFailure("token create failed: \(created.stderr)") }
        broker.setAdminToken(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        try await broker.launch()
    }

    override func tearDown() async throws {
        broker?.stop()
        sink = nil
    }

    /// A port nothing listens on now, for a broker whose public URL must name it before it starts.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// An establishment of region 28 with its RSSI as a contact, an email subscription and an inventory, the alert
    /// that concerns it, and two alerts it may not read (another region's, and one above its clearance).
    func establishment() async throws -> [String: Any] {
        let created = try await broker.post("/api/v1/orgs", [
            "name": "CHU de Chartres", "kind": "CH", "region": "28", "tlpClearance": "AMBER", "locale": "fr",
            "contacts": [["role": "rssi", "name": "Alice Martin", "email": "rssi@chu-chartres.test"]],
        ])
        XCTAssertEqual(created.status, 201, created.text)
        let org = try XCTUnwrap(created.json["id"] as? String)
        let subscribed = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": "rssi@chu-chartres.test"])
        XCTAssertEqual(subscribed.status, 201, subscribed.text)
        let declared = try await broker.request("PUT", "/api/v1/orgs/\(org)/inventory", token: broker.adminToken,
                                                raw: Array(#"[{"vendor":"Philips","product":"Vue PACS","version":"12.2.6.10"}]"#.utf8))
        XCTAssertEqual(declared.status, 200, declared.text)
        let title = "Vue PACS : exécution de code à distance"
        var alert = alertJSON(title: title, tlp: "AMBER", severity: "critical", regions: ["28"])
        alert["affectedProducts"] = [["vendor": "Philips", "product": "Vue PACS", "versions": ["<12.2.8.410"]]]
        let id = try await broker.publish(alert)
        let elsewhere = try await broker.publish(alertJSON(title: "Alerte réservée à l'Île-de-France", tlp: "GREEN", regions: ["11"]))
        let red = try await broker.publish(alertJSON(title: "Alerte réservée à l'Île-de-France", tlp: "RED"))
        return ["orgId": org, "alertId": id, "alertTitle": title, "rssiEmail": "rssi@chu-chartres.test", "rssiName": "Alice Martin",
                "hiddenAlertIds": [elsewhere, red], "hiddenTitle": "Alerte réservée à l'Île-de-France", "adminToken": broker.adminToken]
    }

    /// Runs `Console/<script>` with the scenario and fails with its output unless it succeeds.
    func runScript(_ script: String, _ scenario: [String: Any]) throws {
        var scenario = scenario
        scenario["baseUrl"] = "http://127.0.0.1:\(broker.port)"
        scenario["smtpDir"] = sink.directory
        scenario["screenshots"] = Self.screenshots
        let file = broker.dataDir + "/scenario-\(script).json"
        try JSONSerialization.data(withJSONObject: scenario).write(to: URL(fileURLWithPath: file))
        let python = try PythonTool.requireModule("selenium", package: "selenium")
        let result = try PythonTool.run(python, [Self.scripts + "/" + script, file], in: Self.scripts, timeout: 120)
        XCTAssertEqual(result.status, 0, "\(script) failed:\n\(result.output)\nbroker log:\n\(broker.log.suffix(4000))")
    }

    func testAnRSSISignsInByEmailReadsTheAlertAndAcknowledgesIt() async throws {
        let scenario = try await establishment()
        // The alert's email links to its console page, which the RSSI opens signed out.
        try await eventually(broker.log) { try self.sink.messages().count == 1 }
        let mail = try XCTUnwrap(try sink.messages().first)
        let alertId = try XCTUnwrap(scenario["alertId"] as? String)
        XCTAssertTrue((mail["text"] as? String ?? "").contains("http://127.0.0.1:\(broker.port)/console/alerts/\(alertId)"), mail["text"] as? String ?? "")
        try runScript("rssi_alert.py", scenario)
        keep("rssi-alert", as: "console-rssi-alert")
    }

    func testASubscriberCannotOpenAnotherOrganisationsAlertAndAPostWithoutCSRFIsRefused() async throws {
        var scenario = try await establishment()
        scenario["subscriberToken"] = try await broker.token("subscriber", org: scenario["orgId"] as? String)
        try runScript("access.py", scenario)
    }
}
