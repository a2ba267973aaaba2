import Foundation

/// What the CERT chooses when it turns an incident into a flash alert: the marking (never wider than the declarant
/// asked), the scope (national, some regions, some kinds of establishment), the severity, and whether the alert
/// names the declarant (it does not unless asked).
public struct FlashRequest: Codable, Sendable, Hashable {
    /// Defaults to the marking the declarant asked for.
    public var tlp: TLP?
    /// Defaults to `high`.
    public var severity: Severity?
    /// INSEE codes; none means national.
    public var regions: [String]?
    /// The kinds of establishment the alert goes to; none means every kind.
    public var kinds: [Organisation.Kind]?
    /// Names the declarant in the alert; an explicit choice, false when unsaid.
    public var namesDeclarant: Bool?
    /// The CERT's own title and summary instead of the ones written from the incident.
    public var title: String?
    public var summary: String?
    /// The language of the written title and summary; French when unsaid.
    public var locale: String?

    public init(tlp: TLP? = nil, severity: Severity? = nil, regions: [String]? = nil, kinds: [Organisation.Kind]? = nil,
                namesDeclarant: Bool? = nil, title: String? = nil, summary: String? = nil, locale: String? = nil) {
        self.tlp = tlp
        self.severity = severity
        self.regions = regions
        self.kinds = kinds
        self.namesDeclarant = namesDeclarant
        self.title = title
        self.summary = summary
        self.locale = locale
    }
}

/// Why an incident cannot be flashed as asked.
public enum FlashError: Error, Equatable, CustomStringConvertible {
    /// The marking asked is wider than the declarant allowed.
    case widerThanRequested(requested: TLP, asked: TLP)

    public var description: String {
        switch self {
        case .widerThanRequested(let requested, let asked):
            "the declarant asked for \(requested.label) at most; \(asked.label) would share the incident more widely"
        }
    }
}

/// Writes the flash alert of an incident, pure: the victim's indicators as `stated`, the victim named by its kind
/// and region ("un CHU de la région Normandie") unless the CERT chose to show its name, the words from the locale's
/// messages. The summary is written from the incident's facts, never copied from the declarant's own text, which may
/// name it.
public enum FlashDraft {
    /// The category every flash alert carries.
    public static let category = "flash"

    /// The draft of the flash alert of `incident`, declared by `declarant`.
    public static func make(_ incident: Incident, declarant: Organisation, request: FlashRequest,
                            messages: Messages) throws(FlashError) -> AlertDraft {
        let tlp = request.tlp ?? incident.requestedTLP
        guard tlp.rank >= incident.requestedTLP.rank else { throw .widerThanRequested(requested: incident.requestedTLP, asked: tlp) }
        let locale = messages.locale(for: request.locale ?? Messages.defaultLocale)
        let victim = request.namesDeclarant == true ? declarant.name : anonymous(declarant, messages: messages, locale: locale)
        let title = request.title ?? (incident.malware.map {
            messages.text(.flashTitleMalware, locale: locale, ["victim": victim, "malware": $0])
        } ?? messages.text(.flashTitle, locale: locale, ["victim": victim]))
        var lines = [messages.text(.flashSummary, locale: locale, ["victim": victim])]
        if let malware = incident.malware { lines.append(messages.text(.flashMalware, locale: locale, ["malware": malware])) }
        if let impact = incident.careImpact { lines.append(messages.text(careImpactKey(impact), locale: locale)) }
        var kinds = request.kinds ?? []
        var seen = Set<Organisation.Kind>()
        kinds = kinds.filter { seen.insert($0).inserted }
        var draft = AlertDraft(title: String(title.prefix(AlertContent.Limits.title)), summary: request.summary ?? lines.joined(separator: " "),
                               severity: request.severity ?? .high, tlp: tlp, categories: [category], regions: request.regions ?? [],
                               indicators: incident.indicators.map { var stated = $0; stated.origin = .stated; return stated })
        draft.kinds = kinds.isEmpty ? nil : kinds
        return draft
    }

    /// "un CHU de la région Normandie", "a university hospital (CHU) in the Normandie region"; the kind alone when
    /// the declarant is in no region.
    public static func anonymous(_ org: Organisation, messages: Messages, locale: String) -> String {
        let who = messages.text(kindKey(org.kind), locale: locale)
        guard let region = org.region, let name = Region.names[region] else { return who }
        return messages.text(.flashVictimRegion, locale: locale, ["who": who, "region": name])
    }

    static func kindKey(_ kind: Organisation.Kind) -> MessageKey {
        switch kind {
        case .chu: .flashKindCHU
        case .ch: .flashKindCH
        case .clinic: .flashKindClinic
        case .ehpad: .flashKindEHPAD
        case .esms: .flashKindESMS
        case .ars: .flashKindARS
        case .cert: .flashKindCERT
        case .other: .flashKindOther
        }
    }

    static func careImpactKey(_ impact: Incident.CareImpact) -> MessageKey {
        switch impact {
        case .none: .flashCareNone
        case .degraded: .flashCareDegraded
        case .stopped: .flashCareStopped
        }
    }
}
