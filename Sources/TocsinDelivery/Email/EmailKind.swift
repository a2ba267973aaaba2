import Foundation
import TocsinCore
import TocsinStore

/// The email channel: a message per alert, or an hourly or daily digest, to an address; each message carries the
/// subscription's one-click unsubscribe token; settings in `smtp:`, off until `smtp.url` and `smtp.from` are set.
public enum EmailKind: ChannelKind {
    public static let declaration = ChannelDeclaration("email", target: "email address, or role:<role> for the organisation's contacts with that role",
                                                       secret: .unsubscribe, takesDigests: true)

    public static func checkTarget(_ target: String?, settings: EmailSettings) throws(ChannelTargetError) -> String {
        if let target, RoleAddress.isRoleTarget(target) {
            guard RoleAddress.role(in: target) != nil || target == RoleAddress.outOfBandTarget else {
                throw ChannelTargetError("target role must be one of \((ContactRole.allCases.map { "role:\($0.rawValue)" } + [RoleAddress.outOfBandTarget]).joined(separator: ", "))")
            }
            return target
        }
        guard let target, EmailAddress.isPlausible(target) else {
            throw ChannelTargetError("target must be an email address, or role:<role> (rssi, deputy, oncall, director, it)")
        }
        return target
    }

    public static func makeSender(settings: EmailSettings, context: ChannelContext) throws -> (any DeliveryChannel)? {
        guard let smtp = settings.smtp else { return nil }
        let templates = try EmailTemplates(directory: context.templatesDirectory, messages: context.messages)
        return EmailChannel(sender: SMTPSender(configuration: smtp), templates: templates, publicUrl: context.publicUrl, ackLinks: context.ackLinks)
    }
}

extension Channel {
    public static let email = EmailKind.channel
}

extension EmailChannel {
    /// Closes the SMTP sessions.
    public func shutdown() { sender.shutdown() }
}

extension ClaimedDelivery {
    /// The token of the one-click unsubscribe link (RFC 8058) in each message.
    var unsubscribeToken: String? { secrets(.unsubscribe).first }
}
