import Foundation
import TocsinCore
import TocsinStore

/// The feed channel: pulled, not sent. The subscriber reads its alerts as Atom, RSS or JSON Feed at
/// `/feeds/{feedToken}/…` (served by TocsinServer's `Feeds/`) with the `feed_` token shown once at creation; no
/// target, no settings, no digests, no sender, and routing queues nothing for it.
public enum FeedKind: ChannelKind {
    public static let declaration = ChannelDeclaration("feed", target: nil, secret: .feedToken, delivery: .pulled)

    /// A feed has no target: whatever is given is ignored.
    public static func checkTarget(_ target: String?, settings: NoChannelSettings) throws(ChannelTargetError) -> String { "" }

    public static func makeSender(settings: NoChannelSettings, context: ChannelContext) throws -> (any DeliveryChannel)? { nil }
}

extension Channel {
    public static let feed = FeedKind.channel
}
