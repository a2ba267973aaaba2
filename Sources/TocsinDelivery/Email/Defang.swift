import Foundation
import TocsinCore

/// Defanging of indicators for what people read, so that mail filters and clients neither follow nor block
/// them: `http` → `hxxp`, `.` → `[.]`, `@` → `[@]`, `://` → `[://]`.
public enum Defang {
    public static func indicator(_ value: String) -> String {
        var text = value
        for (scheme, replacement) in [("https", "hxxps"), ("http", "hxxp"), ("ftp", "fxp")] where text.lowercased().hasPrefix(scheme + "://") {
            text = replacement + text.dropFirst(scheme.count)
            break
        }
        text = text.replacingOccurrences(of: "://", with: "[://]")
        text = text.replacingOccurrences(of: ".", with: "[.]")
        text = text.replacingOccurrences(of: "@", with: "[@]")
        return text
    }

    /// Free text as a person reads it in a mail: every URL (http, https, ftp) and every occurrence of one of the
    /// alert's indicators is defanged, so that no mail client makes a live link of `http://evil.example/drop.php`
    /// written in a summary. URLs go first, so that an indicator inside one is not defanged twice.
    public static func text(_ text: String, indicators: [Indicator]) -> String {
        guard !text.isEmpty else { return text }
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: #"(?i)\b(https?|ftp)://[^\s<>"'()\[\]]+"#, options: .regularExpression) {
            result += rest[..<range.lowerBound]
            result += indicator(String(rest[range]))
            rest = rest[range.upperBound...]
        }
        result += rest
        // Longest first, so that `evil.example.com` is not cut by `example.com`.
        for value in Set(indicators.map(\.value)).filter({ $0.count >= 4 }).sorted(by: { $0.count > $1.count }) {
            let defanged = indicator(value)
            guard defanged != value else { continue }
            result = result.replacingOccurrences(of: value, with: defanged, options: .caseInsensitive)
        }
        return result
    }

    /// Whether a reference link points at one of the alert's indicators (its URL, or a host the indicators name),
    /// in which case it is shown defanged rather than as a link.
    public static func isIndicator(_ url: String, indicators: [Indicator]) -> Bool {
        let host = URLComponents(string: url)?.host?.lowercased()
        return indicators.contains { indicator in
            let value = indicator.value.lowercased()
            return value == url.lowercased() || value == host || (host.map { value.hasSuffix("://" + $0) || value.contains("://" + $0 + "/") } ?? false)
        }
    }
}
