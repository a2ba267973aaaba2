import Foundation

/// What an establishment sends to declare an incident. Only the summary is required, so that declaring takes under a
/// minute; indicators that do not make sense are set aside and reported, never a reason to refuse the declaration.
public struct IncidentDeclaration: Codable, Sendable {
    /// A document attached to the declaration, read for its indicators: a STIX 2.1 bundle, a MISP event or a CSV of
    /// `type,value[,comment]` lines.
    public struct Attachment: Codable, Sendable, Hashable {
        public enum Format: String, Codable, Sendable, CaseIterable {
            case stix
            case misp
            case csv
        }

        public var format: Format
        /// The document itself, as text.
        public var content: String

        public init(format: Format, content: String) {
            self.format = format
            self.content = content
        }
    }

    public var summary: String
    public var malware: String?
    public var detectedAt: Date?
    public var careImpact: Incident.CareImpact?
    public var affectedSystems: String?
    public var indicators: [IndicatorIntake.Raw]?
    public var attachments: [Attachment]?
    public var callback: Incident.Callback?
    /// The widest marking the declarant allows; AMBER when unsaid.
    public var tlp: TLP?

    public init(summary: String, malware: String? = nil, detectedAt: Date? = nil, careImpact: Incident.CareImpact? = nil,
                affectedSystems: String? = nil, indicators: [IndicatorIntake.Raw]? = nil, attachments: [Attachment]? = nil,
                callback: Incident.Callback? = nil, tlp: TLP? = nil) {
        self.summary = summary
        self.malware = malware
        self.detectedAt = detectedAt
        self.careImpact = careImpact
        self.affectedSystems = affectedSystems
        self.indicators = indicators
        self.attachments = attachments
        self.callback = callback
        self.tlp = tlp
    }

    /// The most attachments one declaration carries.
    public static let maximumAttachments = 10

    /// The incident this declaration makes for `orgId`, with the indicators of the list and of the attachments
    /// (`attached`, read by the caller), each once. Throws only for what cannot be set aside: no summary, a field
    /// too long, a callback that is not one.
    public func incident(orgId: String, attached: IndicatorIntake.Outcome, now: Date) throws(ValidationError) -> (Incident, rejected: [IndicatorIntake.Rejection]) {
        let summary = self.summary.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !summary.isEmpty, summary.count <= AlertContent.Limits.summary else {
            throw ValidationError(field: "summary", message: "must be 1 to \(AlertContent.Limits.summary) characters")
        }
        try TextRules.check(summary, field: "summary", longText: true)
        let malware = try Self.short(self.malware, field: "malware", limit: 200)
        var systems: String?
        if let affectedSystems {
            let trimmed = affectedSystems.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= 5_000 else { throw ValidationError(field: "affectedSystems", message: "is longer than 5000 characters") }
            try TextRules.check(trimmed, field: "affectedSystems", longText: true)
            systems = trimmed.isEmpty ? nil : trimmed
        }
        if let detectedAt, detectedAt > now.addingTimeInterval(300) {
            throw ValidationError(field: "detectedAt", message: "is in the future")
        }
        guard (attachments?.count ?? 0) <= Self.maximumAttachments else {
            throw ValidationError(field: "attachments", message: "has more than \(Self.maximumAttachments) items")
        }
        var outcome = IndicatorIntake.check(indicators ?? [])
        outcome.merge(attached)
        let incident = Incident(orgId: orgId, summary: summary, malware: malware, detectedAt: detectedAt?.millisecondPrecision,
                                careImpact: careImpact, affectedSystems: systems, callback: try Self.checked(callback),
                                requestedTLP: tlp ?? .amber, declaredAt: now.millisecondPrecision)
        let (withIndicators, _) = (try? IncidentLifecycle.adding(outcome.indicators, to: incident, now: incident.declaredAt)) ?? (incident, 0)
        return (withIndicators, outcome.rejected)
    }

    static func short(_ text: String?, field: String, limit: Int) throws(ValidationError) -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= limit else { throw ValidationError(field: field, message: "is longer than \(limit) characters") }
        try TextRules.check(trimmed, field: field)
        return trimmed.isEmpty ? nil : trimmed
    }

    static func checked(_ callback: Incident.Callback?) throws(ValidationError) -> Incident.Callback? {
        guard let callback else { return nil }
        var checked = Incident.Callback(name: try short(callback.name, field: "callback.name", limit: 200))
        if let phone = try short(callback.phone, field: "callback.phone", limit: 32) {
            guard phone.allSatisfy(Set("+0123456789 .-()").contains) else {
                throw ValidationError(field: "callback.phone", message: "must be a phone number such as +33 2 32 88 89 90")
            }
            checked.phone = phone
        }
        if let email = try short(callback.email, field: "callback.email", limit: 254) {
            guard EmailAddress.isPlausible(email) else { throw ValidationError(field: "callback.email", message: "is not an email address") }
            checked.email = email
        }
        return checked
    }
}
