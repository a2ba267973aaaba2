import Foundation
import TocsinCore
import TocsinStore

extension AckLinks {
    /// The acknowledgement link of one delivery, bound to its alert, its organisation and its subscription; nil for a
    /// cancelled revision, which asks nothing of anyone.
    public func url(for claimed: ClaimedDelivery, alert: Alert, reader: Reader = .program) -> String? {
        url(for: claimed, alertId: alert.id, status: alert.status, publishedAt: alert.publishedAt, reader: reader)
    }

    /// The same, read from the delivery's alert JSON without decoding the whole alert; nil also when the JSON does not
    /// say what the link needs.
    public func url(for claimed: ClaimedDelivery) -> String? {
        // Only an alert revision is acknowledged; an event about one (an acknowledgement) carries no link.
        guard claimed.delivery.event == Delivery.alertEvent else { return nil }
        // What the claim read already, so a fan-out does not decode the alert once per recipient.
        if let status = claimed.alertStatus, let publishedAt = claimed.alertPublishedAt {
            return url(for: claimed, alertId: claimed.delivery.alertId, status: status, publishedAt: publishedAt)
        }
        guard let facts = try? TocsinJSON.decoder().decode(LinkFacts.self, from: Data(claimed.alertJSON)) else { return nil }
        return url(for: claimed, alertId: facts.id, status: facts.status, publishedAt: facts.publishedAt)
    }

    private func url(for claimed: ClaimedDelivery, alertId: String, status: AlertStatus, publishedAt: Date, reader: Reader = .program) -> String? {
        guard status != .cancelled else { return nil }
        return url(alertId: alertId, publishedAt: publishedAt, orgId: claimed.delivery.orgId,
                   recipient: AckRecipient.subscription(claimed.delivery.subscriptionId).description, reader: reader)
    }

    /// What of an alert its acknowledgement link depends on.
    private struct LinkFacts: Decodable {
        var id: String
        var status: AlertStatus
        var publishedAt: Date
    }
}
