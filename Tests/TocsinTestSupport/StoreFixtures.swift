import Foundation
import TocsinCore
import TocsinDelivery
import TocsinStore

/// Directory entries tests need again and again: an organisation with a clearance, a webhook subscription.
extension DirectoryStore {
    /// A new health establishment of region 28 (Normandie) cleared for `clearance`.
    public func makeOrganisation(_ clearance: TLP, region: String = "28") async throws -> Organisation {
        let org = Organisation(name: "Org \(clearance.rawValue) \(TocsinID.make().prefix(6))", kind: .ch, region: region, tlpClearance: clearance)
        try await createOrganisation(org)
        return org
    }

    /// A webhook subscription of `org` to a receiver that is never called.
    @discardableResult
    public func makeWebhook(_ org: Organisation, filter: SubscriptionFilter = SubscriptionFilter()) async throws -> Subscription {
        let sub = Subscription(orgId: org.id, channel: .webhook, target: "https://receiver.test/hook", filter: filter)
        try await createSubscription(sub, secret: SubscriptionSecret.Kind.signing.make())
        return sub
    }
}
