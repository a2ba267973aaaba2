import Foundation

/// What an alert says, declared once: its text, marking, lists and the source's references to the document.
///
/// `AlertDraft` carries it to Tocsin and `Alert` keeps it beside its identity, so a field added here (its property,
/// key and decoding) travels through publishing, revising and patching without being listed anywhere else; the
/// field-by-field `AlertDraft.init(title:…)` takes it only where adapters should set it up front. Both read and write
/// the content as a flat JSON object, its keys beside their own. Decoding is strict about types and known values (TLP, severity, indicator types);
/// `validated()` then checks sizes and formats and names the offending field, so that nothing invalid reaches the
/// store.
public struct AlertContent: Codable, Sendable, Hashable {
    public var title: String
    /// May be empty: a draft that gives none has an empty summary.
    public var summary: String
    public var body: String?
    public var severity: Severity
    public var tlp: TLP
    public var categories: [String] = []
    public var cves: [String] = []
    /// INSEE codes of the regions the alert concerns; empty means national.
    public var regions: [String] = []
    public var indicators: [Indicator] = []
    public var affectedProducts: [AffectedProduct] = []
    public var references: [Reference] = []
    /// CVSS scores the source gives or enrichment computed, highest first.
    public var cvss: [CVSSScore] = []
    /// True when the vulnerability is known to be exploited (CISA KEV, or the source says so).
    public var knownExploited = false
    /// The identifier the source gives the document (CSAF tracking id, CERT-FR reference…), when any.
    public var sourceRef: String?
    /// The source's own version of the document (CSAF `tracking.version`, a CERT-FR revision date…).
    public var sourceVersion: String?
    /// The source's own date of the version this content carries, when it differs from the first publication.
    public var sourceUpdatedAt: Date?
    /// Fields of the source kept as they are, namespaced by format (`cap.urgency`, `misp.threat_level`…).
    public var attributes: [String: String] = [:]
    /// The kinds of establishment the alert is for (a flash alert to the CHU only); nil or empty means every kind.
    public var kinds: [Organisation.Kind]?

    /// The JSON keys of the content; also the fields a revision patch may name (with the draft's own).
    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, summary, body, severity, tlp, categories, cves, regions, indicators, affectedProducts, references
        case cvss, knownExploited, sourceRef, sourceVersion, sourceUpdatedAt, attributes, kinds
    }
}

// Decoding and validation live in extensions so that the struct keeps its memberwise initialiser, which
// `AlertDraft.init(title:summary:…)` calls.
extension AlertContent {
    /// Reads the content's keys of a flat object, leaving the others to the type around it: a missing list is
    /// empty, a missing summary is empty, `knownExploited` is false unless given.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decode(String.self, forKey: .title)
        summary = try c.decodeIfPresent(String.self, forKey: .summary) ?? ""
        body = try c.decodeIfPresent(String.self, forKey: .body)
        severity = try c.decode(Severity.self, forKey: .severity)
        tlp = try c.decode(TLP.self, forKey: .tlp)
        categories = try c.decodeIfPresent([String].self, forKey: .categories) ?? []
        cves = try c.decodeIfPresent([String].self, forKey: .cves) ?? []
        regions = try c.decodeIfPresent([String].self, forKey: .regions) ?? []
        indicators = try c.decodeIfPresent([Indicator].self, forKey: .indicators) ?? []
        affectedProducts = try c.decodeIfPresent([AffectedProduct].self, forKey: .affectedProducts) ?? []
        references = try c.decodeIfPresent([Reference].self, forKey: .references) ?? []
        cvss = try c.decodeIfPresent([CVSSScore].self, forKey: .cvss) ?? []
        knownExploited = try c.decodeIfPresent(Bool.self, forKey: .knownExploited) ?? false
        sourceRef = try c.decodeIfPresent(String.self, forKey: .sourceRef)
        sourceVersion = try c.decodeIfPresent(String.self, forKey: .sourceVersion)
        sourceUpdatedAt = try c.decodeIfPresent(Date.self, forKey: .sourceUpdatedAt)
        attributes = try c.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
        kinds = try c.decodeIfPresent([Organisation.Kind].self, forKey: .kinds)
    }
}

extension AlertContent {
    /// Limits that keep one alert to a sane size; the API also caps the request body.
    public enum Limits {
        public static let title = 500
        public static let summary = 20_000
        public static let body = 500_000
        public static let listItems = 1_000
        public static let indicators = 20_000
        public static let value = 4_096
    }

