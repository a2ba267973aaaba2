import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TocsinIngest

/// A `SourceFetcher` over URLSession for the tests, without any cache so that every conditional header is the
/// poller's own.
struct PollURLSessionFetcher: SourceFetcher {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        return URLSession(configuration: configuration)
    }()

    func get(_ url: String, headers: [(String, String)], timeout: TimeInterval, maxBytes: Int) async throws -> SourceResponse {
        guard let target = URL(string: url) else { throw SourceFetchError.transport("invalid URL") }
        var request = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: timeout)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.pollData(for: request)
        guard let http = response as? HTTPURLResponse else { throw SourceFetchError.transport("not an HTTP response") }
        guard data.count <= maxBytes else { throw SourceFetchError.responseTooLarge(limit: maxBytes) }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name] = value }
        }
        return SourceResponse(status: http.statusCode, headers: fields, body: data)
    }
}

extension URLSession {
    /// `data(for:)` through the completion-handler API, which every Foundation has.
    func pollData(for request: URLRequest) async throws -> (Data, URLResponse) {
        try await withCheckedThrowingContinuation { continuation in
            let task = dataTask(with: request) { data, response, error in
                if let error { continuation.resume(throwing: SourceFetchError.transport(error.localizedDescription)); return }
                guard let response else { continuation.resume(throwing: SourceFetchError.transport("no response")); return }
                continuation.resume(returning: (data ?? Data(), response))
            }
            task.resume()
        }
    }

    func pollData(from url: URL) async throws -> (Data, URLResponse) {
        try await pollData(for: URLRequest(url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: 10))
    }
}
