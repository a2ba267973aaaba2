import TocsinCore

/// An alert's content (a draft's or a stored alert's) as classification reads it: its fields, and its text in the
/// order keywords are looked for.
@dynamicMemberLookup
struct ClassificationInput: Sendable {
    let content: AlertContent
    /// Title, summary, body and affected product names, in that order.
    let texts: [String]

    init(_ content: AlertContent) {
        self.content = content
        texts = Self.texts(title: content.title, summary: content.summary, body: content.body, products: content.affectedProducts)
    }

    subscript<Value>(dynamicMember keyPath: KeyPath<AlertContent, Value>) -> Value { content[keyPath: keyPath] }

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
