import CCurl
import Foundation

/// An HTTP request as a channel sends it.
public struct HTTPRequest: Sendable {
    public var url: String
    public var method: String
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var timeout: TimeInterval
    /// The most response body kept; past it the transfer is aborted and the result marked `truncated`.
    public var maxBodyBytes: Int
    /// Whether the answer's header lines are kept (`HTTPResult.headers`); a sender that reads only the status
    /// skips them.
    public var keepHeaders = true

    public init(url: String, method: String = "POST", headers: [(String, String)] = [], body: [UInt8] = [], timeout: TimeInterval = 15,
                maxBodyBytes: Int = 64 * 1024) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }
}

/// What came back: the status, the headers and at most the request's `maxBodyBytes` of the body.
public struct HTTPResult: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// Header lines of the final response, names as sent.
    public var headers: [(String, String)] = []
    /// The body was longer than the request allowed; the transfer was cut.
    public var truncated = false

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// Why no HTTP answer came back.
public enum HTTPClientError: Error, Equatable, CustomStringConvertible {
    /// The connection or the transfer failed (refused, timed out, TLS error…).
    case transport(String)
    /// The target was refused before any connection (SSRF guard, bad URL).
    case refused(String)

    public var description: String {
        switch self {
        case .transport(let message): message
        case .refused(let message): message
        }
    }
}

/// An HTTP client on libcurl's multi interface: one thread drives every transfer at once, event-driven, with the
/// connections to each receiver kept alive in one shared pool (up to `connectionsPerHost` to one host).
///
/// Transfers never run on Swift's cooperative pool: a caller prepares its transfer and waits; the loop's thread
/// resumes it when the answer is in. Redirects are never followed, only http and https are allowed, each request
/// is pinned to the address its `pin` checked, and an answer is read up to the request's size limit only.
public final class CurlHTTPClient: Sendable {
    /// Chooses the address to connect to before a transfer, or refuses the target. It runs before every request:
    /// on the caller's task when the host is an IP address, on a thread of its own when a name must be resolved.
    public typealias Pin = @Sendable (URLComponents) throws(HTTPClientError) -> String?

    private let loop: CurlMultiLoop
    private let userAgent: String

    /// Starts the client's thread. At most `connectionsPerHost` connections are kept open to one host and
    /// `maxConnections` in all; requests beyond wait for one to be free.
    public init(connectionsPerHost: Int = 16, maxConnections: Int = 256, userAgent: String = "Tocsin") {
        loop = CurlMultiLoop(name: "tocsin-http", connectionsPerHost: connectionsPerHost, maxConnections: maxConnections)
        self.userAgent = userAgent
    }

    /// Sends `request`; `pin` may refuse the target or name the address to connect to.
    public func send(_ request: HTTPRequest, pin: Pin? = nil) async -> Result<HTTPResult, HTTPClientError> {
        guard let components = URLComponents(string: request.url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            return .failure(.refused("'\(request.url.prefix(200))' is not an http or https URL"))
        }
        var resolve: String?
        if let pin {
            switch await Self.check(components, host: host, with: pin) {
            case .success(let entry): resolve = entry
            case .failure(let error): return .failure(error)
            }
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResult, HTTPClientError>, Never>) in
            start(request, host: Self.hostKey(scheme: scheme, host: host, port: components.port), resolve: resolve) {
                continuation.resume(returning: $0)
            }
        }
    }

    /// Stops taking requests; the client's thread ends once those in flight are done.
    public func shutdown() { loop.shutdown() }

    /// The host a transfer's connection goes to, as the loop counts them: scheme, lowercased name and port.
    static func hostKey(scheme: String, host: String, port: Int?) -> String {
        "\(scheme)://\(host.lowercased()):\(port ?? (scheme == "https" ? 443 : 80))"
    }

    /// Runs `pin`: at once for an IP address, on a thread that may block for a name (the system resolver blocks, and
    /// must not hold up the cooperative pool).
    private static func check(_ components: URLComponents, host: String, with pin: @escaping Pin) async -> Result<String?, HTTPClientError> {
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        if IPAddress(bare) != nil {
            do throws(HTTPClientError) { return .success(try pin(components)) } catch { return .failure(error) }
        }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(HTTPClientError) { continuation.resume(returning: .success(try pin(components))) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
    }

    /// Prepares the transfer on the caller's thread and hands it to the loop; `completion` runs once, on the loop's
    /// thread or here if it never starts.
    private func start(_ request: HTTPRequest, host: String, resolve: String?,
                       completion: @escaping @Sendable (Result<HTTPResult, HTTPClientError>) -> Void) {
        guard let handle = loop.handle() else { return completion(.failure(.transport("cannot create a curl handle"))) }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(request.timeout, 0) * 1_000_000_000)
        let transfer = CurlTransfer(handle: handle, hostKey: host, deadline: deadline, limit: request.maxBodyBytes,
                                    keepHeaders: request.keepHeaders, completion: completion)
        if let resolve { transfer.resolveList = curl_slist_append(nil, resolve) }
        for (name, value) in request.headers { transfer.headerList = curl_slist_append(transfer.headerList, "\(name): \(value)") }
        transfer.headerList = curl_slist_append(transfer.headerList, "Expect:")

        Curl.prepare(handle, url: request.url, protocols: "http,https", timeout: request.timeout)
        ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        ccurl_setopt_str(handle, CURLOPT_USERAGENT, userAgent)
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, transfer.headerList)
        if let list = transfer.resolveList { ccurl_setopt_slist(handle, CURLOPT_RESOLVE, list) }
        // The transfer outlives this call: the loop holds it until it ends.
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        ccurl_setopt_writefn(handle) { pointer, size, count, userdata in
            let total = size * count
            guard let pointer, let userdata else { return total }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            let room = transfer.limit - transfer.body.count
            if room > 0 {
                pointer.withMemoryRebound(to: UInt8.self, capacity: total) { bytes in
                    transfer.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: min(room, total)))
                }
            }
            // Past the limit the transfer stops: a hostile server cannot make us read (or wait for) more.
            if total > room {
                transfer.truncated = true
                return 0
            }
            return total
        }
        ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, context)
        ccurl_setopt_headerfn(handle) { pointer, size, count, userdata in
            let total = size * count
            guard let pointer, let userdata else { return total }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            guard transfer.keepHeaders else { return total }
            let line = pointer.withMemoryRebound(to: UInt8.self, capacity: total) { String(decoding: UnsafeBufferPointer(start: $0, count: total), as: UTF8.self) }
            if line.hasPrefix("HTTP/") { transfer.headers.removeAll() }
            if let colon = line.firstIndex(of: ":"), transfer.headers.count < 100 {
                transfer.headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            return total
        }
        ccurl_setopt_ptr(handle, CURLOPT_HEADERDATA, context)
        switch request.method {
        case "GET": ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        case "POST", "PUT", "PATCH", "DELETE":
            ccurl_setopt_long(handle, CURLOPT_POST, 1)
            ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            request.body.withUnsafeBufferPointer { buffer in
                // COPYPOSTFIELDS copies, so the Swift buffer need not outlive this call.
                _ = ccurl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, buffer.baseAddress ?? UnsafePointer<UInt8>(bitPattern: 1))
            }
            if request.method != "POST" { ccurl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, request.method) }
        default:
            ccurl_setopt_str(handle, CURLOPT_CUSTOMREQUEST, request.method)
        }
        guard loop.start(transfer) else {
            loop.giveBack(handle)
            return completion(.failure(.transport("client is shutting down")))
        }
    }
}
