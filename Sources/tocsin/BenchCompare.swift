import ArgumentParser
import Foundation
import Synchronization
import Logging
import TocsinCore
import TocsinDelivery
import TocsinNet
import TocsinServer
import TocsinStore

extension Bench {
    /// Tocsin and Prometheus Alertmanager side by side, each posting webhooks to the same nginx receiver, alternating
    /// run by run; `wrk` measures what that receiver takes from one client, the physical limit on this machine.
    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Webhook fan-out of Tocsin and Prometheus Alertmanager to the same nginx receiver, alternating; wrk gives the receiver's limit.",
            discussion: """
                Needs nginx, wrk and prometheus-alertmanager (Debian packages; `make bench-deps` installs them). \
                Alertmanager runs with one receiver holding N webhook_configs, grouping by alert name with no group wait; \
                Tocsin runs in this process with N webhook subscriptions. Each workload is timed from the publish (Tocsin) \
                or the POST to Alertmanager's API to the N-th request in nginx's access log.
                """)

        @Option(help: "Webhook receivers (Alertmanager webhook_configs, Tocsin subscriptions).") var receivers: Int = 1_000
        @Option(help: "Alerts in the burst workload.") var alerts: Int = 10
        @Option(name: .customLong("repeat"), help: "Alternating runs of each workload; the median and range are shown.") var repeats: Int = 3
        @Option(help: "Tocsin's attempts in flight at once.") var concurrency: Int = 256

        func run() async throws {
            guard receivers >= 1, receivers <= 100_000, alerts >= 1, alerts <= 100, repeats >= 1 else {
                throw CLIError("--receivers must be from 1 to 100000, --alerts from 1 to 100, --repeat at least 1")
            }
            let tools = try BenchTools.locate(["nginx", "wrk", "prometheus-alertmanager"])
            bootstrapStandardErrorLogging(level: .warning)
            let work = NSTemporaryDirectory() + "tocsin-compare-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: work) }

            let nginx = try await NginxReceiver.start(binary: tools["nginx"]!, directory: work + "/nginx")
            defer { nginx.stop() }
            print("Side by side: \(receivers) webhook receivers, bursts of \(alerts) alerts, \(repeats) alternating runs; nginx receiver on port \(nginx.port)")
            let wrkRate = try Wrk.rate(binary: tools["wrk"]!, url: "http://127.0.0.1:\(nginx.port)/wrk", directory: work)
            print(String(format: "receiver limit: wrk -t1 -c16, 2 KB POSTs with keep-alive: %.0f requests/s", wrkRate))

            let manager = try await AlertmanagerProcess.start(binary: tools["prometheus-alertmanager"]!, directory: work + "/alertmanager",
                                                              receivers: receivers, target: "http://127.0.0.1:\(nginx.port)/am/")
            defer { manager.stop() }

            var configuration = TocsinConfiguration()
            configuration.dataDir = work + "/tocsin"
            configuration.deliveryConcurrency = concurrency
            configuration.channels[WebhookSettings.self].allowedNetworks = ["127.0.0.0/8"]
            configuration.logLevel = "warning"
            try FileManager.default.createDirectory(atPath: configuration.dataDir, withIntermediateDirectories: true)
            let store = try SQLiteStore(path: configuration.databasePath, channels: ChannelRegistry.catalog, logger: Logger(label: "tocsin.store"))
            try await Baseline.seed(store, count: receivers, kind: .ch, channel: .webhook) { index in
                ("http://127.0.0.1:\(nginx.port)/tocsin/\(index)", StandardWebhooks.makeSecret())
            }
            let broker = try await TocsinBroker(configuration: configuration, logger: Logger(label: "tocsin"))
            // The floor under Tocsin's figures: its own HTTP client (the broker's, with its limits), sending plain
            // keep-alive POSTs of an alert-sized body to the same receiver at the same concurrency, with nothing to
            // sign, record or read. No fan-out through this client can go faster, whatever the broker does around it.
            let floorCount = max(alerts * receivers, 2_000)
            let floorBody = Array(repeating: UInt8(ascii: "x"), count: 1_200)
            let client = broker.httpClient, floorURL = "http://127.0.0.1:\(nginx.port)/floor"
            var floorRates: [Double] = []
            let floorFailures = Atomic<Int>(0)
            for _ in 0..<3 {
                floorRates.append(await Baseline.rate(floorCount, over: concurrency) { _ in
                    if case .failure = await client.send(HTTPRequest(url: floorURL, headers: [("Content-Type", "application/json")], body: floorBody)) {
                        floorFailures.add(1, ordering: .relaxed)
                    }
                })
            }
            let failed = floorFailures.load(ordering: .relaxed)
            guard failed == 0 else { throw CLIError("\(failed) of \(3 * floorCount) plain POSTs to the receiver failed: no floor to compare with") }
            let floorRate = floorRates.sorted()[1]
            print(String(format: "Tocsin's HTTP client alone, plain keep-alive POSTs of 1,200 bytes: %.0f requests/s (median of 3 runs of %d)",
                         floorRate, floorCount))

            let workerTask = Task { await broker.worker.run() }
            defer { workerTask.cancel() }

            var published = 0
            // The broker's CPU time per delivery beside the wall clock: on a shared machine the wall clock grows with
            // the load, the CPU time much less. A run's CPU time lasts until the next run starts (Alertmanager's run in
            // between costs this process next to nothing), so that recording what was sent counts too.
            var cpu: [Int: [Double]] = [:]
            var cpuRun: (count: Int, start: Double)?
            func closeCPURun() {
                if let run = cpuRun { cpu[run.count, default: []].append((processCPUSeconds() - run.start) * 1_000_000 / Double(run.count * receivers)) }
                cpuRun = nil
            }
            func tocsin(_ count: Int) async throws -> Double {
                closeCPURun()
                cpuRun = (count, processCPUSeconds())
                let expected = nginx.count("tocsin") + count * receivers
                let start = ContinuousClock.now
                let router = try await broker.routing.router()
                for _ in 0..<count {
                    published += 1
                    let draft = AlertDraft(title: "Rançongiciel : indicateurs de compromission \(published)", summary: "Benchmark alert",
                                           severity: .critical, tlp: .amber, categories: ["ransomware"], cves: ["CVE-2024-3400"],
                                           indicators: [Indicator(type: .ipv4, value: "203.0.113.7")])
                    _ = try await broker.store.publish(Alert.first(from: draft), route: router)
                }
                broker.worker.wake()
                return try await nginx.waitFor("tocsin", expected, since: start)
            }
            var posted = 0
            func alertmanager(_ count: Int) async throws -> Double {
                let expected = nginx.count("am") + count * receivers
                let start = ContinuousClock.now
                try await manager.post((0..<count).map { _ in posted += 1; return "bench-\(posted)" })
                return try await nginx.waitFor("am", expected, since: start)
            }

            // Warm both up once (connections, caches), then alternate.
            _ = try await tocsin(1)
            _ = try await alertmanager(1)
            var results: [String: [Double]] = [:]
            for _ in 0..<repeats {
                results["tocsin-1", default: []].append(try await tocsin(1))
                results["am-1", default: []].append(try await alertmanager(1))
                results["tocsin-burst", default: []].append(try await tocsin(alerts))
                results["am-burst", default: []].append(try await alertmanager(alerts))
            }
            // Every delivery is in Tocsin's ledger before the figures are printed.
            let total = (1 + alerts) * repeats * receivers + receivers
            let deadline = ContinuousClock.now + .seconds(120)
            while (try await store.deliveryCounts()[.delivered] ?? 0) < total, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            closeCPURun()
            let recorded = try await store.deliveryCounts()[.delivered] ?? 0
            workerTask.cancel()
            await workerTask.value
            broker.httpClient.shutdown()

            func line(_ workload: String, _ tocsinKey: String, _ amKey: String, deliveries: Int, alerts: Int) {
                let t = results[tocsinKey]!.sorted(), a = results[amKey]!.sorted()
                let tm = t[t.count / 2], am = a[a.count / 2]
                let c = (cpu[alerts] ?? [0]).sorted()
                print(String(format: "%-30@  %7.3f s (%.3f–%.3f)  %7.3f s (%.3f–%.3f)  %5.2f×  %8.0f/s  %6.0f µs", workload as NSString,
                             tm, t.first!, t.last!, am, a.first!, a.last!, am / tm, Double(deliveries) / tm, c[c.count / 2]))
            }
            print("workload                        Tocsin (median, range)       Alertmanager (median, range)  AM÷Tocsin  Tocsin deliveries/s  Tocsin CPU per delivery")
            let workloads = [("1 alert → \(receivers) webhooks", "tocsin-1", "am-1", receivers, 1),
                             ("\(alerts) alerts → \(alerts * receivers) webhooks", "tocsin-burst", "am-burst", alerts * receivers, alerts)]
            for (workload, tocsinKey, amKey, deliveries, count) in workloads {
                line(workload, tocsinKey, amKey, deliveries: deliveries, alerts: count)
            }
            // What each goal asks against what the client alone needs for the same number of requests.
            for (workload, _, amKey, deliveries, _) in workloads {
                let a = results[amKey]!.sorted()
                let goal = a[a.count / 2] / 3, floor = Double(deliveries) / floorRate
                print(String(format: "%@: 3× Alertmanager's median is %.3f s; the client alone, at its rate, needs %.3f s for as many requests (%@)",
                             workload as NSString, goal, floor, (goal < floor ? "the goal is below this floor" : "the goal is above this floor") as NSString))
            }
            let best = Double(alerts * receivers) / results["tocsin-burst"]!.min()!
            print(String(format: "Tocsin's sustained rate: %.0f deliveries/s, %.1f %% of wrk's rate to the same receiver; the client alone: %.1f %% of wrk's rate",
                         best, 100 * best / wrkRate, 100 * floorRate / wrkRate))
            print("Tocsin's ledger: \(recorded) of \(total) deliveries recorded as delivered")
            print("peak memory: Tocsin \(PeakMemory.megabytes()) MiB with \(receivers) subscriptions (this process), Alertmanager \(manager.peakMegabytes()) MiB with \(receivers) webhook_configs")
        }
    }
}

