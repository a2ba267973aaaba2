import Foundation

/// An incident an establishment declares to the CERT: what is happening, what to look for, who to call back, and
/// where the declaration stands, from detection to the flash alert that warns its peers.
///
/// Incident content is the declarant's and the CERT's only: the declarant sees its own incidents, the CERT (admins
/// and publishers) all of them, and peers only the flash alert, which names the victim by kind and region unless
/// the CERT chose otherwise.
public struct Incident: Codable, Sendable, Hashable, Identifiable {
    /// The effect on care: none, degraded, or stopped.
    public enum CareImpact: String, Codable, Sendable, CaseIterable {
        case none
        case degraded
        case stopped
    }

    /// Where a declaration stands in the CERT's queue.
    public enum Status: String, Codable, Sendable, CaseIterable {
        case new
        case acknowledged
        case inProgress
        case flashPublished
        case closed
    }

    /// Whom the CERT calls back; personal data, shown to the declarant and the CERT only, never logged.
    public struct Callback: Codable, Sendable, Hashable {
        public var name: String?
        public var phone: String?
        public var email: String?

        public init(name: String? = nil, phone: String? = nil, email: String? = nil) {
            self.name = name
            self.phone = phone
            self.email = email
        }
    }

    public var id: String
    /// The declaring organisation; never shown to peers.
    public var orgId: String
    public var summary: String
    /// The malware or family, when known.
    public var malware: String?
    public var detectedAt: Date?
    public var careImpact: CareImpact?
    public var affectedSystems: String?
    /// What the declarant found, every one `stated`.
    public var indicators: [Indicator]
    public var callback: Callback?
    /// The widest marking the declarant allows; a flash alert is never wider.
    public var requestedTLP: TLP
    public var status: Status
    /// The flash alert made from the incident, once published.
    public var flashAlertId: String?
    /// Whether the flash alert names the declarant (an explicit choice of the CERT); false by default.
    public var flashNamesDeclarant: Bool
    public var declaredAt: Date
    public var acknowledgedAt: Date?
    public var flashPublishedAt: Date?
    public var closedAt: Date?
    public var updatedAt: Date

    public init(id: String = TocsinID.make(), orgId: String, summary: String, malware: String? = nil, detectedAt: Date? = nil,
                careImpact: CareImpact? = nil, affectedSystems: String? = nil, indicators: [Indicator] = [],
                callback: Callback? = nil, requestedTLP: TLP = .amber, status: Status = .new, flashAlertId: String? = nil,
                flashNamesDeclarant: Bool = false, declaredAt: Date, acknowledgedAt: Date? = nil, flashPublishedAt: Date? = nil,
                closedAt: Date? = nil, updatedAt: Date? = nil) {
        self.id = id
        self.orgId = orgId
        self.summary = summary
        self.malware = malware
        self.detectedAt = detectedAt
        self.careImpact = careImpact
        self.affectedSystems = affectedSystems
        self.indicators = indicators
        self.callback = callback
        self.requestedTLP = requestedTLP
        self.status = status
        self.flashAlertId = flashAlertId
        self.flashNamesDeclarant = flashNamesDeclarant
        self.declaredAt = declaredAt
        self.acknowledgedAt = acknowledgedAt
        self.flashPublishedAt = flashPublishedAt
        self.closedAt = closedAt
        self.updatedAt = updatedAt ?? declaredAt
    }

    /// The most indicators one incident keeps.
    public static let maximumIndicators = AlertContent.Limits.indicators
}

/// One message of an incident's thread: the CERT asks, the declarant answers.
public struct IncidentMessage: Codable, Sendable, Hashable, Identifiable {
    /// Who wrote it, by side (never a person's name).
    public enum Author: String, Codable, Sendable {
        case declarant
        case cert
    }

    public var id: String
    public var incidentId: String
    public var author: Author
    public var body: String
    /// How many indicators the message added to the incident (the declarant's later finds).
    public var indicatorsAdded: Int
    public var at: Date

    public init(id: String = TocsinID.make(), incidentId: String, author: Author, body: String, indicatorsAdded: Int = 0, at: Date) {
        self.id = id
        self.incidentId = incidentId
        self.author = author
        self.body = body
        self.indicatorsAdded = indicatorsAdded
        self.at = at
    }

    /// The longest message body.
    public static let maximumLength = 20_000
}
