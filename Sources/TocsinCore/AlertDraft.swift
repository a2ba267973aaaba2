import Foundation

/// What a publisher sends to create or revise an alert: the content, without identity or dates Tocsin assigns, and
/// optionally the source's name and publication date, which Tocsin otherwise fills in.
///
/// The content's fields read and write as the draft's own (`draft.title`, `draft.indicators.append(…)`). Its JSON is
/// one flat object, decoded as strictly as `AlertContent` says; `validated()` checks the content and names the
/// offending field, so that nothing invalid reaches the store.
@dynamicMemberLookup
public struct AlertDraft: Codable, Sendable, Hashable {
    /// What the alert says.
    public var content: AlertContent
    /// The source's name (`Alert.source`); nil lets the entry point that publishes it name it (`api`, the poller's
    /// source). A revision keeps the alert's.
    public var source: String?
    /// The source's own publication date; nil means the reception date, or the alert's date when revising.
    public var sourcePublishedAt: Date?
    /// The drill the alert belongs to (`"status": "exercise"`); nil for a real alert. A revision keeps the alert's.
    public var exerciseId: String?

    public init(_ content: AlertContent, source: String? = nil, sourcePublishedAt: Date? = nil, exerciseId: String? = nil) {
        self.content = content
        self.source = source
        self.sourcePublishedAt = sourcePublishedAt
        self.exerciseId = exerciseId
    }

    /// A draft field by field, as the adapters build one.
    public init(
        title: String, summary: String, body: String? = nil, severity: Severity, tlp: TLP,
        categories: [String] = [], cves: [String] = [], regions: [String] = [], indicators: [Indicator] = [],
        affectedProducts: [AffectedProduct] = [], references: [Reference] = [], cvss: [CVSSScore] = [],
        knownExploited: Bool = false, source: String? = nil, sourceRef: String? = nil, sourceVersion: String? = nil,
        sourcePublishedAt: Date? = nil, sourceUpdatedAt: Date? = nil, attributes: [String: String] = [:]
    ) {
        self.init(
            AlertContent(
                title: title, summary: summary, body: body, severity: severity, tlp: tlp, categories: categories, cves: cves,
                regions: regions, indicators: indicators, affectedProducts: affectedProducts, references: references,
                cvss: cvss, knownExploited: knownExploited, sourceRef: sourceRef, sourceVersion: sourceVersion,
                sourceUpdatedAt: sourceUpdatedAt, attributes: attributes
            ),
            source: source, sourcePublishedAt: sourcePublishedAt
        )
    }

    /// `draft.title`, `draft.severity = …`: the content's fields, read and changed in place.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<AlertContent, Value>) -> Value {
        get { content[keyPath: keyPath] }
        // Yields the field itself, so that `draft.indicators.append(…)` in a loop does not copy the list each time.
        _modify { yield &content[keyPath: keyPath] }
    }

    /// The draft's own keys, beside the content's in the same object.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case source, sourcePublishedAt, status, exerciseId
    }

    /// What a publisher says the alert is (CAP's `status`): `actual`, or `exercise` for a drill, which then names
    /// its `exerciseId`. The alert's own `status` is its life (published, updated, cancelled); a drill shows as its
    /// `exerciseId`.
    public enum Purpose: String, Codable, Sendable {
        case actual
        case exercise
    }

    /// The keys of a draft's JSON object: the fields a revision patch may name.
    public static let fields: Set<String> = Set(
        AlertContent.CodingKeys.allCases.map(\.stringValue) + CodingKeys.allCases.map(\.stringValue)
    )

    public init(from decoder: any Decoder) throws {
        content = try AlertContent(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        source = try c.decodeIfPresent(String.self, forKey: .source)
        sourcePublishedAt = try c.decodeIfPresent(Date.self, forKey: .sourcePublishedAt)
        exerciseId = try c.decodeIfPresent(String.self, forKey: .exerciseId)
        switch try c.decodeIfPresent(Purpose.self, forKey: .status) {
        case .exercise?:
            guard exerciseId != nil else {
                throw DecodingError.dataCorruptedError(forKey: .status, in: c, debugDescription: "an exercise names its exerciseId")
            }
        case .actual?:
            guard exerciseId == nil else {
                throw DecodingError.dataCorruptedError(forKey: .status, in: c, debugDescription: "an actual alert has no exerciseId")
            }
        case nil:
            break
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try content.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(source, forKey: .source)
        try c.encodeIfPresent(sourcePublishedAt, forKey: .sourcePublishedAt)
        if exerciseId != nil { try c.encode(Purpose.exercise, forKey: .status) }
        try c.encodeIfPresent(exerciseId, forKey: .exerciseId)
    }

    /// The content's limits, where the adapters look for them.
    public typealias Limits = AlertContent.Limits

    /// The draft with its content checked and normalised (`AlertContent.validated()`).
    public func validated() throws(ValidationError) -> AlertDraft {
        var draft = self
        draft.content = try content.validated()
        if let exerciseId {
            guard (1...100).contains(exerciseId.count),
                  exerciseId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }) else {
                throw ValidationError(field: "exerciseId", message: "must be 1 to 100 letters, digits, '-', '_', '.' or ':'")
            }
        }
        return draft
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
        // `CVE-`, four digits, `-`, four to nineteen digits: all ASCII, so the common case is read over bytes.
        let bytes = id.utf8
        if bytes.count >= 13, bytes.count <= 28, bytes.allSatisfy({ $0 < 0x80 }) {
            var index = 0
            for byte in bytes {
                let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                switch index {
                case 0: guard byte == UInt8(ascii: "C") else { return false }
                case 1: guard byte == UInt8(ascii: "V") else { return false }
                case 2: guard byte == UInt8(ascii: "E") else { return false }
                case 3, 8: guard byte == UInt8(ascii: "-") else { return false }
                default: guard isDigit else { return false }
                }
                index += 1
            }
            return true
        }
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "CVE", parts[1].count == 4, parts[2].count >= 4, parts[2].count <= 19 else { return false }
        return parts[1].allSatisfy(\.isASCIIDigit) && parts[2].allSatisfy(\.isASCIIDigit)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