/// Finds the programs a benchmark drives, on PATH or in /usr/sbin.
enum BenchTools {
    static func locate(_ names: [String]) throws -> [String: String] {
        var found: [String: String] = [:]
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        for name in names {
            guard let directory = path.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/" + name) }) else {
                throw CLIError("\(name) is not installed; `make bench-deps` installs nginx, wrk, prometheus-alertmanager and postfix (for smtp-sink)")
            }
            found[name] = directory + "/" + name
        }
        return found
    }

    /// Runs a program to its end and returns its standard output.
    static func output(_ binary: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The resident memory of another process now, in MiB.
    static func residentMegabytes(pid: Int32) -> Int { statusMegabytes(pid: pid, field: "VmRSS:") }

    /// The peak resident memory of another process, in MiB.
    static func peakMegabytes(pid: Int32) -> Int { statusMegabytes(pid: pid, field: "VmHWM:") }

    /// A memory figure of `/proc/PID/status`, in MiB.
    private static func statusMegabytes(pid: Int32, field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }
}

/// nginx on a loopback port answering 204 to everything, with one access log per path prefix (`/am/`, `/tocsin/`)
/// so that requests are counted as they arrive.
final class NginxReceiver: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let directory: String

    private init(port: Int, process: Process, directory: String) {
        self.port = port
        self.process = process
        self.directory = directory
    }

    static func start(binary: String, directory: String) async throws -> NginxReceiver {
        guard let port = LoopbackPort.free() else { throw CLIError("no free loopback port for nginx") }
        try FileManager.default.createDirectory(atPath: directory + "/temp", withIntermediateDirectories: true)
        let config = """
            worker_processes 1;
            daemon off;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log warn;
            events { worker_connections 8192; }
            http {
                access_log off;
                client_body_temp_path \(directory)/temp/body;
                proxy_temp_path \(directory)/temp/proxy;
                fastcgi_temp_path \(directory)/temp/fastcgi;
                uwsgi_temp_path \(directory)/temp/uwsgi;
                scgi_temp_path \(directory)/temp/scgi;
                client_body_buffer_size 64k;
                keepalive_requests 10000000;
                keepalive_timeout 120s;
                server {
                    listen 127.0.0.1:\(port) backlog=4096;
                    location /am/ { access_log \(directory)/am.log; return 204; }
                    location /tocsin/ { access_log \(directory)/tocsin.log; return 204; }
                    location / { return 204; }
                }
            }
            """
        try config.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        for name in ["am", "tocsin"] { FileManager.default.createFile(atPath: "\(directory)/\(name).log", contents: nil) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-p", directory, "-e", directory + "/error.log", "-c", directory + "/nginx.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard await LoopbackPort.waitUntilListening(port) else {
            process.terminate()
            let log = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
            throw CLIError("nginx did not start: \(log)")
        }
        return NginxReceiver(port: port, process: process, directory: directory)
    }

    /// Requests logged so far under `/name/`.
    /// Each log's bytes read so far and the lines among them: a poll reads only what nginx appended since the last,
    /// so that counting does not take the cores from the systems being measured.
    private let counted = Mutex<[String: (offset: UInt64, lines: Int)]>([:])

    func count(_ name: String) -> Int {
        counted.withLock { counted in
            var (offset, lines) = counted[name] ?? (0, 0)
            if let log = FileHandle(forReadingAtPath: "\(directory)/\(name).log") {
                defer { try? log.close() }
                if (try? log.seek(toOffset: offset)) != nil, let data = try? log.readToEnd() {
                    offset += UInt64(data.count)
                    lines += data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                }
            }
            counted[name] = (offset, lines)
            return lines
        }
    }

    /// Waits until `expected` requests are logged under `/name/`, and returns the seconds since `start`.
    func waitFor(_ name: String, _ expected: Int, since start: ContinuousClock.Instant) async throws -> Double {
        let deadline = start + .seconds(300)
        while count(name) < expected {
            guard ContinuousClock.now < deadline else { throw CLIError("only \(count(name)) of \(expected) requests reached /\(name)/ within 300 s") }
            try await Task.sleep(for: .milliseconds(2))
        }
        return (ContinuousClock.now - start).seconds
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// `wrk` against a URL with 2 KB POST bodies: the requests per second one client thread gets from the receiver.
enum Wrk {
    static func rate(binary: String, url: String, directory: String) throws -> Double {
        let script = directory + "/post.lua"
        try """
            wrk.method = "POST"
            wrk.body = string.rep("x", 2048)
            wrk.headers["Content-Type"] = "application/json"
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let output = try BenchTools.output(binary, ["-t1", "-c16", "-d3s", "-s", script, url])
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
              let rate = Double(line.split(separator: " ").last ?? "") else { throw CLIError("wrk gave no rate: \(output)") }
        return rate
    }
}

/// Prometheus Alertmanager with one route and one receiver holding N webhook_configs, no clustering, and no group
/// wait, so that an alert is notified as soon as it arrives.
final class AlertmanagerProcess: @unchecked Sendable {
    private let process: Process
    private let port: Int
    private let client = CurlHTTPClient()

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    static func start(binary: String, directory: String, receivers: Int, target: String) async throws -> AlertmanagerProcess {
        guard let port = LoopbackPort.free() else { throw CLIError("no free loopback port for Alertmanager") }
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        var config = """
            route:
              receiver: fanout
              group_by: ['alertname']
              group_wait: 0s
              group_interval: 5m
              repeat_interval: 4h
            receivers:
              - name: fanout
                webhook_configs:

            """
        for index in 0..<receivers { config += "      - url: '\(target)\(index)'\n        send_resolved: false\n" }
        try config.write(toFile: directory + "/alertmanager.yml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--config.file=\(directory)/alertmanager.yml", "--storage.path=\(directory)/data",
                             "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=warn"]
        let log = FileHandle(forWritingAtPath: directory + "/log") ?? {
            FileManager.default.createFile(atPath: directory + "/log", contents: nil)
            return FileHandle(forWritingAtPath: directory + "/log")!
        }()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let manager = AlertmanagerProcess(process: process, port: port)
        let deadline = Date() + 30
        while Date() < deadline {
            if case .success(let answer) = await manager.client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/-/ready", method: "GET")),
               answer.status == 200 { return manager }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw CLIError("Alertmanager did not become ready: \((try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? "")")
    }

    /// Posts alerts with the given names in one request to the v2 API.
    func post(_ names: [String]) async throws {
        let now = RFC3339.format(Date())
        let alerts = names.map { ["labels": ["alertname": $0, "severity": "critical"], "annotations": ["summary": "Benchmark alert"], "startsAt": now] as [String: Any] }
        let body = try JSONSerialization.data(withJSONObject: alerts)
        let answer = await client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/api/v2/alerts", headers: [("Content-Type", "application/json")], body: Array(body)))
        guard case .success(let result) = answer, result.status == 200 else { throw CLIError("Alertmanager refused the alerts: \(answer)") }
    }

    func peakMegabytes() -> Int { BenchTools.peakMegabytes(pid: process.processIdentifier) }

    func stop() {
        client.shutdown()
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
