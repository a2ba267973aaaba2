/// A CAP 1.1 or 1.2 `<alert>` message as read from its XML tree: the fields Tocsin uses, as text.
///
/// Elements Tocsin does not use (`parameter`, `eventCode`, `geocode`, polygons, enveloped `ds:Signature`) are not
/// read; the signature in particular is neither verified nor an error.
struct CAPMessage: Sendable {
    static let namespaces = ["urn:oasis:names:tc:emergency:cap:1.2", "urn:oasis:names:tc:emergency:cap:1.1"]

    var version: String
    var identifier: String
    var sender: String
    var sent: String
    var status: String?
    var msgType: String?
    var scope: String?
    var note: String?
    /// The `sender,identifier,sent` triples of `references`, in order.
    var references: [(sender: String, identifier: String, sent: String)]
    var infos: [CAPInfo]

    /// Reads the message from its root element, naming the missing element when a required one is absent.
    init(_ alert: SafeXMLElement) throws(IngestError) {
        guard alert.name == "alert", let namespace = alert.namespace, Self.namespaces.contains(namespace) else {
            let found = alert.namespace.map { "<\(alert.name)> in namespace \($0.prefix(100))" } ?? "<\(alert.name)> in no namespace"
            throw IngestError(format: .cap, path: "/", message: "expected a CAP 1.2 or 1.1 <alert>, found \(found)")
        }
        func required(_ name: String) throws(IngestError) -> String {
            guard let value = alert.childValue(name, namespace: namespace) else {
                throw IngestError(format: .cap, path: "/alert/\(name)", message: "is required")
            }
            return value
        }
        version = namespace.hasSuffix("1.1") ? "1.1" : "1.2"
        identifier = try required("identifier")
        sender = try required("sender")
        sent = try required("sent")
        status = alert.childValue("status", namespace: namespace)
        msgType = alert.childValue("msgType", namespace: namespace)
        scope = alert.childValue("scope", namespace: namespace)
        note = alert.childValue("note", namespace: namespace)
        references = (alert.childValue("references", namespace: namespace) ?? "")
            .split(whereSeparator: { $0.isWhitespace })
            .compactMap { triple in
                let parts = triple.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                return parts.count == 3 && !parts[1].isEmpty ? (parts[0], parts[1], parts[2]) : nil
            }
        infos = alert.children("info", namespace: namespace).map { CAPInfo($0, namespace: namespace) }
    }

    /// The info block to present: French first, then English, then the first one.
    var preferredInfo: CAPInfo? {
        func language(_ info: CAPInfo) -> String { (info.language ?? "en-US").lowercased() }
        return infos.first { language($0) == "fr" || language($0).hasPrefix("fr-") }
            ?? infos.first { language($0) == "en" || language($0).hasPrefix("en-") }
            ?? infos.first
    }
}

/// One `<info>` block of a CAP message.
struct CAPInfo: Sendable, Hashable {
    var language: String?
    var categories: [String]
    var event: String?
    var urgency: String?
    var severity: String?
    var certainty: String?
    var senderName: String?
    var headline: String?
    var description: String?
    var instruction: String?
    var web: String?
    var contact: String?
    var effective: String?
    var onset: String?
    var expires: String?
    var areas: [String]
    /// `resourceDesc` and `uri` of the resources that have a URI.
    var resources: [Resource]

    struct Resource: Sendable, Hashable {
        var description: String?
        var uri: String
    }

    init(_ info: SafeXMLElement, namespace: String) {
        func value(_ name: String) -> String? { info.childValue(name, namespace: namespace) }
        language = value("language")
        categories = info.children("category", namespace: namespace).compactMap(\.value)
        event = value("event")
        urgency = value("urgency")
        severity = value("severity")
        certainty = value("certainty")
        senderName = value("senderName")
        headline = value("headline")
        description = value("description")
        instruction = value("instruction")
        web = value("web")
        contact = value("contact")
        effective = value("effective")
        onset = value("onset")
        expires = value("expires")
        areas = info.children("area", namespace: namespace).compactMap { $0.childValue("areaDesc", namespace: namespace) }
        resources = info.children("resource", namespace: namespace).compactMap { resource in
            resource.childValue("uri", namespace: namespace).map { Resource(description: resource.childValue("resourceDesc", namespace: namespace), uri: $0) }
        }
    }
}
