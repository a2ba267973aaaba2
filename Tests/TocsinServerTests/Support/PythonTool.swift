import Foundation
import XCTest

/// A Python tool the tests run against a live broker (`stix2_validator`, scripts using `taxii2client` or `pymisp`),
/// installed by `make test-deps`. Without it a test is skipped, or fails under `CI=true`.
enum PythonTool {
    /// The command `name`: on the PATH, or where `pip install --user` puts it.
    static func executable(_ name: String) -> URL? {
        let environment = ProcessInfo.processInfo.environment
        var folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin").split(separator: ":").map(String.init)
        if let home = environment["HOME"] { folders.append(home + "/.local/bin") }
        return folders.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Skips (or fails under CI) unless `python3 -c "import module"` works, and returns the python3 to use.
    static func requireModule(_ module: String, package: String) throws -> URL {
        guard let python = executable("python3") else { throw skip("python3 is not installed") }
        let result = try run(python, ["-c", "import \(module)"])
        guard result.status == 0 else { throw skip("\(package) is not installed: run make test-deps (or pip install \(package))") }
        return python
    }

    static func skip(_ message: String) -> Error {
        if ProcessInfo.processInfo.environment["CI"] == "true" { return TestFailure(message) }
        return XCTSkip(message)
    }

    /// Runs a command to its end and returns its status and output (stdout and stderr together).
    static func run(_ executable: URL, _ arguments: [String], in folder: String? = nil, timeout: TimeInterval = 600) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        process.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1", "PYTHONWARNINGS": "ignore"]) { $1 }
        let outputPath = NSTemporaryDirectory() + "tocsin-tool-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        try output.close()
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        return (process.terminationStatus, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }
}
