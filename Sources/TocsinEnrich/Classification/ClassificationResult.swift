import TocsinCore

/// What classification decided for one alert: its categories, why each, and its normalised severity.
public struct ClassificationResult: Sendable, Hashable {
    /// Lower-case category names, each once: the publisher's own first, then those from the source's taxonomy,
    /// then those from keywords; `other` alone when nothing applied.
    public var categories: [String]
    /// Why each category was given, by category: `misp tag ecsirt:malicious-code="ransomware"`,
    /// `keyword 'rançongiciel'`, `CERT-FR series alerte`…
    public var reasons: [String: String]
    /// The severity after the rules of `ClassificationSeverity`; never below what the source stated.
    public var severity: Severity
    /// Why `severity` differs from the severity the alert came with from its source, or nil when it is the same.
    public var severityRaisedBecause: String?

    public init(categories: [String], reasons: [String: String], severity: Severity, severityRaisedBecause: String?) {
        self.categories = categories
        self.reasons = reasons
        self.severity = severity
        self.severityRaisedBecause = severityRaisedBecause
    }
}
