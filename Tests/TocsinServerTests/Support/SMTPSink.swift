import Foundation

/// The test SMTP server (`smtp_sink.py`, aiosmtpd) and Python's MIME parser, run as real processes.
final class SMTPSink: @unchecked Sendable {
    let directory: String
    let process: Process
    let port: Int

    static var supportDirectory: String { URL(fileURLWithPath: #filePath).deletingLastPathComponent().path }

    init() throws {
        directory = NSTemporaryDirectory() + "tocsin-smtp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.supportDirectory + "/smtp_sink.py", directory]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(0x0a) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { throw TestFailure("smtp_sink.py did not start (is aiosmtpd installed? make test installs it)") }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("smtp_sink.py printed no port")
        }
        self.port = port
    }

    deinit {
        // SIGKILL: the child may inherit a blocked SIGTERM from the test runner.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The messages received so far, parsed by Python's email package.
    func messages() throws -> [[String: Any]] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".eml") }
            .sorted { Int($0.dropLast(4))! < Int($1.dropLast(4))! }
        return try files.map { file in
            let parser = Process()
            parser.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            parser.arguments = ["python3", Self.supportDirectory + "/parse_mail.py", directory + "/" + file]
            let out = Pipe()
            parser.standardOutput = out
            try parser.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            parser.waitUntilExit()
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw TestFailure("unparsable \(file)") }
            return object
        }
    }
}
