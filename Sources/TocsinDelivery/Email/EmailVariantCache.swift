import Foundation
import Synchronization
import TocsinCore
import TocsinStore

/// The variants of the alert revisions being sent (`EmailVariant`), so that a fan-out renders each template once per
/// kind of reader rather than once per recipient, and the `Date` header of the current second.
final class EmailVariantCache: Sendable {
    /// How many variants are kept; past it the cache starts again (a fan-out needs a handful).
    static let limit = 256

    /// Each variant, or nil when one cannot stand for rendering per recipient (its templates transform values, or
    /// its first message did not come out the same): those messages are rendered one by one.
    private let variants = Mutex<[EmailVariant.Key: EmailVariant?]>([:])
    private let date = Mutex<(second: Int, text: String)>((.min, ""))

    /// The variant `claimed` belongs to, made on first use; nil when its message is to be rendered alone.
    func variant(for claimed: ClaimedDelivery, channel: EmailChannel) -> EmailVariant? {
        let key = EmailVariant.Key(claimed)
        if let known = variants.withLock({ $0[key] }) { return known }
        let made = Self.make(claimed, channel: channel)
        variants.withLock { variants in
            if variants.count >= Self.limit { variants.removeAll() }
            variants[key] = made
        }
        return made
    }

    /// How many variants are kept now.
    var count: Int { variants.withLock { $0.count } }

    /// A new variant, used only if its message for `claimed` is byte for byte the message rendered for it alone.
    static func make(_ claimed: ClaimedDelivery, channel: EmailChannel) -> EmailVariant? {
        guard channel.templates.writesValuesAsGiven(locale: claimed.locale), let variant = try? EmailVariant(claimed, channel: channel) else {
            return nil
        }
        let now = Date()
        let boundary = MIMEMessage.boundary()
        guard let shared = variant.message(for: claimed, channel: channel, date: MailDate.format(now), boundary: boundary),
              let alone = try? channel.message(for: claimed, date: now).render(boundary: boundary), shared == alone else {
            return nil
        }
        return variant
    }

    /// `MailDate.format(now)`, formatted once per second.
    func mailDate(_ now: Date) -> String {
        let second = Int(time_t(now.timeIntervalSince1970))
        if let text = date.withLock({ $0.second == second ? $0.text : nil }) { return text }
        let text = MailDate.format(now)
        date.withLock { $0 = (second, text) }
        return text
    }
}
