import Foundation

/// The words Tocsin writes for people, in every locale it has: labels, notices and phrases, each locale's read from
/// its `Templates/<locale>/messages.json` (flat keys to phrases, with named placeholders such as `{count}`).
///
/// French is the product's default: a locale without a folder reads French. Every locale says exactly what French
/// says, and French says everything Tocsin writes (`MessageKey`); both are checked when the messages are made, so
/// a missing phrase stops the start rather than an email. Reading the files is left to the caller.
public struct Messages: Sendable {
    /// The locale that every other must match, and the one read when a locale has no folder.
    public static let defaultLocale = "fr"

    /// Why a locale's messages cannot be used; `file` names where they came from.
    public struct LoadError: Error, CustomStringConvertible {
        public var file: String
        public var reason: String
        public var description: String { "\(file): \(reason)" }

        public init(file: String, reason: String) {
            self.file = file
            self.reason = reason
        }
    }

    private let tables: [String: [String: String]]

    /// Messages from each locale's table. `source` names where a locale's table came from, for the errors: a
    /// locale lacking a key French has, or having one French lacks, and French lacking a key Tocsin writes.
    public init(tables: [String: [String: String]], source: (String) -> String = { "\($0)/messages.json" }) throws(LoadError) {
        guard let french = tables[Self.defaultLocale] else {
            throw LoadError(file: source(Self.defaultLocale), reason: "is missing: French is the default locale and every other is checked against it")
        }
        if let key = MessageKey.allCases.first(where: { french[$0.rawValue] == nil }) {
            throw LoadError(file: source(Self.defaultLocale), reason: "lacks the key \"\(key.rawValue)\", which Tocsin writes")
        }
        if let key = french.keys.sorted().first(where: { MessageKey(rawValue: $0) == nil }) {
            throw LoadError(file: source(Self.defaultLocale), reason: "has the key \"\(key)\", which names nothing Tocsin writes")
        }
        for (locale, table) in tables.sorted(by: { $0.key < $1.key }) where locale != Self.defaultLocale {
            if let key = french.keys.sorted().first(where: { table[$0] == nil }) {
                throw LoadError(file: source(locale), reason: "lacks the key \"\(key)\", which \(source(Self.defaultLocale)) has")
            }
            if let key = table.keys.sorted().first(where: { french[$0] == nil }) {
                throw LoadError(file: source(locale), reason: "has the key \"\(key)\", which \(source(Self.defaultLocale)) has not")
            }
        }
        self.tables = tables
    }

    /// One locale's table from the bytes of its `messages.json`: one JSON object of strings, read strictly (a
    /// duplicate key, a value that is not a string or trailing bytes are errors).
    public static func table(json: Data, source: String) throws(LoadError) -> [String: String] {
        do {
            return try StrictJSONDecoder().decode([String: String].self, from: json)
        } catch {
            throw LoadError(file: source, reason: "is not a JSON object of strings: \(error)")
        }
    }

    /// The locales there are messages for, French first.
    public var locales: [String] {
        [Self.defaultLocale] + tables.keys.filter { $0 != Self.defaultLocale }.sorted()
    }

    /// `locale` when there are messages for it, else French.
    public func locale(for locale: String) -> String {
        tables[locale] == nil ? Self.defaultLocale : locale
    }

    /// The phrase `key` in `locale` (French for a locale without messages), its placeholders filled from `values`.
    public func text(_ key: MessageKey, locale: String, _ values: [String: String] = [:]) -> String {
        let phrase = tables[self.locale(for: locale)]?[key.rawValue] ?? ""
        return values.isEmpty ? phrase : Self.fill(phrase, values)
    }

    /// Replaces each `{name}` that `values` names, in one pass (a value that itself holds braces stays as it is);
    /// other braces are kept.
    static func fill(_ phrase: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = phrase[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let value = values[String(rest[afterOpen..<close])] {
                out += value
                rest = rest[rest.index(after: close)...]
            } else {
                out += "{"
                rest = rest[afterOpen...]
            }
        }
        return out + rest
    }
}

extension Messages {
    /// The phrase in every locale, French first, separated by ` / `: for a page whose reader's language is unknown.
    public func everyLocale(_ key: MessageKey, _ values: [String: String] = [:]) -> String {
        locales.map { text(key, locale: $0, values) }.joined(separator: " / ")
    }

    /// The severity as subjects and titles write it (`CRITIQUE`, `HIGH`).
    public func severity(_ severity: Severity, locale: String) -> String {
        let key: MessageKey = switch severity {
        case .critical: .severityCritical
        case .high: .severityHigh
        case .medium: .severityMedium
        case .low: .severityLow
        case .info: .severityInfo
        }
        return text(key, locale: locale)
    }

    /// What a TLP 2.0 marking allows, in a sentence.
    public func tlpNotice(_ tlp: TLP, locale: String) -> String {
        let key: MessageKey = switch tlp {
        case .clear: .tlpNoticeClear
        case .green: .tlpNoticeGreen
        case .amber: .tlpNoticeAmber
        case .amberStrict: .tlpNoticeAmberStrict
        case .red: .tlpNoticeRed
        }
        return text(key, locale: locale)
    }
}

