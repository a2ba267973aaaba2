import Foundation

/// The request side of conditional GET: which headers a fetch of a URL carries, and which validators a
/// response leaves. Pure.
enum SourceConditionalRequest {
    /// The configured headers when `url` has the source's origin (they may hold credentials, which a CSAF
    /// provider's documents on another host must not see), then `If-None-Match` / `If-Modified-Since` from the
    /// stored validators.
    static func headers(for url: String, source: SourceConfiguration, validators: SourceValidators?) -> [(String, String)] {
        var headers: [(String, String)] = []
        if sameOrigin(url, source.url) {
            headers += source.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        if let etag = validators?.etag { headers.append(("If-None-Match", etag)) }
        if let lastModified = validators?.lastModified { headers.append(("If-Modified-Since", lastModified)) }
        return headers
    }

    /// True when both URLs have the same scheme, host and port (default ports made explicit).
    static func sameOrigin(_ first: String, _ second: String) -> Bool {
        guard let a = origin(first), let b = origin(second) else { return false }
        return a == b
    }

    /// The validators a 200 response offers, or nil when it has neither `ETag` nor `Last-Modified`.
    static func validators(of response: SourceResponse, at date: Date) -> SourceValidators? {
        let etag = response.header("ETag").map(clean).flatMap { $0.isEmpty ? nil : $0 }
        let lastModified = response.header("Last-Modified").map(clean).flatMap { $0.isEmpty ? nil : $0 }
        guard etag != nil || lastModified != nil else { return nil }
        return SourceValidators(etag: etag, lastModified: lastModified, storedAt: date)
    }

    /// A header value safe to send back: trimmed, one line, bounded.
    private static func clean(_ value: String) -> String {
        let line = value.trimmingCharacters(in: .whitespaces)
        guard line.count <= 1_024, !line.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else { return "" }
        return line
    }

    private static func origin(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased(), !host.isEmpty else { return nil }
        let port = components.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
        return "\(scheme)://\(host):\(port)"
    }
}
