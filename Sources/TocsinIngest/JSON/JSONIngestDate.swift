import Foundation
import TocsinCore

/// The date forms JSON security sources really write: RFC 3339 with any number of fraction digits
/// (`…06:00:00.000000Z`), date-times without a time zone (`2024-08-26T14:33:05.281221`, read as UTC) and bare
/// dates (`2024-02-09`, midnight UTC).
enum JSONIngestDate {
    /// The date, or nil when the text is none of the accepted forms.
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 10, trimmed.count <= 64 else { return nil }
        if trimmed.count == 10 { return RFC3339.parse(trimmed + "T00:00:00Z") }
        var value = trimmed.replacingOccurrences(of: " ", with: "T")
        if let dateTimeSeparator = value.firstIndex(of: "T") {
            // A zone is a trailing Z or ±hh:mm / ±hhmm after the time part.
            let time = value[value.index(after: dateTimeSeparator)...]
            let hasZone = time.hasSuffix("Z") || time.hasSuffix("z") || time.contains("+") || time.contains("-")
            if !hasZone { value += "Z" }
            value = trimmingFraction(value)
        }
        return RFC3339.parse(value)
    }

    /// Cuts fractional seconds to milliseconds, the precision Tocsin keeps and the ISO parser accepts.
    private static func trimmingFraction(_ text: String) -> String {
        guard let dot = text.firstIndex(of: ".") else { return text }
        let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
        guard digits.count > 3 else { return text }
        let rest = text[digits.endIndex...]
        return String(text[..<dot]) + "." + digits.prefix(3) + rest
    }
}
