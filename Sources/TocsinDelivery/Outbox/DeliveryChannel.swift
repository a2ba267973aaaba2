import TocsinCore
import TocsinStore

/// One way of getting an alert to a recipient (webhook, email…): the single interface the outbox worker needs.
///
/// A channel sends and classifies the result; it never touches the store. Retry decisions belong to the
/// delivery state machine, not to the channel.
public protocol DeliveryChannel: Sendable {
    var channel: Channel { get }
    func send(_ claimed: ClaimedDelivery) async -> AttemptOutcome
    /// Sends several deliveries of one subscription as one digest message; the outcome holds for each of them.
    func sendDigest(_ deliveries: [ClaimedDelivery]) async -> AttemptOutcome
    /// Releases what the sender holds open (connections, threads) when the broker stops.
    func shutdown()
}

extension DeliveryChannel {
    public func sendDigest(_ deliveries: [ClaimedDelivery]) async -> AttemptOutcome {
        .permanent(status: nil, error: "the \(channel.rawValue) channel does not send digests")
    }

    public func shutdown() {}
}
