import Foundation
import TocsinCore

/// The analyst's alert form, field by field as typed: title, summary, body, severity, TLP, and the lists one item
/// a line or separated by commas (regions, categories, CVEs), indicators one a line (`value`, or `type value`),
/// products one a line (`vendor | product | versions`).
///
/// The form never builds an alert itself: it writes the JSON object the API takes (`POST /api/v1/alerts`, or a
/// merge patch for `POST /api/v1/alerts/{id}/revisions`), which is then decoded by the API's strict decoder and
/// published or revised by `AlertPipeline`, so the console checks exactly what the API checks.
struct ConsoleAlertForm: Sendable, Equatable {
    var title = ""
    var summary = ""
    var body = ""
    var severity = Severity.high.rawValue
    var tlp = TLP.amber.rawValue
    var regions = ""
    var categories = ""
    var cves = ""
    var indicators = ""
    var products = ""

    /// The fields a revision compares and may change, by their names in the form and in the API.
    static let listFields = ["regions", "categories", "cves", "indicators", "products"]

    /// The form as posted.
    init(_ form: ConsoleForm) {
        title = form["title"] ?? ""
        summary = form["summary"] ?? ""
        body = form["body"] ?? ""
        severity = form["severity"] ?? ""
        tlp = form["tlp"] ?? ""
        regions = form["regions"] ?? ""
        categories = form["categories"] ?? ""
        cves = form["cves"] ?? ""
        indicators = form["indicators"] ?? ""
        products = form["products"] ?? ""
    }

    init() {}

    /// The form filled with what an alert says now (to revise it).
    init(_ content: AlertContent) {
        title = content.title
        summary = content.summary
        body = content.body ?? ""
        severity = content.severity.rawValue
        tlp = content.tlp.rawValue
        regions = content.regions.joined(separator: ", ")
        categories = content.categories.joined(separator: ", ")
        cves = content.cves.joined(separator: ", ")
        indicators = content.indicators.filter { $0.effectiveOrigin == .stated }.map { "\($0.type.rawValue) \($0.value)" }.joined(separator: "\n")
        products = content.affectedProducts.map { product in
            [product.vendor ?? "", product.product, product.versions.joined(separator: ", ")].joined(separator: " | ")
        }.joined(separator: "\n")
    }

    /// The draft's JSON object, as `POST /api/v1/alerts` takes it.
    func draftJSON() -> [String: Any] {
        var object: [String: Any] = ["title": title, "summary": summary, "severity": severity, "tlp": tlp]
        if !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { object["body"] = body }
        for name in Self.listFields { object[name == "products" ? "affectedProducts" : name] = listValue(name) }
        return object
    }

    /// A merge patch naming only what differs from `current` (the form as the alert fills it), with
    /// `confirmWiden` when the publisher confirmed a wider audience.
    func patchJSON(from current: ConsoleAlertForm, confirmWiden: Bool) -> [String: Any] {
        var patch: [String: Any] = [:]
        if title != current.title { patch["title"] = title }
        if summary != current.summary { patch["summary"] = summary }
        if body != current.body {
            if body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { patch["body"] = NSNull() } else { patch["body"] = body }
        }
        if severity != current.severity { patch["severity"] = severity }
        if tlp != current.tlp { patch["tlp"] = tlp }
        for name in Self.listFields where Self.items(text(name)) != Self.items(current.text(name)) {
            patch[name == "products" ? "affectedProducts" : name] = listValue(name)
        }
        if confirmWiden { patch["confirmWiden"] = true }
        return patch
    }

    func text(_ name: String) -> String {
        switch name {
        case "regions": regions
        case "categories": categories
        case "cves": cves
        case "indicators": indicators
        default: products
        }
    }

    func listValue(_ name: String) -> [Any] {
        switch name {
        case "indicators": Self.lines(indicators).map(Self.indicator)
        case "products": Self.lines(products).map(Self.product)
        default: Self.items(text(name))
        }
    }

    /// Items separated by commas, semicolons or line breaks, trimmed, blanks left out.
    static func items(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `ipv4 203.0.113.7` or `203.0.113.7`: the type named first, else recognised from the value's shape (the API
    /// then checks the value against its type, as for any indicator sent to it).
    static func indicator(_ line: String) -> [String: Any] {
        let parts = line.split(maxSplits: 1, whereSeparator: \.isWhitespace).map(String.init)
        if parts.count == 2, let kind = Indicator.Kind(rawValue: parts[0].lowercased()) {
            return ["type": kind.rawValue, "value": parts[1].trimmingCharacters(in: .whitespaces)]
        }
        return ["type": kind(of: line).rawValue, "value": line]
    }

    /// The type an indicator's value looks like.
    static func kind(of value: String) -> Indicator.Kind {
        let lower = value.lowercased()
        let hex = lower.allSatisfy(\.isHexDigit)
        if lower.hasPrefix("cve-") { return .cve }
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("hxxp") { return .url }
        let hashes: [Int: Indicator.Kind] = [32: .md5, 40: .sha1, 64: .sha256, 128: .sha512]
        if hex, let hash = hashes[lower.count] { return hash }
        let octets = lower.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) { return .ipv4 }
        if lower.contains(":"), lower.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) { return .ipv6 }
        if lower.contains("@") { return .email }
        if lower.contains("."), !lower.contains(" "), !lower.contains("/") { return .domain }
        return .other
    }

    /// `Philips | Vue PACS | <12.2.8.410, 12.3`: vendor (may be blank), product, versions.
    static func product(_ line: String) -> [String: Any] {
        let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count >= 2 else { return ["product": line] }
        var object: [String: Any] = ["product": parts[1], "versions": parts.count > 2 ? items(parts[2...].joined(separator: ",")) : []]
        if !parts[0].isEmpty { object["vendor"] = parts[0] }
        return object
    }

    /// The form's values for a template, with the choices of severity and marking and which is selected.
    func values(messages: Messages, locale: String) -> [String: Any] {
        [
            "alertTitle": title, "summary": summary, "body": body, "regions": regions, "categories": categories, "cves": cves,
            "indicators": indicators, "products": products,
            "severities": Severity.allCases.reversed().map { severity -> [String: Any] in ["value": severity.rawValue, "label": messages.severity(severity, locale: locale), "selected": severity.rawValue == self.severity] },
            "tlps": TLP.allCases.map { marking -> [String: Any] in ["value": marking.rawValue, "label": marking.label, "selected": marking.rawValue == tlp] },
        ]
    }
}
