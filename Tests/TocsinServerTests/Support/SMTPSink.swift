import Foundation

/// The test SMTP server (`smtp_sink.py`, aiosmtpd) and Python's MIME parser, run as real processes.
final class SMTPSink: @unchecked Sendable {
    let directory: String
    let process: Process
    let port: Int

    static var supportDirectory: String { URL(fileURLWithPath: #filePath).deletingLastPathComponent().path }

    /// `arguments`: `--starttls CERT KEY`, `--smtps CERT KEY`, `--auth USER:PASSWORD` (see smtp_sink.py).
    init(arguments: [String] = []) throws {
        directory = NSTemporaryDirectory() + "tocsin-smtp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.supportDirectory + "/smtp_sink.py", directory] + arguments
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

    /// A broker's settings for this sink, in clear, with the project's templates and `publicUrl` (links in
    /// messages); `extra` adds or replaces settings.
    func brokerEnvironment(publicUrl: String = "https://tocsin.cert-sante.test", _ extra: [String: String] = [:]) -> [String: String] {
        [
            "TOCSIN_SMTP_URL": "smtp://127.0.0.1:\(port)",
            "TOCSIN_SMTP_FROM": "alertes@cert-sante.test",
            "TOCSIN_SMTP_START_TLS": "off",
            "TOCSIN_TEMPLATES_DIR": EmailTests.templatesDirectory,
            "TOCSIN_PUBLIC_URL": publicUrl,
        ].merging(extra) { $1 }
    }

    /// How many connections were refused with 421 while the server was down (`--down-for`).
    func refusedConnections() -> Int {
        ((try? String(contentsOfFile: directory + "/refused", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    /// What the server noted about each accepted message's session: `tls` (Bool), `login` (String or null).
    func sessions() throws -> [[String: Any]] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
            .sorted { Int($0.dropLast(5))! < Int($1.dropLast(5))! }
        return try files.map { file in
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }
    }

    /// A self-signed certificate for 127.0.0.1 and localhost, made with openssl in `directory`: (cert, key).
    static func makeCertificate(in directory: String) throws -> (cert: String, key: String) {
        let cert = directory + "/cert.pem", key = directory + "/key.pem"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert]
        openssl.standardError = FileHandle.nullDevice
        openssl.standardOutput = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw TestFailure("openssl could not make a test certificate") }
        return (cert, key)
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
