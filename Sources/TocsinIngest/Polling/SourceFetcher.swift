import Foundation

/// The HTTP GET the poller needs, behind a protocol so that the server can use libcurl and tests a local server.
///
/// An implementation follows redirects (never forwarding `Authorization` to another host), never caches, sends
/// exactly the headers given (the poller adds `If-None-Match` / `If-Modified-Since` itself), and throws
/// `SourceFetchError.responseTooLarge` as soon as the body exceeds `maxBytes`. It returns every status,
/// 304 and errors included, rather than throwing for them.
public protocol SourceFetcher: Sendable {
    /// Fetches `url` with the given request headers.
    func get(_ url: String, headers: [(String, String)], timeout: TimeInterval, maxBytes: Int) async throws -> SourceResponse
}

/// One HTTP response as the poller reads it.
public struct SourceResponse: Sendable, Hashable {
    public var status: Int
    /// Response headers by lower-cased name; repeated headers joined with ", ".
    public var headers: [String: String]
    public var body: Data

    /// Lower-cases the header names.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        var lowered: [String: String] = [:]
        for (name, value) in headers {
            let key = name.lowercased()
            lowered[key] = lowered[key].map { "\($0), \(value)" } ?? value
        }
        self.headers = lowered
        self.body = body
    }

    /// The value of a response header, whatever its case.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Failures a `SourceFetcher` reports; their descriptions become part of a source's `lastError`.
public enum SourceFetchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The body is larger than the limit the poller asked for.
    case responseTooLarge(limit: Int)
    /// No complete answer within the timeout.
    case timedOut(seconds: TimeInterval)
    /// The connection failed (DNS, TCP, TLS…): the message says how, without any header value.
    case transport(String)

    public var description: String {
        switch self {
        case .responseTooLarge(let limit): "the response is larger than \(limit) bytes"
        case .timedOut(let seconds): "no answer within \(Int(seconds)) seconds"
        case .transport(let message): message
        }
    }
}
