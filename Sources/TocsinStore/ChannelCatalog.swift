import Foundation
import TocsinCore

/// The channels a store holds subscriptions and deliveries of, as the delivery registry declares them
/// (`ChannelRegistry.catalog`): their names, and which are pulled.
///
/// A stored channel the catalog does not name is a loud error, never read as another channel. A pulled channel's
/// subscribers read the alert log themselves (feeds), so routing queues no delivery for them.
public struct ChannelCatalog: Sendable {
    /// Every channel, in the registry's order.
    public let channels: [Channel]
    /// The channels whose subscribers read the alert log themselves: routing queues nothing for them.
    public let pulled: Set<Channel>

    public init(channels: [Channel], pulled: Set<Channel>) {
        self.channels = channels
        self.pulled = pulled
    }

    /// The channel named in a stored row, or `StoreError.invalid` when this version does not know it.
    public func known(_ name: String) throws(StoreError) -> Channel {
        let channel = Channel(name)
        guard channels.contains(channel) else {
            throw StoreError.invalid("the stored channel '\(name)' is not one this version of Tocsin knows (\(channels.map(\.rawValue).joined(separator: ", ")))")
        }
        return channel
    }
}
