import Foundation
import TocsinDelivery
import TocsinNet
import TocsinIngest

/// Fetches source documents with libcurl, through the same SSRF guard as webhooks: a provider's metadata may name
/// any URL, so every address is checked (and pinned) before the connection, and redirects are never followed.
struct CurlSourceFetcher: SourceFetcher {
    let client: CurlHTTPClient
    let guardrail: TargetGuard

    func get(_ url: String, headers: [(String, String)], timeout: TimeInterval, maxBytes: Int) async throws -> SourceResponse {
        let guardrail = self.guardrail
        let request = HTTPRequest(url: url, method: "GET", headers: headers, timeout: timeout, maxBodyBytes: maxBytes)
        switch await client.send(request, pin: { components throws(HTTPClientError) in try guardrail.pin(components) }) {
        case .success(let result):
            if result.truncated { throw SourceFetchError.responseTooLarge(limit: maxBytes) }
            var joined: [String: String] = [:]
            for (name, value) in result.headers {
                let key = name.lowercased()
                joined[key] = joined[key].map { "\($0), \(value)" } ?? value
            }
            return SourceResponse(status: result.status, headers: joined, body: Data(result.body))
        case .failure(let error):
            throw SourceFetchError.transport(error.description)
        }
    }
}
