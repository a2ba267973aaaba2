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

/// An HTTP client on libcurl, with a fixed pool of threads each reusing one easy handle (so one kept-alive
/// connection per receiver and thread).
///
/// Transfers block, so they never run on Swift's cooperative pool: each worker thread takes jobs from a queue and
/// resumes the caller's continuation. Redirects are never followed and only http and https are allowed.
public final class CurlHTTPClient: Sendable {
    /// Chooses the address to connect to before a transfer, or refuses the target; runs on the worker thread.
    public typealias Pin = @Sendable (URLComponents) throws(HTTPClientError) -> String?

    private let workers: CurlWorkers
    private let userAgent: String

    /// Starts `threads` worker threads.
    public init(threads: Int, userAgent: String = "Tocsin") {
        self.workers = CurlWorkers(threads: threads, name: "tocsin-http")
        self.userAgent = userAgent
    }

    /// Sends `request`; `pin` may refuse the target or name the address to connect to.
    public func send(_ request: HTTPRequest, pin: Pin? = nil) async -> Result<HTTPResult, HTTPClientError> {
        await workers.run({ [self] handle in self.perform(request, pin: pin, on: handle) },
                          whenStopped: .failure(.transport("client is shutting down")))
    }

    /// Stops the threads once the queued requests are done.
    public func shutdown() { workers.shutdown() }

    private final class Sink {
        var body: [UInt8] = []
        var headers: [(String, String)] = []
        let limit: Int
        var truncated = false
        init(limit: Int) { self.limit = limit }
    }

    private func perform(_ request: HTTPRequest, pin: Pin?, on handle: UnsafeMutableRawPointer) -> Result<HTTPResult, HTTPClientError> {
        guard let components = URLComponents(string: request.url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host?.isEmpty == false else {
            return .failure(.refused("'\(request.url.prefix(200))' is not an http or https URL"))
        }
        var resolveList: UnsafeMutablePointer<curl_slist>?
        do {
            if let pin, let entry = try pin(components) {
                resolveList = curl_slist_append(nil, entry)
            }
        } catch {
            return .failure(error)
        }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        headerList = curl_slist_append(headerList, "Expect:")
        defer {
            curl_slist_free_all(headerList)
            curl_slist_free_all(resolveList)
        }
        let sink = Sink(limit: request.maxBodyBytes)
        let sinkPointer = Unmanaged.passRetained(sink).toOpaque()
        defer { Unmanaged<Sink>.fromOpaque(sinkPointer).release() }

        Curl.prepare(handle, url: request.url, protocols: "http,https", timeout: request.timeout)
        ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        ccurl_setopt_str(handle, CURLOPT_USERAGENT, userAgent)
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        if let resolveList { ccurl_setopt_slist(handle, CURLOPT_RESOLVE, resolveList) }
        ccurl_setopt_writefn(handle) { pointer, size, count, userdata in
            let total = size * count
            guard let pointer, let userdata else { return total }
            let sink = Unmanaged<Sink>.fromOpaque(userdata).takeUnretainedValue()
            let room = sink.limit - sink.body.count
            if room > 0 {
                pointer.withMemoryRebound(to: UInt8.self, capacity: total) { bytes in
                    sink.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: min(room, total)))
                }
            }
            // Past the limit the transfer stops: a hostile server cannot make us read (or wait for) more.
            if total > room {
                sink.truncated = true
                return 0
            }
            return total
        }
        ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, sinkPointer)
        ccurl_setopt_headerfn(handle) { pointer, size, count, userdata in
            let total = size * count
            guard let pointer, let userdata else { return total }
            let sink = Unmanaged<Sink>.fromOpaque(userdata).takeUnretainedValue()
            let line = pointer.withMemoryRebound(to: UInt8.self, capacity: total) { String(decoding: UnsafeBufferPointer(start: $0, count: total), as: UTF8.self) }
            if line.hasPrefix("HTTP/") { sink.headers.removeAll() }
            if let colon = line.firstIndex(of: ":"), sink.headers.count < 100 {
                sink.headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            return total
        }
        ccurl_setopt_ptr(handle, CURLOPT_HEADERDATA, sinkPointer)
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
        let code = curl_easy_perform(handle)
        if sink.truncated {
            var status = 0
            ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            return .success(HTTPResult(status: status, body: sink.body, headers: sink.headers, truncated: true))
        }
        guard code == CURLE_OK else {
            return .failure(.transport(String(cString: curl_easy_strerror(code))))
        }
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResult(status: status, body: sink.body, headers: sink.headers))
    }
}