/// The name of every phrase Tocsin writes: the keys of `messages.json`. The words themselves are in the files.
public enum MessageKey: String, CaseIterable, Sendable {
    case severityCritical = "severity.critical"
    case severityHigh = "severity.high"
    case severityMedium = "severity.medium"
    case severityLow = "severity.low"
    case severityInfo = "severity.info"
    /// Put in front of the subject or title of a revised alert, and of a cancelled one.
    case statusUpdated = "status.updated"
    case statusCancelled = "status.cancelled"
    /// In front of every message of a drill: `[EXERCICE]`.
    case exerciseMark = "exercise.mark"
    case tlpNoticeClear = "tlpNotice.clear"
    case tlpNoticeGreen = "tlpNotice.green"
    case tlpNoticeAmber = "tlpNotice.amber"
    case tlpNoticeAmberStrict = "tlpNotice.amberStrict"
    case tlpNoticeRed = "tlpNotice.red"
    /// The `Locale` identifier and the `DateFormatter` pattern of dates in emails.
    case dateLocale = "date.locale"
    case dateFormat = "date.format"
    /// `{tlp}`, `{period}`, `{count}`, `{severity}`: for one alert, and for several.
    case digestSubjectOne = "digest.subject.one"
    case digestSubjectOther = "digest.subject.other"
    case digestPeriodHourly = "digest.period.hourly"
    case digestPeriodDaily = "digest.period.daily"
    /// `{item}`: the inventory item, with its label in brackets.
    case concernVersionInRange = "concern.versionInRange"
    case concernVersionToCheck = "concern.productOnly.version"
    case concernVendorToCheck = "concern.productOnly.vendor"
    /// `{org}`: the organisation's name.
    case feedTitle = "feed.title"
    /// `{reason}`: the publisher's words.
    case feedCancelled = "feed.cancelled"
    /// `{cves}`: the CVE ids, comma-separated.
    case feedCves = "feed.cves"
    case feedIndicators = "feed.indicators"
    /// The heading of the indicators Tocsin extracted from the prose, listed apart from the stated ones (emails
    /// and feeds).
    case indicatorsExtracted = "indicators.extracted"
    case feedReferences = "feed.references"
    case unsubscribeTitle = "unsubscribe.title"
    case unsubscribeQuestion = "unsubscribe.question"
    case unsubscribeButton = "unsubscribe.button"
    case unsubscribedTitle = "unsubscribe.done.title"
    case unsubscribed = "unsubscribe.done"
    case unsubscribeUnknownTitle = "unsubscribe.unknown.title"
    case unsubscribeUnknown = "unsubscribe.unknown"
    /// The acknowledgement link in emails.
    case ackLink = "ack.link"
    /// The heading of a relaying broker's note in emails, shown apart from the origin's text.
    case annotationHeading = "annotation.heading"
    /// The acknowledgement pages (`/ack/{token}`): `{org}` the organisation's name, `{by}` and `{at}` who
    /// acknowledged first and when.
    case ackTitle = "ack.title"
    case ackQuestion = "ack.question"
    case ackRecipient = "ack.recipient"
    case ackButton = "ack.button"
    case ackDoneTitle = "ack.done.title"
    case ackDone = "ack.done"
    case ackAlreadyTitle = "ack.already.title"
    case ackAlready = "ack.already"
    case ackInvalidTitle = "ack.invalid.title"
    case ackInvalid = "ack.invalid"
    case ackExpiredTitle = "ack.expired.title"
    case ackExpired = "ack.expired"
    case ackUnknownTitle = "ack.unknown.title"
    case ackUnknown = "ack.unknown"
    case ackRefusedTitle = "ack.refused.title"
    case ackRefused = "ack.refused"
    /// `{n}`: a number of days, hours, minutes or seconds, as an escalation notice names the time waited.
    case durationDays = "duration.days"
    case durationHours = "duration.hours"
    case durationMinutes = "duration.minutes"
    case durationSeconds = "duration.seconds"
    /// Put in front of the subject of an escalation notice.
    case escalationSubject = "escalation.subject"
    /// `{org}`, `{delay}`: why an escalation notice was sent, its first line.
    case escalationReason = "escalation.reason"
    /// `{org}`: the title an escalation notice shows to someone whose organisation may not read the alert.
    case escalationRestrictedTitle = "escalation.restrictedTitle"
    /// How a flash alert names its victim when the CERT does not show its name: the kind, with its article
    /// ("un CHU"), then `{who}` and `{region}` ("un CHU de la région Normandie").
    case flashKindCHU = "flash.kind.CHU"
    case flashKindCH = "flash.kind.CH"
    case flashKindClinic = "flash.kind.clinic"
    case flashKindEHPAD = "flash.kind.EHPAD"
    case flashKindESMS = "flash.kind.ESMS"
    case flashKindARS = "flash.kind.ARS"
    case flashKindCERT = "flash.kind.CERT"
    case flashKindOther = "flash.kind.other"
    case flashVictimRegion = "flash.victim.region"
    /// `{victim}`: the title of a flash alert; with `{malware}` when the declarant named it.
    case flashTitle = "flash.title"
    case flashTitleMalware = "flash.title.malware"
    /// `{victim}`: the first sentence of a flash alert's summary; `{malware}` the second when known.
    case flashSummary = "flash.summary"
    case flashMalware = "flash.malware"
    /// The effect on care the declarant reported.
    case flashCareNone = "flash.care.none"
    case flashCareDegraded = "flash.care.degraded"
    case flashCareStopped = "flash.care.stopped"
    /// The message the declarant finds in its incident's thread when the CERT acknowledges the declaration.
    case incidentAcknowledged = "incident.acknowledged"
}
