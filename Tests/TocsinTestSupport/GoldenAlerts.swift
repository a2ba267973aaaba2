import Foundation
import TocsinCore

/// Fixed alerts for the golden tests, which pin what people read word for word.
public enum GoldenAlerts {
    struct BadDate: Error { let text: String }

    /// A fixed RFC 3339 date.
    public static func date(_ text: String) throws -> Date {
        guard let date = RFC3339.parse(text) else { throw BadDate(text: text) }
        return date
    }

    /// An alert first published on 5 March 2026 at 08:15 UTC, as revision `revision` of `updated`.
    public static func alert(_ id: String, revision: Int, status: AlertStatus, updated: Date, _ draft: AlertDraft) throws -> Alert {
        let published = try date("2026-03-05T08:15:00Z")
        return Alert(id: id, source: "api", revision: revision, status: status, content: draft.content, sourcePublishedAt: published,
                     receivedAt: updated, publishedAt: published, updatedAt: updated)
    }
}
