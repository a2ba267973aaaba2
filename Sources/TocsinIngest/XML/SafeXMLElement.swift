/// One element of a document read by `SafeXMLParser`: an immutable tree that adapters query by local name and
/// namespace URI.
///
/// Character data (text, CDATA, character references) is kept in document order around the children, so that
/// `text` gives the element's own text and `textContent` the text of the whole subtree as a reader would see it.
public struct SafeXMLElement: Sendable, Hashable {
    /// The local name, without prefix (`alert`, `entry`).
    public let name: String
    /// The prefix as written (`cap` in `<cap:event>`), nil when none; for diagnostics only, query by `namespace`.
    public let prefix: String?
    /// The namespace URI the element belongs to, nil when it is in no namespace (RSS 2.0).
    public let namespace: String?
    /// The attributes in document order, without the `xmlns` declarations.
    public let attributes: [SafeXMLAttribute]
    public let children: [SafeXMLElement]
    /// `textRuns[i]` is the character data just before `children[i]`; the last run follows the last child.
    let textRuns: [String]

    init(name: String, prefix: String?, namespace: String?, attributes: [SafeXMLAttribute], children: [SafeXMLElement], textRuns: [String]) {
        self.name = name
        self.prefix = prefix
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.textRuns = textRuns
    }

    /// The element's own character data, children excluded.
    public var text: String { textRuns.count == 1 ? textRuns[0] : textRuns.joined() }

    /// The element's own text with surrounding white space removed, or nil when that leaves nothing.
    public var value: String? {
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// All the character data of the subtree in document order (children's text included).
    public var textContent: String {
        guard !children.isEmpty else { return text }
        var result = ""
        for (index, run) in textRuns.enumerated() {
            result += run
            if index < children.count { result += children[index].textContent }
        }
        return result
    }

    /// The first child with this local name in this namespace (nil: no namespace).
    public func child(_ name: String, namespace: String?) -> SafeXMLElement? {
        children.first { $0.name == name && $0.namespace == namespace }
    }

    /// Every child with this local name in this namespace (nil: no namespace).
    public func children(_ name: String, namespace: String?) -> [SafeXMLElement] {
        children.filter { $0.name == name && $0.namespace == namespace }
    }

    /// The trimmed text of the first child with this name and namespace, nil when absent or empty.
    public func childValue(_ name: String, namespace: String?) -> String? {
        child(name, namespace: namespace)?.value
    }

    /// The value of an attribute by local name and namespace (unprefixed attributes are in no namespace).
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        attributes.first { $0.name == name && $0.namespace == namespace }?.value
    }
}

/// One attribute of a `SafeXMLElement`, its value already unescaped and white-space normalised.
public struct SafeXMLAttribute: Sendable, Hashable {
    public let name: String
    public let prefix: String?
    public let namespace: String?
    public let value: String

    /// An attribute as the parser reads it; public for tests and for adapters that build trees by hand.
    public init(name: String, prefix: String? = nil, namespace: String? = nil, value: String) {
        self.name = name
        self.prefix = prefix
        self.namespace = namespace
        self.value = value
    }
}
