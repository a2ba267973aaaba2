import TocsinCore

/// The parts of a draft or a stored alert that classification reads.
struct ClassificationInput: Sendable {
    var categories: [String]
    var severity: Severity
    var attributes: [String: String]
    var knownExploited: Bool
    var cves: [String]
    var cvss: [CVSSScore]
    var indicators: [Indicator]
    var sourceRef: String?
    /// Title, summary, body and affected product names, in that order.
    var texts: [String]

    init(_ draft: AlertDraft) {
        categories = draft.categories
        severity = draft.severity
        attributes = draft.attributes
        knownExploited = draft.knownExploited
        cves = draft.cves
        cvss = draft.cvss
        indicators = draft.indicators
        sourceRef = draft.sourceRef
        texts = Self.texts(title: draft.title, summary: draft.summary, body: draft.body, products: draft.affectedProducts)
    }

    init(_ alert: Alert) {
        categories = alert.categories
        severity = alert.severity
        attributes = alert.attributes
        knownExploited = alert.knownExploited
        cves = alert.cves
        cvss = alert.cvss
        indicators = alert.indicators
        sourceRef = alert.sourceRef
        texts = Self.texts(title: alert.title, summary: alert.summary, body: alert.body, products: alert.affectedProducts)
    }

    private static func texts(title: String, summary: String, body: String?, products: [AffectedProduct]) -> [String] {
        var texts = [title, summary]
        if let body { texts.append(body) }
        // Each product is its own field, so that a phrase never joins two product names.
        for product in products.prefix(AlertDraft.Limits.listItems) {
            texts.append([product.vendor, product.product].compactMap { $0 }.joined(separator: " "))
        }
        return texts
    }
}
