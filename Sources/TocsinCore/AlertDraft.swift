import Foundation

/// What a publisher sends to create or revise an alert: the content, without identity or dates Tocsin assigns.
///
/// Decoding is strict about types and known values (TLP, severity, indicator types); `validated()` then checks
/// sizes and formats and names the offending field, so that nothing invalid reaches the store.
public struct AlertDraft: Codable, Sendable, Hashable {
    public var title: String
    public var summary: String
    public var body: String?
    public var severity: Severity
    public var tlp: TLP
    public var categories: [String]
    public var cves: [String]
    public var regions: [String]
    public var indicators: [Indicator]
    public var affectedProducts: [AffectedProduct]
    public var references: [Reference]
    public var cvss: [CVSSScore]
    public var knownExploited: Bool
    public var source: String?
    public var sourceRef: String?
    public var sourceVersion: String?
    public var sourcePublishedAt: Date?
    /// The source's own date of this version of the document, when it differs from the first publication.
    public var sourceUpdatedAt: Date?
    public var attributes: [String: String]

    public init(
        title: String, summary: String, body: String? = nil, severity: Severity, tlp: TLP,
        categories: [String] = [], cves: [String] = [], regions: [String] = [], indicators: [Indicator] = [],
        affectedProducts: [AffectedProduct] = [], references: [Reference] = [], cvss: [CVSSScore] = [],
        knownExploited: Bool = false, source: String? = nil, sourceRef: String? = nil, sourceVersion: String? = nil,
        sourcePublishedAt: Date? = nil, sourceUpdatedAt: Date? = nil, attributes: [String: String] = [:]
    ) {
        self.title = title
        self.summary = summary
        self.body = body
        self.severity = severity
        self.tlp = tlp
        self.categories = categories
        self.cves = cves
        self.regions = regions
        self.indicators = indicators
        self.affectedProducts = affectedProducts
        self.references = references
        self.cvss = cvss
        self.knownExploited = knownExploited
        self.source = source
        self.sourceRef = sourceRef
        self.sourceVersion = sourceVersion
        self.sourcePublishedAt = sourcePublishedAt
        self.sourceUpdatedAt = sourceUpdatedAt
        self.attributes = attributes
    }

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
        source = try c.decodeIfPresent(String.self, forKey: .source)
        sourceRef = try c.decodeIfPresent(String.self, forKey: .sourceRef)
        sourceVersion = try c.decodeIfPresent(String.self, forKey: .sourceVersion)
        sourcePublishedAt = try c.decodeIfPresent(Date.self, forKey: .sourcePublishedAt)
        sourceUpdatedAt = try c.decodeIfPresent(Date.self, forKey: .sourceUpdatedAt)
        attributes = try c.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
    }

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
    public func validated() throws(ValidationError) -> AlertDraft {
        var draft = self
        draft.title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !draft.title.isEmpty else { throw ValidationError(field: "title", message: "must not be empty") }
        guard draft.title.count <= Limits.title else {
            throw ValidationError(field: "title", message: "is longer than \(Limits.title) characters")
        }
        guard summary.count <= Limits.summary else {
            throw ValidationError(field: "summary", message: "is longer than \(Limits.summary) characters")
        }
        if let body, body.count > Limits.body {
            throw ValidationError(field: "body", message: "is longer than \(Limits.body) characters")
        }
        try TextRules.check(draft.title, field: "title")
        try TextRules.check(summary, field: "summary", longText: true)
        if let body { try TextRules.check(body, field: "body", longText: true) }
        for (name, list) in [("categories", categories), ("cves", cves), ("regions", regions)] where list.count > Limits.listItems {
            throw ValidationError(field: name, message: "has more than \(Limits.listItems) items")
        }
        draft.categories = try Self.unique(categories.enumerated().map { index, raw throws(ValidationError) in
            let value = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard !value.isEmpty, value.count <= 100 else {
                throw ValidationError(field: "categories[\(index)]", message: "must be 1 to 100 characters")
            }
            try TextRules.check(value, field: "categories[\(index)]")
            return value
        })
        draft.cves = try Self.unique(cves.enumerated().map { index, raw throws(ValidationError) in
            let value = raw.trimmingCharacters(in: .whitespaces).uppercased()
            guard CVE.isValid(value) else {
                throw ValidationError(field: "cves[\(index)]", message: "'\(raw.prefix(64))' is not a CVE id like CVE-2024-3400")
            }
            return value
        })
        draft.regions = try Self.unique(regions.enumerated().map { index, raw throws(ValidationError) in
            guard Region.isKnown(raw) else {
                throw ValidationError(field: "regions[\(index)]", message: "'\(raw.prefix(16))' is not an INSEE region code such as 28 or 11")
            }
            return raw
        })
        guard indicators.count <= Limits.indicators else {
            throw ValidationError(field: "indicators", message: "has more than \(Limits.indicators) items")
        }
        for (index, indicator) in indicators.enumerated() {
            let value = indicator.value.trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty, value.count <= Limits.value else {
                throw ValidationError(field: "indicators[\(index)].value", message: "must be 1 to \(Limits.value) characters")
            }
            try TextRules.check(value, field: "indicators[\(index)].value")
            draft.indicators[index].value = value
        }
        for (index, reference) in references.enumerated() {
            guard reference.url.count <= Limits.value, let url = URL(string: reference.url),
                  let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
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
        return draft
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}

/// An input that decoded but does not make sense, with the path of the offending field.
public struct ValidationError: Error, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field) \(message)" }
}

/// CVE identifiers: `CVE-YYYY-NNNN…` with four or more digits after the year.
public enum CVE {
    public static func isValid(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "CVE", parts[1].count == 4, parts[2].count >= 4, parts[2].count <= 19 else { return false }
        return parts[1].allSatisfy(\.isASCIIDigit) && parts[2].allSatisfy(\.isASCIIDigit)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