    /// Checks sizes and formats, normalises case (CVE ids upper, categories lower) and removes duplicates.
    public func validated() throws(ValidationError) -> AlertContent {
        var content = self
        content.title = title.trimmingWhitespace()
        guard !content.title.isEmpty else { throw ValidationError(field: "title", message: "must not be empty") }
        guard Self.fits(content.title, Limits.title) else {
            throw ValidationError(field: "title", message: "is longer than \(Limits.title) characters")
        }
        guard Self.fits(summary, Limits.summary) else {
            throw ValidationError(field: "summary", message: "is longer than \(Limits.summary) characters")
        }
        if let body, !Self.fits(body, Limits.body) {
            throw ValidationError(field: "body", message: "is longer than \(Limits.body) characters")
        }
        try TextRules.check(content.title, field: "title")
        try TextRules.check(summary, field: "summary", longText: true)
        if let body { try TextRules.check(body, field: "body", longText: true) }
        for (name, list) in [("categories", categories), ("cves", cves), ("regions", regions)] where list.count > Limits.listItems {
            throw ValidationError(field: name, message: "has more than \(Limits.listItems) items")
        }
        content.categories = try Self.unique(categories.enumerated().map { index, raw throws(ValidationError) in
            let value = Self.trimmingSpaces(raw).lowercased()
            guard !value.isEmpty, value.count <= 100 else {
                throw ValidationError(field: "categories[\(index)]", message: "must be 1 to 100 characters")
            }
            try TextRules.check(value, field: "categories[\(index)]")
            return value
        })
        content.cves = try Self.unique(cves.enumerated().map { index, raw throws(ValidationError) in
            let value = Self.trimmingSpaces(raw).uppercased()
            guard CVE.isValid(value) else {
                throw ValidationError(field: "cves[\(index)]", message: "'\(raw.prefix(64))' is not a CVE id like CVE-2024-3400")
            }
            return value
        })
        content.regions = try Self.unique(regions.enumerated().map { index, raw throws(ValidationError) in
            guard Region.isKnown(raw) else {
                throw ValidationError(field: "regions[\(index)]", message: "'\(raw.prefix(16))' is not an INSEE region code such as 28 or 11")
            }
            return raw
        })
        if let kinds {
            guard kinds.count <= Organisation.Kind.allCases.count else {
                throw ValidationError(field: "kinds", message: "has more than \(Organisation.Kind.allCases.count) items")
            }
            var seen = Set<Organisation.Kind>()
            let unique = kinds.filter { seen.insert($0).inserted }
            content.kinds = unique.isEmpty ? nil : unique
        }
        guard indicators.count <= Limits.indicators else {
            throw ValidationError(field: "indicators", message: "has more than \(Limits.indicators) items")
        }
        for (index, indicator) in indicators.enumerated() {
            let value = indicator.value.trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty, value.count <= Limits.value else {
                throw ValidationError(field: "indicators[\(index)].value", message: "must be 1 to \(Limits.value) characters")
            }
            try TextRules.check(value, field: "indicators[\(index)].value")
            content.indicators[index].value = value
            if let confidence = indicator.confidence, !(0...1).contains(confidence) {
                throw ValidationError(field: "indicators[\(index)].confidence", message: "must be from 0 to 1")
            }
        }
        for (index, reference) in references.enumerated() {
            guard reference.url.utf8.count <= Limits.value || reference.url.count <= Limits.value,
                  WebURL.isHTTP(reference.url, requiringHost: false) else {
                throw ValidationError(field: "references[\(index)].url", message: "must be an http or https URL")
            }
        }
        // A score is kept as given when its vector does not parse, so it must be a CVSS score itself.
        for (index, score) in cvss.enumerated() where !(0...10).contains(score.baseScore) {
            throw ValidationError(field: "cvss[\(index)].baseScore", message: "must be from 0 to 10")
        }
        for (index, product) in affectedProducts.enumerated() where product.product.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError(field: "affectedProducts[\(index)].product", message: "must not be empty")
        }
        return content
    }

    /// `text.trimmingCharacters(in: .whitespaces)`, without asking Foundation when both ends are printable ASCII.
    static func trimmingSpaces(_ text: String) -> String {
        if let first = text.utf8.first, let last = text.utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// Whether `text` has at most `limit` characters; a text of at most `limit` UTF-8 bytes is not counted, since a
    /// character takes one byte at least.
    static func fits(_ text: String, _ limit: Int) -> Bool {
        text.utf8.count <= limit || text.count <= limit
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
