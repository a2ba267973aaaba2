import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// The loopback HTTP server of `fixture_server.py`, serving a temporary directory with ETag and Last-Modified
/// and recording every request. Killed with SIGKILL, since the test runner keeps SIGTERM from its children.
final class PollFixtureServer {
    /// One request the server saw.
    struct Request: Decodable, Equatable {
        var path: String
        var host: String
        var if_none_match: String?
        var if_modified_since: String?
        var authorization: Bool
        var status: Int

        var isConditional: Bool { if_none_match != nil || if_modified_since != nil }
    }

    let directory: URL
    let port: Int
    private let process: Process

    /// `http://127.0.0.1:<port>`.
    var base: String { "http://127.0.0.1:\(port)" }
    /// The same server under another origin (`localhost`), for what must not cross origins.
    var otherOriginBase: String { "http://localhost:\(port)" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tocsin-poll-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fixture_server.py")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, directory.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let text = String(data: line, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), let port = Int(text) else {
            kill(process.processIdentifier, SIGKILL)
            throw XCTSkip("the fixture server (python3) did not start")
        }
        self.port = port
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes `data` at `path` under the served directory, creating folders.
    func write(_ data: Data, at path: String) throws {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    /// Makes `path` answer `status` (nil to serve the file again).
    func setStatus(_ status: Int?, for path: String) throws {
        let url = directory.appendingPathComponent(path + ".status")
        if let status { try Data("\(status)".utf8).write(to: url) } else { try? FileManager.default.removeItem(at: url) }
    }

    /// Every request since the last reset.
    func requests() async throws -> [Request] {
        let (data, _) = try await PollURLSessionFetcher.session.pollData(from: URL(string: base + "/_requests")!)
        return try JSONDecoder().decode([Request].self, from: data)
    }

    func reset() async throws {
        _ = try await PollURLSessionFetcher.session.pollData(from: URL(string: base + "/_reset")!)
    }
}
