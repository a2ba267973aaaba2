import CCurl
import Foundation
import TocsinCore
import TocsinNet

/// How to reach the mail server.
public struct SMTPConfiguration: Sendable {
    /// STARTTLS on a `smtp://` connection: required, used when offered, or never. `smtps://` is TLS from the start.
    public enum StartTLS: String, Sendable { case required, optional, off }

    public var url: String
    public var from: String
    public var replyTo: String?
    public var username: String?
    public var password: String?
    public var startTLS: StartTLS
    public var timeout: TimeInterval
    /// A PEM file of the certificate authorities to trust for the server's certificate, instead of the system's
    /// (a private CA). Certificates are always verified.
    public var caFile: String?
    /// Sending connections (and threads) at once; each keeps its SMTP session open between mails.
    public var concurrency: Int

    public init(url: String, from: String, replyTo: String? = nil, username: String? = nil, password: String? = nil,
                startTLS: StartTLS = .optional, timeout: TimeInterval = 30, caFile: String? = nil, concurrency: Int = 4) {
        self.caFile = caFile
        self.url = url
        self.from = from
        self.replyTo = replyTo
        self.username = username
        self.password = password
        self.startTLS = startTLS
        self.timeout = timeout
        self.concurrency = concurrency
    }
}

/// What the mail server said about one message.
public enum SMTPResult: Sendable, Equatable {
    case sent(code: Int)
    /// The server answered with `code` (0 when the connection failed) and `message`.
    case failed(code: Int, message: String)

    /// The delivery outcome: 4xx answers and connection failures are retried, 5xx answers are permanent.
    public var outcome: AttemptOutcome {
        switch self {
        case .sent(let code): return .success(status: code)
        case .failed(let code, let message) where (500..<600).contains(code):
            return .permanent(status: code, error: message)
        case .failed(let code, let message):
            return .retryable(status: code == 0 ? nil : code, error: message)
        }
    }
}

/// Sends mail through libcurl's SMTP client, one kept-open session per worker thread.
public final class SMTPSender: Sendable {
    public let configuration: SMTPConfiguration
    private let workers: CurlWorkers

    public init(configuration: SMTPConfiguration) {
        self.configuration = configuration
        workers = CurlWorkers(threads: configuration.concurrency, name: "tocsin-smtp")
    }

    public func shutdown() { workers.shutdown() }

    /// Sends `message` (a complete RFC 5322 message with CRLF line ends) to `recipients`.
    public func send(to recipients: [String], message: [UInt8]) async -> SMTPResult {
        let configuration = self.configuration
        return await workers.run({ handle in Self.perform(configuration, recipients: recipients, message: message, on: handle) },
                                 whenStopped: .failed(code: 0, message: "mail sender is shutting down"))
    }

    private final class Reader {
        let bytes: [UInt8]
        var offset = 0
        /// The server's reply lines (the last few), kept so that a failure says what the server said ("550 5.1.1 …").
        var replies: [String] = []
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    /// A reply line as the ledger keeps it: without the spaces and tabs at its ends, at most 300 characters. What
    /// counts as a space is what Foundation's `.whitespaces` trims (U+0009, Unicode's space separators and U+200B;
    /// checked over every scalar when this was written). Foundation's trimming took a tenth of the sending thread's
    /// time, four lines per message.
    static func kept(_ reply: Substring) -> String {
        let scalars = reply.unicodeScalars
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == " " || scalar == "\t" || (!scalar.isASCII && (scalar == "\u{200B}" || scalar.properties.generalCategory == .spaceSeparator))
        }
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while start < end, isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(String(scalars[start..<end]).prefix(300))
    }

    private static func perform(_ configuration: SMTPConfiguration, recipients: [String], message: [UInt8],
                                on handle: UnsafeMutableRawPointer) -> SMTPResult {
        Curl.prepare(handle, url: configuration.url, protocols: "smtp,smtps", timeout: configuration.timeout)
        let reader = Unmanaged.passRetained(Reader(message)).toOpaque()
        defer { Unmanaged<Reader>.fromOpaque(reader).release() }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        var rcpt: UnsafeMutablePointer<curl_slist>?
        for recipient in recipients { rcpt = curl_slist_append(rcpt, "<\(recipient)>") }
        defer { curl_slist_free_all(rcpt) }

        ccurl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        ccurl_setopt_str(handle, CURLOPT_MAIL_FROM, "<\(configuration.from)>")
        ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, rcpt)
        if !configuration.url.lowercased().hasPrefix("smtps://") {
            let level: curl_usessl = switch configuration.startTLS {
            case .required: CURLUSESSL_ALL
            case .optional: CURLUSESSL_TRY
            case .off: CURLUSESSL_NONE
            }
            ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(level.rawValue))
        }
        if let caFile = configuration.caFile { ccurl_setopt_str(handle, CURLOPT_CAINFO, caFile) }
        if let username = configuration.username { ccurl_setopt_str(handle, CURLOPT_USERNAME, username) }
        if let password = configuration.password { ccurl_setopt_str(handle, CURLOPT_PASSWORD, password) }
        ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
        ccurl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
        ccurl_setopt_ptr(handle, CURLOPT_READDATA, reader)
        ccurl_setopt_readfn(handle) { buffer, size, count, userdata in
            guard let buffer, let userdata else { return 0 }
            let reader = Unmanaged<Reader>.fromOpaque(userdata).takeUnretainedValue()
            let length = min(size * count, reader.bytes.count - reader.offset)
            guard length > 0 else { return 0 }
            reader.bytes.withUnsafeBufferPointer { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + reader.offset, byteCount: length)
            }
            reader.offset += length
            return length
        }
        // The server's replies, as they come in: libcurl hands every SMTP reply line to the header callback (only
        // incoming lines: what Tocsin sends, AUTH included, is never seen here). Its debug callback, which this used,
        // needs verbose mode, where libcurl formats a line of text for every step of every message.
        ccurl_setopt_headerfn(handle) { pointer, size, count, userdata in
            let total = size * count
            guard let pointer, let userdata else { return total }
            let reader = Unmanaged<Reader>.fromOpaque(userdata).takeUnretainedValue()
            let line = pointer.withMemoryRebound(to: UInt8.self, capacity: total) { String(decoding: UnsafeBufferPointer(start: $0, count: total), as: UTF8.self) }
            for reply in line.split(whereSeparator: \.isNewline) { reader.replies.append(SMTPSender.kept(reply)) }
            if reader.replies.count > 20 { reader.replies.removeFirst(reader.replies.count - 20) }
            return total
        }
        ccurl_setopt_ptr(handle, CURLOPT_HEADERDATA, reader)
        let code = curl_easy_perform(handle)
        var reply = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            // A failure after a positive reply (STARTTLS missing after EHLO's 250, a TLS error) is not the server's
            // refusal: no status is recorded for it, and the server's last words are kept when it did refuse.
            let refused = reply >= 400
            let server = Unmanaged<Reader>.fromOpaque(reader).takeUnretainedValue().replies.last { $0.hasPrefix(String(reply)) }
            // When the server refused, its own words say why (libcurl's "Weird server reply" does not).
            if refused, let server { return .failed(code: reply, message: "SMTP \(reply): \(server)") }
            return .failed(code: refused ? reply : 0, message: "SMTP \(refused ? String(reply) : "session"): \(message)")
        }
        return .sent(code: reply)
    }
}
