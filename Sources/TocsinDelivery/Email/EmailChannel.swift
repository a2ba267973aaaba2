import Foundation
import TocsinCore
import TocsinStore

/// Sends deliveries as email: a MIME multipart/alternative message rendered from the organisation's locale
/// templates, with a stable `Message-ID` per delivery (a retry reuses it), list headers with a one-click
/// unsubscribe (RFC 8058), an acknowledgement link per alert, the TLP in the subject and indicators defanged.
public struct EmailChannel: DeliveryChannel {
    public let sender: SMTPSender
    public let templates: EmailTemplates
    public let publicUrl: String
    /// The broker's acknowledgement links; nil leaves them out of the messages.
    public let ackLinks: AckLinks?
    /// The public URL's host, which names the messages (`Message-ID`, `List-Id`).
    let host: String
    /// Each alert revision's message rendered once per kind of reader, shared by the copies of this channel.
    let variants = EmailVariantCache()

    public init(sender: SMTPSender, templates: EmailTemplates, publicUrl: String, ackLinks: AckLinks? = nil) {
        self.sender = sender
        self.templates = templates
        self.publicUrl = publicUrl.hasSuffix("/") ? String(publicUrl.dropLast()) : publicUrl
        self.ackLinks = ackLinks
        host = URLComponents(string: self.publicUrl)?.host ?? "tocsin.localhost"
    }

    public var channel: Channel { .email }

    public func send(_ claimed: ClaimedDelivery) async -> AttemptOutcome {
        if let refusal = Self.noAddress(claimed) { return refusal }
        let message: [UInt8]
        do {
            message = try wireMessage(for: claimed)
        } catch {
            return .permanent(status: nil, error: "cannot build the email: \(error)")
        }
        return await sender.send(to: claimed.addresses, message: message).outcome
    }

    public func sendDigest(_ deliveries: [ClaimedDelivery]) async -> AttemptOutcome {
        guard let first = deliveries.first else { return .success(status: nil) }
        if let refusal = Self.noAddress(first) { return refusal }
        let message: [UInt8]
        do {
            message = try digestMessage(for: deliveries).render()
        } catch {
            return .permanent(status: nil, error: "cannot build the digest email: \(error)")
        }
        return await sender.send(to: first.addresses, message: message).outcome
    }

    /// `[TLP:AMBER][CRITIQUE] title`, with `[MISE À JOUR]` or `[ANNULÉE]` (in the locale's words) in front.
    public static func subject(_ alert: Alert, locale: String, messages: Messages) -> String {
        let severity = messages.severity(alert.severity, locale: locale)
        let status = switch alert.status {
        case .published: ""
        case .updated: messages.text(.statusUpdated, locale: locale)
        case .cancelled: messages.text(.statusCancelled, locale: locale)
        }
        let exercise = alert.isExercise ? messages.text(.exerciseMark, locale: locale) : ""
        return "\(exercise)\(status)[\(alert.tlp.label)][\(severity)] \(Defang.text(alert.title, indicators: alert.indicators))"
    }

    /// The bytes of the message for one delivery, ready for SMTP: made from its alert revision's variant, rendered
    /// once for every recipient of the same kind, else (`message(for:)`) from the templates for it alone; the same
    /// bytes either way.
    public func wireMessage(for claimed: ClaimedDelivery, now: Date = Date(), boundary: String = MIMEMessage.boundary()) throws -> [UInt8] {
        if let variant = variants.variant(for: claimed, channel: self),
           let bytes = variant.message(for: claimed, channel: self, date: variants.mailDate(now), boundary: boundary) {
            return bytes
        }
        return try message(for: claimed, date: now).render(boundary: boundary)
    }

