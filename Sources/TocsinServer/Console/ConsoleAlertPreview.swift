import Foundation
import TocsinCore
import TocsinDelivery
import TocsinStore

/// An alert not yet published, as the establishments it would reach would receive it: who it goes to (the router's
/// own index and the inventories as they stand), and for the chosen one the email and the webhook body, rendered by
/// the email channel's templates and the webhook channel's encoder. Nothing is stored or sent; no acknowledgement
/// link or unsubscribe token is written into a preview.
///
/// What an establishment declared it runs is its own business: the "concerne votre …" lines drawn from its
/// inventory are shown to admins only, as the deliveries API shows a delivery's `concerns` (publishers read the
/// preview without them, and are told they are added when the alert is sent).
struct ConsoleAlertPreview {
    /// At most this many recipients are offered to choose from (the count says how many there are).
    static let listed = 300

    let env: ConsoleEnvironment
    let emailTemplates: EmailTemplates?

    /// The template values of the preview of `alert` for `chosen` (an organisation id among the recipients; the
    /// first recipient when nil or not one of them).
    func values(_ alert: Alert, chosen: String?, showsConcerns: Bool) async throws -> [String: Any] {
        let snapshot = try await env.api.inventories.snapshot()
        let concerns = snapshot.concerns(for: alert)
        let subscriptions = try await env.api.routing.index().route(alert, concerned: Set(concerns.keys))
        var recipients: [String] = []
        var channels: [String: [Channel]] = [:]
        for subscription in subscriptions {
            if channels[subscription.orgId] == nil { recipients.append(subscription.orgId) }
            channels[subscription.orgId, default: []].append(subscription.channel)
        }
        var organisations: [Organisation] = []
        for id in recipients.prefix(Self.listed) {
            if let organisation = try await env.store.organisation(id: id) { organisations.append(organisation) }
        }
        organisations.sort { ($0.name, $0.id) < ($1.name, $1.id) }
        // The chosen one is looked up even beyond the listed ones, but must be a recipient.
        var target = organisations.first
        if let chosen, chosen.count <= 64, channels[chosen] != nil {
            if let listed = organisations.first(where: { $0.id == chosen }) {
                target = listed
            } else {
                target = try await env.store.organisation(id: chosen) ?? target
            }
        }
        var values: [String: Any] = [
            "recipientCount": recipients.count, "hasRecipients": !recipients.isEmpty,
            "recipients": organisations.map { organisation -> [String: Any] in ["id": organisation.id, "name": organisation.name, "region": organisation.region ?? "", "selected": organisation.id == target?.id] },
        ]
        guard let target else { return values }
        let shown = showsConcerns ? concerns[target.id] ?? [] : []
        values["concernsWithheld"] = !showsConcerns
        let claimed = ClaimedDelivery(
            delivery: Delivery(id: "preview", alertId: alert.id, revision: alert.revision, subscriptionId: "preview", orgId: target.id, channel: .email,
                               concerns: shown),
            target: "", alertJSON: Array(try TocsinJSON.encoder().encode(alert)), eventType: alert.eventType, eventTime: alert.updatedAt,
            orgName: target.name, locale: target.locale, concerns: shown)
        values["orgName"] = target.name
        values["orgChannels"] = Array(Set((channels[target.id] ?? []).map(\.rawValue))).sorted().joined(separator: ", ")
        if let emailTemplates {
            let email = try EmailChannel.preview(claimed, templates: emailTemplates, publicUrl: env.publicUrl)
            values["email"] = ["subject": email.subject, "text": email.text, "html": email.html]
        }
        let body = Data(WebhookChannel.body(for: claimed))
        values["webhook"] = Self.pretty(body) ?? String(decoding: body, as: UTF8.self)
        return values
    }

    /// JSON laid out for reading.
    static func pretty(_ data: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: data),
              let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .withoutEscapingSlashes]) else { return nil }
        return String(decoding: pretty, as: UTF8.self)
    }
}
