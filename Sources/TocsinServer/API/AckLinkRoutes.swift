import Foundation
import Hummingbird
import HTTPTypes
import Logging
import TocsinCore
import TocsinDelivery
import TocsinStore

/// `/ack/{token}`: the acknowledgement link of every alert email and webhook body.
///
/// `GET` only shows a page with the alert, its marking, the organisation and a button, and records nothing ever:
/// mail scanners (Safe Links, Mimecast) open every link they see. The button's `POST` records the acknowledgement;
/// a second one answers who acknowledged first, and when. Both check the token's signature and expiry, that its
/// recipient still belongs to its organisation, and that the organisation may still read the alert; a refusal
/// shows nothing of the alert and records nothing.
struct AckLinkRoutes {
    let env: APIEnvironment

    func register(on router: Router<TocsinRequestContext>) {
        router.get("ack/:token") { _, context in
            try await answer(try context.parameters.require("token"), recording: false, logger: context.logger)
        }
        router.post("ack/:token") { request, context in
            // The form sends nothing the page needs; its body is not read.
            _ = try await request.body.collectOrRefuse(upTo: 4_096, setting: "the acknowledgement form")
            return try await answer(try context.parameters.require("token"), recording: true, logger: context.logger)
        }
    }

    /// The page for a link: the confirmation (GET), the outcome (POST), or why the link is refused.
    func answer(_ token: String, recording: Bool, logger: Logger) async throws -> Response {
        let outcome = try await self.outcome(token, recording: recording, logger: logger)
        guard let pages = env.pages else {
            let title = XMLText.escape(outcome.context["title"] as? String ?? "")
            return HTMLPage.simple(title: title, body: "<p>\(XMLText.escape(outcome.context["message"] as? String ?? ""))</p>", status: outcome.status)
        }
        return HTMLPage.response(try pages.render("ack", outcome.context, locale: outcome.locale ?? Messages.defaultLocale), status: outcome.status)
    }

    /// What a link's page says, whoever renders it (this page, or the console's `/console/ack/{token}`): its status,
    /// the reader's language (nil when not known: the words are then in every language), the template's values, and
    /// the alert, when the page may show it.
    struct Outcome {
        var status: HTTPResponse.Status
        var locale: String?
        var context: [String: Any]
        var alertId: String?
        /// True when the page asks the question and shows the button.
        var asks = false
    }

