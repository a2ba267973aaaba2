import Foundation
import TocsinCore
import TocsinStore

extension EmailChannel {
    /// An alert's email as one recipient would read it, rendered before anything is sent.
    public struct Preview: Sendable {
        public var subject: String
        public var text: String
        public var html: String
    }

    /// The message `claimed` would be, rendered by the templates and values that send it (`message(for:)`), but
    /// without an acknowledgement link: a preview is read by the publisher, who may not acknowledge for the
    /// recipient, so no valid link is written for it.
    public static func preview(_ claimed: ClaimedDelivery, templates: EmailTemplates, publicUrl: String) throws -> Preview {
        let alert = try claimed.alert()
        let base = publicUrl.hasSuffix("/") ? String(publicUrl.dropLast()) : publicUrl
        let content = content(for: claimed, alert: alert, templates: templates, publicUrl: base)
        return Preview(subject: content.subject, text: try templates.render(content.context, locale: claimed.locale, part: "text"),
                       html: try templates.render(content.context, locale: claimed.locale, part: "html"))
    }
}
