import Foundation
import TocsinNet
import TocsinTestSupport
import XCTest

/// The README's tour, run as a reader runs it: every `sh` block from "A five-minute tour" to "What is guaranteed",
/// in order, in one bash session, against a broker started as `make run` starts it (`migrate`, then
/// `serve --demo`, with loopback webhooks allowed as step 2 says).
///
/// Only what a reader fills in is filled in: the admin token `make run` printed, the ids the answers gave
/// (`export ORG=6c1e…` takes the `id` of the answer before it), the broker's port, and the documents the reader
/// brings (`advisory.json`, `advisories/`, real CSAF advisories). Every `curl` answering 4xx or 5xx stops the tour,
/// and so does any command that fails.
final class ReadmeTourTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `sh` blocks of the README between two headings.
    static func blocks(_ markdown: String, from start: String, to end: String) -> [String] {
        guard let from = markdown.range(of: start), let to = markdown.range(of: end, range: from.upperBound..<markdown.endIndex) else { return [] }
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown[from.upperBound..<to.lowerBound].split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sh" { current = [] }
            else if current != nil, line == "```" { blocks.append(current!.joined(separator: "\n")); current = nil }
            else if current != nil { current!.append(line) }
        }
        return blocks
    }

    /// What the reader fills in: the token, the port, and `export NAME=…` placeholders from the last answer's `id`.
    static func filled(_ block: String, token: String, port: Int) -> String {
        block.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var line = String(line).replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(port)")
                .replacingOccurrences(of: "TOKEN=tcs_…", with: "TOKEN=\(token)")
            if line.hasPrefix("export "), line.hasSuffix("…"), let name = line.dropFirst(7).split(separator: "=").first, !line.contains(" TOKEN=") {
                line = "export \(name)=\"$(tour_id)\"; echo \"tour: \(name)=$\(name)\" >&2"
            }
            return line
        }.joined(separator: "\n")
    }

    /// Bash before the tour: aliases on, `curl` checked and its answers kept, background jobs stopped at the end.
    static let prelude = #"""
        set -e -o pipefail
        shopt -s expand_aliases
        TOUR_ANSWERS=$(mktemp -d)
        tour_n=0
        TOUR_RECEIVER=
        trap '[ -n "$TOUR_RECEIVER" ] && kill -KILL $TOUR_RECEIVER 2>/dev/null; wait 2>/dev/null || true' EXIT
        curl() {
            tour_n=$((tour_n + 1))
            local code
            code=$(command curl -o "$TOUR_ANSWERS/$tour_n" -w '%{http_code}' "$@") || { echo "tour: curl failed: curl $*" >&2; exit 1; }
            cat "$TOUR_ANSWERS/$tour_n"; echo
            echo "tour: HTTP $code" >&2
            cp "$TOUR_ANSWERS/$tour_n" "$TOUR_ANSWERS/last"
            echo "HTTP $code $*" >> "$TOUR_ANSWERS/log"
            if [ "$code" -ge 400 ]; then echo "tour: HTTP $code for: curl $*" >&2; exit 1; fi
        }
        tour_id() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TOUR_ANSWERS/last"; }
        tour_wait_port() { for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "tour: nothing listens on $1" >&2; exit 1; }
        """#

    func testTheTourRunsAsWritten() async throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = Self.blocks(readme, from: "## A five-minute tour", to: "## What is guaranteed")
        XCTAssertGreaterThanOrEqual(blocks.count, 8, "the tour's blocks were not found")

        // Where the reader stands: a directory with ./var, and the documents the tour imports.
        let home = NSTemporaryDirectory() + "tocsin-tour-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home + "/advisories", withIntermediateDirectories: true)
        var keep = false
        defer { if !keep { try? FileManager.default.removeItem(atPath: home) } }
        try Fixtures.data("csaf/cisa/icsma-24-200-01.json").write(to: URL(fileURLWithPath: home + "/advisory.json"))
        for name in ["icsma-24-163-01.json", "va-24-254-01.json"] {
            try Fixtures.data("csaf/cisa/\(name)").write(to: URL(fileURLWithPath: home + "/advisories/\(name)"))
        }

        // `make run`: migrate, then serve with the demo data, which prints the admin token once.
        let broker = try BrokerProcess(dataDir: home + "/var")
        broker.serveArguments = ["--demo"]
        let migrated = try broker.cli(["migrate"])
        XCTAssertEqual(migrated.status, 0, migrated.stderr)
        try await broker.launch()
        defer { broker.stop() }
        let printed = broker.output
        let tokenRange = try XCTUnwrap(printed.range(of: #"Admin token \(shown once, keep it\): (tcs_\S+)"#, options: .regularExpression), printed)
        let token = String(printed[tokenRange].split(separator: " ").last!)
        broker.setAdminToken(token)
        XCTAssertTrue(printed.contains("CERT national de démonstration"), printed)

        // The receiver of step 2 listens on 9999, or on a free port when something else has 9999 (as a reader would
        // change it); the tour waits for it before the subscription's first delivery.
        let receiverPort = try XCTUnwrap(LoopbackPort.free())
        let steps = blocks.map { Self.filled($0, token: token, port: broker.port).replacingOccurrences(of: "9999", with: "\(receiverPort)") }
            .map { $0.contains("HTTPServer((\"127.0.0.1\", \(receiverPort))") ? $0 + "\nTOUR_RECEIVER=$!\ntour_wait_port \(receiverPort)" : $0 }
        let epilogue = """
            # Every delivery of the tour's alert has reached the receiver before it is stopped.
            for _ in $(seq 100); do
                command curl -s -H "Authorization: Bearer $TOKEN" "$TOCSIN/api/v1/deliveries?alertId=$ALERT" > "$TOUR_ANSWERS/ledger"
                python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["items"]; sys.exit(0 if len(d) >= 3 and all(i["state"] in ("delivered", "superseded") for i in d) else 1)' "$TOUR_ANSWERS/ledger" && break
                sleep 0.2
            done
            cat "$TOUR_ANSWERS/ledger"; echo
            echo "tour: answers in $TOUR_ANSWERS" >&2
            cat "$TOUR_ANSWERS/log" >&2
            """
        let script = ([Self.prelude] + steps + [epilogue]).joined(separator: "\n")
        try script.write(toFile: home + "/tour.sh", atomically: true, encoding: .utf8)

        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = [home + "/tour.sh"]
        bash.currentDirectoryURL = URL(fileURLWithPath: home)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = BrokerProcess.binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["PYTHONUNBUFFERED"] = "1"
        bash.environment = environment
        let outPath = home + "/tour.out", errPath = home + "/tour.err"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        bash.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        bash.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try bash.run()
        let deadline = Date() + 120
        while bash.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if bash.isRunning { bash.terminate() }
        bash.waitUntilExit()
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        keep = bash.terminationStatus != 0
        XCTAssertEqual(bash.terminationStatus, 0, "the tour stopped:\n\(err)\n--- output ---\n\(out)\n--- broker ---\n\(broker.log.suffix(3000))")

        // What the tour says happens, happened.
        var missing: [String] = []
        if !(out.contains("\"revision\":2") && out.contains("\"regions\":[\"28\"]")) { missing.append("step 6 keeps the alert regional") }
        if !out.contains("\"alreadyAcknowledged\":false") { missing.append("step 7 did not acknowledge") }
        if !(out.contains("\"acknowledged\":1") && out.contains("\"reason\":\"no-subscription\"")) {
            missing.append("step 7's reach does not count the acknowledgement and the uninformed")
        }
        // The receiver prints each delivery's webhook-id, its signature and the start of its body.
        let received = out.split(separator: "\n").filter { $0.contains(" v1,") && $0.contains(" b'{") }
        if received.count < 3 { missing.append("the receiver printed \(received.count) signed deliveries, not the alert's 3 revisions") }
        if !received.contains(where: { $0.contains("faux positif") }) { missing.append("the receiver printed no cancellation") }
        if !(err + out).contains("2 files: 2 published") { missing.append("tocsin import did not report its 2 files") }
        keep = keep || !missing.isEmpty
        XCTAssertEqual(missing, [], "the tour ran but (kept in \(home)):\n\(out)\n--- stderr ---\n\(err)")
        let alerts = try await broker.get("/api/v1/alerts?limit=100").items
        let tour = try XCTUnwrap(alerts.first { ($0["title"] as? String)?.hasPrefix("Rançongiciel : nouveaux indicateurs") == true }, "\(alerts)")
        XCTAssertEqual(tour["status"] as? String, "cancelled")
        XCTAssertEqual(tour["regions"] as? [String], ["28"])
        XCTAssertEqual(tour["summary"] as? String, "Campagne en cours contre des établissements de santé.", "a revision keeps what it does not name")
        XCTAssertEqual((tour["indicators"] as? [[String: Any]])?.count, 1)
        XCTAssertTrue(alerts.contains { $0["sourceRef"] as? String == "ICSMA-24-200-01" }, "advisory.json was ingested")
    }
}
