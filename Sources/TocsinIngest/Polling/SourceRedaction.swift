import Foundation

/// Hides the secrets of a source (header values, URL credentials and query values) from anything written to a
/// log, an error message or the API.
enum SourceRedaction {
    /// What a hidden value is replaced with.
    static let placeholder = "<redacted>"

    /// The longest message kept in a source's `lastError`.
    static let messageLimit = 2_000

    /// The URL with its user information removed and its query values replaced.
    static func url(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return placeholder }
        if components.user != nil || components.password != nil {
            components.user = nil
            components.password = nil
        }
        if let items = components.queryItems, !items.isEmpty {
            components.queryItems = items.map { URLQueryItem(name: $0.name, value: $0.value == nil ? nil : "redacted") }
        }
        return components.string ?? placeholder
    }

    /// The values to hide: each header value, the words of a header value long enough to be a token
    /// (`Bearer abc…` hides `abc…` even when quoted apart), the URL's password and its query values.
    static func secrets(headers: [String: String], url: String) -> [String] {
        var found: Set<String> = []
        for value in headers.values {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.count >= 4 { found.insert(trimmed) }
            for word in trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "=" }) where word.count >= 8 {
                found.insert(String(word))
            }
        }
        if let components = URLComponents(string: url) {
            if let password = components.password, !password.isEmpty { found.insert(password) }
            if let user = components.user, user.count >= 4 { found.insert(user) }
            for item in components.queryItems ?? [] {
                if let value = item.value, value.count >= 4 { found.insert(value) }
            }
        }
        // Longest first, so that a value containing another is hidden whole.
        return found.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// The message with every secret replaced, cut to `messageLimit` characters.
    static func scrub(_ message: String, secrets: [String]) -> String {
        var text = message
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: placeholder)
        }
        if text.count > messageLimit { text = String(text.prefix(messageLimit - 1)) + "…" }
        return text
    }
}
