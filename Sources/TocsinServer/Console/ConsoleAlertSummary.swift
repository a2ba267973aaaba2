import Foundation
import TocsinCore
import TocsinDelivery

/// An alert as the console's templates read it: every value already a string (escaped by the templates), the
/// words in the reader's language, and the CSS classes of its badges (`sev-critical`, `tlp-amber`).
enum ConsoleAlertSummary {
    /// A list page passes one `formatter` for all its alerts: making one is the costliest part of an alert's values.
    static func values(_ alert: Alert, concerns: [InventoryConcern], locale: String, messages: Messages,
                       formatter: DateFormatter? = nil) -> [String: Any] {
        let formatter = formatter ?? messages.dateFormatter(locale: locale)
        return [
            "id": alert.id, "href": "/console/alerts/\(alert.id)",
            "title": Defang.text(alert.title, indicators: alert.indicators),
            "severity": messages.severity(alert.severity, locale: locale), "severityClass": "sev-\(alert.severity.rawValue)",
            "tlp": alert.tlp.label, "tlpClass": "tlp-\(alert.tlp.rawValue.lowercased().replacingOccurrences(of: "+", with: "-"))",
            "updatedAt": formatter.string(from: alert.updatedAt), "updatedAtISO": RFC3339.format(alert.updatedAt),
            "publishedAt": formatter.string(from: alert.publishedAt),
            "cancelled": alert.status == .cancelled, "revision": alert.revision, "revised": alert.revision > 1,
            "exercise": alert.isExercise,
            "concerns": concerns.map { ["text": $0.text(locale: locale)] }, "hasConcerns": !concerns.isEmpty,
        ]
    }
}
