import Foundation
import TocsinCore
import TocsinNet
import TocsinStore

/// The webhook channel: a signed POST per alert to an http(s) URL that the SSRF guard accepts, with a `whsec_`
/// signing secret shown once and rotatable; settings in `webhooks:`; each alert at once, no digests.
public enum WebhookKind: ChannelKind {
    public static let declaration = ChannelDeclaration("webhook", target: "webhook URL", secret: .signing)

    public static func checkTarget(_ target: String?, settings: WebhookSettings) throws(ChannelTargetError) -> String {
        guard let target else { throw ChannelTargetError("target (the webhook URL) is required") }
        let guardrail: TargetGuard
        do {
            guardrail = try settings.targetGuard()
        } catch {
            throw ChannelTargetError(error.description)
        }
        do {
            // A name that does not resolve yet is accepted: every attempt checks the address again and pins it.
            try guardrail.check(target, requireResolution: false)
        } catch {
            throw ChannelTargetError(error.description, guardRefusal: true)
        }
        return target
    }

    public static func makeSender(settings: WebhookSettings, context: ChannelContext) throws -> (any DeliveryChannel)? {
        WebhookChannel(client: context.httpClient, guardrail: try settings.targetGuard(), timeout: settings.timeout, ackLinks: context.ackLinks)
    }
}

extension Channel {
    public static let webhook = WebhookKind.channel
}

extension ClaimedDelivery {
    /// The subscription's signing secrets, newest first: two while a rotation's overlap lasts, and the request is
    /// then signed with both.
    var signingSecrets: [String] { secrets(.signing) }
}