    /// The message for one delivery, rendered from the templates for it alone, dated `date`.
    public func message(for claimed: ClaimedDelivery, date: Date = Date()) throws -> MIMEMessage {
        let alert = try claimed.alert()
        let locale = claimed.locale
        let content = Self.content(for: claimed, alert: alert, templates: templates, publicUrl: publicUrl)
        var context = content.context
        addAckLink(for: claimed, alert: alert, locale: locale, to: &context)
        return MIMEMessage(headers: headers(for: claimed, alert: alert, subject: content.subject, unsubscribeUrl: content.unsubscribeUrl, date: date),
                           text: try templates.render(context, locale: locale, part: "text"),
                           html: try templates.render(context, locale: locale, part: "html"))
    }

    /// The headers of the message for one delivery, in order.
    func headers(for claimed: ClaimedDelivery, alert: Alert, subject: String, unsubscribeUrl: String, date: Date) -> [(String, String)] {
        var headers: [(String, String)] = [
            ("From", "Tocsin <\(sender.configuration.from)>"),
            ("To", Self.toHeader(claimed.addresses)),
        ]
        if let replyTo = sender.configuration.replyTo { headers.append(("Reply-To", "<\(replyTo)>")) }
        headers += [
            ("Subject", subject),
            ("Date", MailDate.format(date)),
            ("Message-ID", messageId(claimed)),
            ("List-Id", "Tocsin <alerts.\(host)>"),
            ("List-Unsubscribe", "<\(unsubscribeUrl)>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("Auto-Submitted", "auto-generated"),
            ("X-Tocsin-Alert", "\(alert.id); revision=\(alert.revision)"),
            ("X-Tocsin-TLP", alert.tlp.rawValue),
        ]
        return headers
    }

    /// `<delivery id@host>`: the same for every attempt of a delivery, so that a retry is recognised as one.
    func messageId(_ claimed: ClaimedDelivery) -> String { "<\(claimed.delivery.id)@\(host)>" }

    /// The one-click unsubscribe link of the delivery's subscription, or the public URL when it has no token.
    func unsubscribeUrl(_ claimed: ClaimedDelivery) -> String { Self.unsubscribeUrl(claimed, publicUrl: publicUrl) }

    static func unsubscribeUrl(_ claimed: ClaimedDelivery, publicUrl: String) -> String {
        claimed.unsubscribeToken.map { "\(publicUrl)/unsubscribe/\($0)" } ?? publicUrl
    }

    /// The subject, the unsubscribe link and the templates' values of the message for one delivery, but its
    /// acknowledgement link: what `message(for:)` sends and what the console's preview shows.
    static func content(for claimed: ClaimedDelivery, alert: Alert, templates: EmailTemplates,
                        publicUrl: String) -> (subject: String, unsubscribeUrl: String, context: [String: Any]) {
        let locale = claimed.locale
        let subject = Self.subject(alert, locale: locale, messages: templates.messages)
        let unsubscribeUrl = Self.unsubscribeUrl(claimed, publicUrl: publicUrl)
        var context = Self.context(alert, subject: subject, locale: locale, messages: templates.messages, orgName: claimed.orgName,
                                   alertUrl: "\(publicUrl)/console/alerts/\(alert.id)", unsubscribeUrl: unsubscribeUrl)
        Self.addConcerns(claimed.concerns, locale: locale, to: &context)
        // The relaying broker's note, in a section of its own: never mixed into the origin's text.
        if let annotation = claimed.annotation {
            context["annotation"] = annotation
            context["annotationHeading"] = templates.messages.text(.annotationHeading, locale: locale)
        }
        return (subject, unsubscribeUrl, context)
    }

    /// A permanent failure for a role-addressed subscription whose organisation has nobody in that role: the
    /// delivery becomes a dead letter the reach report shows, rather than a message to no one.
    static func noAddress(_ claimed: ClaimedDelivery) -> AttemptOutcome? {
        guard claimed.addresses.isEmpty else { return nil }
        return .permanent(status: nil, error: "no contact of the organisation holds the role \(claimed.target.dropFirst("role:".count))")
    }

    /// `<a@x.fr>, <b@x.fr>`: every address the message goes to.
    static func toHeader(_ addresses: [String]) -> String {
        addresses.map { "<\($0)>" }.joined(separator: ", ")
    }

    /// "Concerne votre …" lines for what of the recipient's inventory the alert concerns.
    static func addConcerns(_ concerns: [InventoryConcern], locale: String, to context: inout [String: Any]) {
        context["concerns"] = concerns.map { ["text": $0.text(locale: locale)] }
        context["hasConcerns"] = !concerns.isEmpty
    }

    /// The link that acknowledges the alert (`ackUrl`, with its words `ackLabel`); none for a cancelled revision.
    func addAckLink(for claimed: ClaimedDelivery, alert: Alert, locale: String, to context: inout [String: Any]) {
        guard let url = ackLinks?.url(for: claimed, alert: alert, reader: .person) else { return }
        context["ackUrl"] = url
        context["ackLabel"] = templates.messages.text(.ackLink, locale: locale)
    }

    /// Dates as a person in France reads them, in the reader's language.
    static func dateFormatter(locale: String, messages: Messages) -> DateFormatter {
        messages.dateFormatter(locale: locale)
    }

    static func context(_ alert: Alert, subject: String, locale: String, messages: Messages, orgName: String, alertUrl: String,
                        unsubscribeUrl: String, formatter: DateFormatter? = nil) -> [String: Any] {
        let formatter = formatter ?? dateFormatter(locale: locale, messages: messages)
        return [
            // Everything a person reads is defanged: no live link to an indicator in either part of the mail.
            "subject": subject, "title": Defang.text(alert.title, indicators: alert.indicators),
            "summary": Defang.text(alert.summary, indicators: alert.indicators),
            "body": Defang.text(alert.body ?? "", indicators: alert.indicators),
            "severity": messages.severity(alert.severity, locale: locale),
            "tlp": alert.tlp.label, "tlpNotice": messages.tlpNotice(alert.tlp, locale: locale), "orgName": orgName,
            "publishedAt": formatter.string(from: alert.publishedAt), "updatedAt": formatter.string(from: alert.updatedAt),
            "revision": alert.revision, "revised": alert.revision > 1, "cancelled": alert.status == .cancelled,
            "cancelReason": Defang.text(alert.cancelReason ?? "", indicators: alert.indicators),
            "cves": alert.cves, "hasCves": !alert.cves.isEmpty,
            // Stated indicators; those found in the prose are listed apart, for a person to check before blocking.
            "indicators": alert.indicators.stated.map { ["type": $0.type.rawValue, "value": Defang.indicator($0.value)] },
            "hasIndicators": !alert.indicators.stated.isEmpty,
            "extractedIndicators": alert.indicators.extracted.map { ["type": $0.type.rawValue, "value": Defang.indicator($0.value)] },
            "hasExtractedIndicators": !alert.indicators.extracted.isEmpty,
            "extractedIndicatorsLabel": messages.text(.indicatorsExtracted, locale: locale),
            // The advisory's own links stay clickable; one that points at an indicator is shown defanged, not linked.
            "references": alert.references.map { reference -> [String: Any] in
                let indicator = Defang.isIndicator(reference.url, indicators: alert.indicators)
                return ["url": indicator ? Defang.indicator(reference.url) : reference.url, "title": reference.title ?? "", "link": !indicator]
            },
            "hasReferences": !alert.references.isEmpty,
            "alertUrl": alertUrl, "unsubscribeUrl": unsubscribeUrl,
        ]
    }
}

extension EmailChannel {
    /// `[TLP:AMBER] Synthèse horaire Tocsin : 3 alertes (max. CRITIQUE)`: the most restrictive marking of the
    /// alerts it gathers, how many, and the worst severity.
    public static func digestSubject(_ alerts: [Alert], mode: DigestMode, locale: String, messages: Messages) -> String {
        let tlp = alerts.map(\.tlp).max { $0.rank < $1.rank } ?? .clear
        let worst = alerts.map(\.severity).max() ?? .info
        let exercise = alerts.contains(where: \.isExercise) ? messages.text(.exerciseMark, locale: locale) : ""
        return exercise + messages.text(alerts.count == 1 ? .digestSubjectOne : .digestSubjectOther, locale: locale, [
            "tlp": tlp.label, "period": period(mode, locale: locale, messages: messages), "count": "\(alerts.count)",
            "severity": messages.severity(worst, locale: locale),
        ])
    }

