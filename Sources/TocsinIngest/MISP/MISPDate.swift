import Foundation
import TocsinCore

/// MISP's `date` field: a calendar day, `YYYY-MM-DD`.
enum MISPDate {
    /// Midnight UTC of the day, or nil when `text` is not a valid `YYYY-MM-DD` day.
    static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        return RFC3339.parse("\(text)T00:00:00Z").flatMap { date in
            // The formatter rolls 2024-02-30 over to March; a real day reads back the same.
            RFC3339.format(date).hasPrefix(text) ? date : nil
        }
    }
}