    /// Checks the link and, when `recording`, records the acknowledgement: the one path both pages take.
    func outcome(_ token: String, recording: Bool, logger: Logger) async throws -> Outcome {
        guard let links = env.ackLinks else { return refusal(.invalid, language: nil, status: .notFound) }
        let claim: AckClaim
        switch links.signer.verify(token, now: Date()) {
        case .failure(.invalid):
            return refusal(.invalid, language: nil, status: .badRequest)
        case .failure(.expired(let expired)):
            return refusal(.expired, language: try await language(of: expired), status: .gone)
        case .success(let valid):
            claim = valid
        }
        // The recipient must still belong to the organisation the link was made for: a subscription since deleted or
        // moved, or a contact no longer listed, acknowledges nothing.
        guard let org = try await env.store.organisation(id: claim.orgId), let recipient = try await recipient(of: claim, in: org) else {
            logger.notice("acknowledgement link refused: its recipient is not of its organisation", metadata: ["recipient": "\(claim.recipient)"])
            return refusal(.refused, language: try await language(of: claim), status: .forbidden)
        }
        guard let alert = try await env.store.alert(id: claim.alertId) else {
            return refusal(.unknown, language: recipient.locale, status: .notFound)
        }
        // The organisation's clearance and region as they are now: an alert it may no longer read is not shown.
        guard alert.refusal(clearance: org.tlpClearance, region: org.regionScope) == nil else {
            logger.notice("acknowledgement link refused: the organisation may not read the alert", metadata: ["alert": "\(alert.id)", "org": "\(org.id)"])
            return refusal(.refused, language: recipient.locale, status: .forbidden)
        }
        let locale = recipient.locale
        let messages = env.messages
        var outcome = Outcome(status: .ok, locale: locale, context: [
            "hasAlert": true, "tlp": alert.tlp.label, "alertTitle": Defang.text(alert.title, indicators: alert.indicators),
            "recipient": messages.text(.ackRecipient, locale: locale, ["org": org.name]),
        ], alertId: alert.id)
        func already(_ first: ReachMark) {
            outcome.context["title"] = messages.text(.ackAlreadyTitle, locale: locale)
            outcome.context["message"] = messages.text(.ackAlready, locale: locale, [
                "by": first.byName ?? first.by ?? "?", "at": messages.dateFormatter(locale: locale).string(from: first.at),
            ])
        }
        guard recording else {
            // Reading only: an alert acknowledged already says by whom, with no button.
            if let first = try await env.store.reach(alertId: alert.id, orgId: org.id)?.acknowledged {
                already(first)
            } else {
                outcome.context["title"] = messages.text(.ackTitle, locale: locale)
                outcome.context["message"] = messages.text(.ackQuestion, locale: locale, ["org": org.name])
                outcome.context["button"] = messages.text(.ackButton, locale: locale)
                outcome.asks = true
            }
            return outcome
        }
        let mark = ReachMark(at: Date(), by: claim.recipient, byName: recipient.name, channel: "link")
        switch try await env.store.acknowledge(alertId: alert.id, orgId: org.id, mark: mark, note: nil) {
        case .already(let first, _):
            already(first)
        case .recorded:
            logger.info("alert acknowledged", metadata: ["alert": "\(alert.id)", "org": "\(org.id)", "channel": "link", "recipient": "\(claim.recipient)"])
            outcome.context["title"] = messages.text(.ackDoneTitle, locale: locale)
            outcome.context["message"] = messages.text(.ackDone, locale: locale, ["org": org.name])
        }
        return outcome
    }

    /// Who a link was sent to, as the organisation knows them now: their name as the reach report shows it, and the
    /// language they read. Nil when the recipient is no longer of the organisation.
    struct Recipient {
        var name: String?
        var locale: String
    }

    func recipient(of claim: AckClaim, in org: Organisation) async throws -> Recipient? {
        switch AckRecipient(claim.recipient) {
        case .subscription(let id):
            guard let subscription = try await env.store.subscription(id: id), subscription.orgId == org.id else { return nil }
            // An email subscription is named by its address; another channel's target (a URL) names no one.
            return Recipient(name: subscription.channel == .email ? subscription.target : nil, locale: org.locale)
        case .contact(let id):
            guard let contact = org.contact(id: id) else { return nil }
            return Recipient(name: contact.displayName, locale: contact.locale ?? org.locale)
        case nil:
            return nil
        }
    }

    /// The language of a link's reader, when its organisation (and contact) can still be found.
    func language(of claim: AckClaim) async throws -> String? {
        guard let org = try await env.store.organisation(id: claim.orgId) else { return nil }
        if case .contact(let id) = AckRecipient(claim.recipient), let locale = org.contact(id: id)?.locale { return locale }
        return org.locale
    }

    /// Why a link is refused, with the words of its page.
    enum Refusal {
        case invalid, expired, unknown, refused

        var words: (title: MessageKey, text: MessageKey) {
            switch self {
            case .invalid: (.ackInvalidTitle, .ackInvalid)
            case .expired: (.ackExpiredTitle, .ackExpired)
            case .unknown: (.ackUnknownTitle, .ackUnknown)
            case .refused: (.ackRefusedTitle, .ackRefused)
            }
        }
    }

    /// A refusal in the reader's language, or in every language, French first, when it is not known.
    func refusal(_ refusal: Refusal, language: String?, status: HTTPResponse.Status) -> Outcome {
        let messages = env.messages
        func words(_ key: MessageKey) -> String { language.map { messages.text(key, locale: $0) } ?? messages.everyLocale(key) }
        return Outcome(status: status, locale: language, context: ["title": words(refusal.words.title), "message": words(refusal.words.text)])
    }
}
