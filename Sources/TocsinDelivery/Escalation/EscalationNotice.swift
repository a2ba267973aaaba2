import Foundation
import TocsinCore
import TocsinStore

/// The email one escalation step sends to one person: it opens with why it was sent ("Non acquittée par CHU de
/// Rouen après 30 min"), then the alert's summary and a link to acknowledge for the organisation, in the reader's
/// language. A reader whose organisation may not read the alert gets the marking and who must acknowledge, never
/// the title or the content; a contact of another organisation gets no acknowledgement link (the link acknowledges
/// for the organisation concerned, and only its own people may follow it).
public struct EscalationNotice: Sendable {
    public let templates: EmailTemplates
    public let from: String
    public let replyTo: String?
    public let publicUrl: String

    public init(templates: EmailTemplates, from: String, replyTo: String? = nil, publicUrl: String) {
        self.templates = templates
        self.from = from
        self.replyTo = replyTo
        self.publicUrl = publicUrl.hasSuffix("/") ? String(publicUrl.dropLast()) : publicUrl
    }

    var host: String { URLComponents(string: publicUrl)?.host ?? "tocsin.localhost" }

    /// `[EXERCICE][ESCALADE][TLP:AMBER][CRITIQUE] title`; the title is replaced by "awaiting acknowledgement by …"
    /// for a reader who may not read the alert.
    public static func subject(_ alert: Alert, orgName: String, mayRead: Bool, locale: String, messages: Messages) -> String {
        let exercise = alert.isExercise ? messages.text(.exerciseMark, locale: locale) : ""
        let escalation = messages.text(.escalationSubject, locale: locale)
        let title = mayRead ? Defang.text(alert.title, indicators: alert.indicators)
                            : messages.text(.escalationRestrictedTitle, locale: locale, ["org": orgName])
        return "\(exercise)\(escalation)[\(alert.tlp.label)][\(messages.severity(alert.severity, locale: locale))] \(title)"
    }

    /// "Non acquittée par CHU de Rouen après 30 min".
    public static func reason(orgName: String, after: ISO8601Duration, locale: String, messages: Messages) -> String {
        messages.text(.escalationReason, locale: locale, ["org": orgName, "delay": after.text(locale: locale, messages: messages)])
    }

    /// The message for `recipient` about the claimed step; `ackUrl` is the organisation's acknowledgement link for
    /// this contact, nil for a contact of another organisation.
    public func message(for claimed: ClaimedEscalation, recipient: EscalationRecipient, ackUrl: String?) throws -> MIMEMessage {
        let alert = claimed.alert
        let messages = templates.messages
        let locale = messages.locale(for: recipient.locale)
        let orgName = claimed.organisation.name
        let subject = Self.subject(alert, orgName: orgName, mayRead: recipient.mayRead, locale: locale, messages: messages)
        let formatter = EmailChannel.dateFormatter(locale: locale, messages: messages)
        var context: [String: Any] = [
            "subject": subject, "reason": Self.reason(orgName: orgName, after: claimed.record.after, locale: locale, messages: messages),
            "exercise": alert.isExercise, "orgName": orgName, "recipientOrg": recipient.orgName, "mayRead": recipient.mayRead,
            "tlp": alert.tlp.label, "tlpNotice": messages.tlpNotice(alert.tlp, locale: locale),
            "stepNumber": claimed.record.step + 1,
            "title": recipient.mayRead ? Defang.text(alert.title, indicators: alert.indicators)
                                       : messages.text(.escalationRestrictedTitle, locale: locale, ["org": orgName]),
        ]
        if recipient.mayRead {
            context["summary"] = Defang.text(alert.summary, indicators: alert.indicators)
            context["severity"] = messages.severity(alert.severity, locale: locale)
            context["publishedAt"] = formatter.string(from: alert.publishedAt)
        }
        if let ackUrl { context["ackUrl"] = ackUrl }
        var headers: [(String, String)] = [("From", "Tocsin <\(from)>"), ("To", "<\(recipient.contact.email)>")]
        if let replyTo { headers.append(("Reply-To", "<\(replyTo)>")) }
        headers += [
            ("Subject", subject),
            ("Date", MailDate.format(Date())),
            // Stable per step and person: a resend after a crash carries the same id.
            ("Message-ID", "<escalation-\(claimed.record.id)-\(recipient.contact.id)@\(host)>"),
            ("Auto-Submitted", "auto-generated"),
            ("X-Tocsin-Alert", "\(alert.id); revision=\(alert.revision)"),
            ("X-Tocsin-TLP", alert.tlp.rawValue),
            ("X-Tocsin-Escalation", "step=\(claimed.record.step + 1); round=\(claimed.record.round + 1)"),
        ]
        return MIMEMessage(headers: headers, text: try templates.render(context, locale: locale, kind: "escalation", part: "text"),
                           html: try templates.render(context, locale: locale, kind: "escalation", part: "html"))
    }
}
