import Foundation
import TocsinCore

/// An alert's indicators in the forms analysts paste into their tools, written by the broker's own exporters:
/// CSV (one line per indicator), the STIX 2.1 bundle of `GET /api/v1/alerts/{id}`, and the MISP event of the MISP feed.
enum ConsoleIndicatorExports {
    static func csv(_ alert: Alert) -> String {
        var lines = ["type,value,origin,comment"]
        for indicator in alert.indicators {
            lines.append([indicator.type.rawValue, indicator.value, indicator.effectiveOrigin.rawValue, indicator.comment ?? ""]
                .map(ReachReport.csvCell).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func stix(_ alert: Alert, concerns: [InventoryConcern], locale: String, env: APIEnvironment) -> String {
        env.stix.bundle(alert, concerns: concerns, locale: locale)
    }

    static func misp(_ alert: Alert, publicUrl: String) -> String {
        let object = MISPFeedDocuments(publicUrl: publicUrl).event(alert)
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
