import Foundation
import TocsinCore

/// What every feed format says about one alert, in the reader's language.
///
/// The entry id is the alert's (`urn:uuid:<id>`), stable across revisions, so a reader updates the entry it has
/// instead of showing the alert twice.
struct FeedEntry {
    var alert: Alert
    var locale: String
    var publicUrl: String
    /// The words of every locale, loaded at start.
    var messages: Messages
    /// What of the reader's declared inventory the alert concerns.
    var concerns: [InventoryConcern] = []

    var id: String { "urn:uuid:\(alert.id)" }
    var link: String { "\(publicUrl)/api/v1/alerts/\(alert.id)" }

    /// `[TLP:AMBER][CRITIQUE] title`, with `[ANNULÉE]`/`[CANCELLED]` in front once cancelled and `[EXERCICE]` for a drill.
    var title: String {
        let severity = messages.severity(alert.severity, locale: locale)
        let cancelled = alert.status == .cancelled ? messages.text(.statusCancelled, locale: locale) : ""
        let exercise = alert.isExercise ? messages.text(.exerciseMark, locale: locale) : ""
        return "\(exercise)\(cancelled)[\(alert.tlp.label)][\(severity)] \(alert.title)"
    }

    /// The plain-text body: summary, details, CVEs, indicators and references.
    var text: String {
        var parts = concerns.map { $0.text(locale: locale) }
        if let reason = alert.cancelReason { parts.append(messages.text(.feedCancelled, locale: locale, ["reason": reason])) }
        parts.append(alert.summary)
        if let body = alert.body, !body.isEmpty { parts.append(body) }
        if !alert.cves.isEmpty { parts.append(messages.text(.feedCves, locale: locale, ["cves": alert.cves.joined(separator: ", ")])) }
        // Stated indicators first; those found in the prose apart, for a person to check before blocking.
        let stated = alert.indicators.stated
        let extracted = alert.indicators.extracted
        if !stated.isEmpty {
            parts.append(messages.text(.feedIndicators, locale: locale) + "\n"
                         + stated.map { "- \($0.type.rawValue) \($0.value)" }.joined(separator: "\n"))
        }
        if !extracted.isEmpty {
            parts.append(messages.text(.indicatorsExtracted, locale: locale) + "\n"
                         + extracted.map { "- \($0.type.rawValue) \($0.value)" }.joined(separator: "\n"))
        }
        if !alert.references.isEmpty {
            parts.append(messages.text(.feedReferences, locale: locale) + "\n" + alert.references.map { "- \($0.url)" }.joined(separator: "\n"))
        }
        return parts.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// Categories, then `severity:…`, `tlp:…` and the CVE ids, as feed categories or tags.
    var tags: [String] {
        alert.categories + ["severity:\(alert.severity.rawValue)", "tlp:\(alert.tlp.rawValue.lowercased())"] + alert.cves
    }
}

/// Escaping for XML text and attribute values; characters XML 1.0 forbids are dropped.
enum XMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v >= 0x20 && !(0xD800...0xDFFF).contains(v) && v != 0xFFFE && v != 0xFFFF { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

/// Dates as RSS 2.0 (RFC 822) and HTTP headers (RFC 9110) write them: `Mon, 23 Nov 2026 09:49:15 GMT`.
enum HTTPDate {
    static func format(_ date: Date) -> String { InternetDate.format(date) }

    static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