    /// `horaire`, `daily`: how often the digest comes, in the reader's words.
    static func period(_ mode: DigestMode, locale: String, messages: Messages) -> String {
        messages.text(mode == .daily ? .digestPeriodDaily : .digestPeriodHourly, locale: locale)
    }

    /// One message for every delivery of a digest, the most severe alerts first. Its `Message-ID` is derived from
    /// the deliveries it carries, so a retry of the same digest reuses it.
    public func digestMessage(for deliveries: [ClaimedDelivery]) throws -> MIMEMessage {
        guard let first = deliveries.first else { throw EmailTemplates.LoadError(description: "empty digest") }
        let locale = first.locale
        let alerts = try deliveries.map { ($0, try $0.alert()) }
            .sorted { ($1.1.severity, $0.1.updatedAt) < ($0.1.severity, $1.1.updatedAt) }
        let messages = templates.messages
        let subject = Self.digestSubject(alerts.map(\.1), mode: first.digest, locale: locale, messages: messages)
        let unsubscribeUrl = first.unsubscribeToken.map { "\(publicUrl)/unsubscribe/\($0)" } ?? publicUrl
        let formatter = Self.dateFormatter(locale: locale, messages: messages)
        let items: [[String: Any]] = alerts.enumerated().map { index, pair in
            var context = Self.context(pair.1, subject: subject, locale: locale, messages: messages, orgName: first.orgName,
                                       alertUrl: "\(publicUrl)/console/alerts/\(pair.1.id)", unsubscribeUrl: unsubscribeUrl, formatter: formatter)
            context["index"] = index + 1
            Self.addConcerns(pair.0.concerns, locale: locale, to: &context)
            addAckLink(for: pair.0, alert: pair.1, locale: locale, to: &context)
            return context
        }
        let context: [String: Any] = [
            "subject": subject, "orgName": first.orgName, "count": alerts.count, "alerts": items,
            "period": Self.period(first.digest, locale: locale, messages: messages),
            "unsubscribeUrl": unsubscribeUrl,
        ]
        let ids = deliveries.map(\.delivery.id).sorted().joined(separator: ",")
        var headers: [(String, String)] = [
            ("From", "Tocsin <\(sender.configuration.from)>"),
            ("To", Self.toHeader(first.addresses)),
        ]
        if let replyTo = sender.configuration.replyTo { headers.append(("Reply-To", "<\(replyTo)>")) }
        headers += [
            ("Subject", subject),
            ("Date", MailDate.format(Date())),
            ("Message-ID", "<digest-\(TokenHash.hash(ids).prefix(32))@\(host)>"),
            ("List-Id", "Tocsin <alerts.\(host)>"),
            ("List-Unsubscribe", "<\(unsubscribeUrl)>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("Auto-Submitted", "auto-generated"),
            ("X-Tocsin-Digest", "\(first.digest.rawValue); alerts=\(alerts.count)"),
        ]
        headers += alerts.prefix(10).map { ("X-Tocsin-Alert", "\($0.1.id); revision=\($0.1.revision)") }
        headers.append(("X-Tocsin-TLP", (alerts.map(\.1.tlp).max { $0.rank < $1.rank } ?? .clear).rawValue))
        return MIMEMessage(headers: headers, text: try templates.render(context, locale: locale, kind: "digest", part: "text"),
                           html: try templates.render(context, locale: locale, kind: "digest", part: "html"))
    }
}
