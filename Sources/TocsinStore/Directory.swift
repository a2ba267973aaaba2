import Foundation
import TocsinCore

/// Who is there: organisations, their tokens, their subscriptions and their declared inventories.
public protocol DirectoryStore: Sendable {
    // MARK: Organisations
    func createOrganisation(_ org: Organisation) async throws
    func organisation(id: String) async throws -> Organisation?
    func organisations(page: PageRequest) async throws -> Page<Organisation>
    /// The organisations of `region` (national bodies are of no region), in the order they were created.
    func organisations(region: String) async throws -> [Organisation]
    func updateOrganisation(_ org: Organisation) async throws
    func deleteOrganisation(id: String) async throws -> Bool
    /// Stores a bulk import in one transaction: the new organisations and the changed ones, or nothing at all when
    /// one of them is refused (an updated organisation gone, a FINESS number already another's: `StoreError`).
    func importOrganisations(creating created: [Organisation], updating updated: [Organisation]) async throws

    // MARK: Tokens
    func createToken(_ token: APIToken, secret: String) async throws
    /// The caller behind a token value, or nil when unknown, revoked or expired; notes when it was last used.
    func principal(forToken secret: String, now: Date) async throws -> Principal?
    /// Whether a token is still neither revoked nor expired (open streams check it as they go).
    func tokenIsActive(id: String, now: Date) async throws -> Bool
    /// Every token, revoked ones included, oldest first; never their values.
    func tokens(page: PageRequest) async throws -> Page<APIToken>
    /// One token, revoked or not, by its id (never its value); nil when unknown.
    func token(id: String) async throws -> APIToken?
    /// Revokes a token (again is harmless) and returns it as it now stands; nil when unknown.
    func revokeToken(id: String, now: Date) async throws -> APIToken?

    // MARK: Subscriptions
    /// The channels this store was opened with (the delivery registry's catalog): a stored channel it does not name
    /// is refused, and routing queues nothing for the pulled ones.
    var channels: ChannelCatalog { get }
    /// Stores a new subscription with the secret its channel declares (nil for none), each kind in its own place.
    func createSubscription(_ subscription: Subscription, secret: SubscriptionSecret?) async throws
    func subscription(id: String) async throws -> Subscription?
    func subscriptions(orgId: String?, page: PageRequest) async throws -> Page<Subscription>
    /// Stores a subscription's new state. When its digest mode changed, the deliveries waiting for its digest fall
    /// due at `digestDue` (the next digest of the new kind, or now when digests are turned off).
    func updateSubscription(_ subscription: Subscription, digestDue: Date) async throws
    func deleteSubscription(id: String) async throws -> Bool
    /// Gives a subscription that signs its deliveries a new signing secret; the old one still signs (alongside) until
    /// `overlapUntil`. Returns false for an unknown subscription or one without a signing secret.
    func rotateSecret(subscriptionId: String, secret: String, overlapUntil: Date) async throws -> Bool
    /// Turns off the subscription behind a one-click unsubscribe token; nil when the token is unknown.
    func unsubscribe(token: String, now: Date) async throws -> Subscription?
    /// The feed subscription behind a feed token, with its organisation; nil when unknown.
    func feedSubscriber(token: String) async throws -> (Subscription, Organisation)?
    /// The active subscriptions with their organisation's clearance and region, in creation order, and the version
    /// of that list, which changes whenever a subscription or an organisation does — unless the version is still
    /// `known`, in which case nothing more is read (`subscriptions` is nil).
    func routableSubscriptions(unlessVersion known: Int64?) async throws -> (version: Int64, subscriptions: [RoutableSubscription]?)

    // MARK: Inventories
    /// An organisation's declared inventory (JSON owned by the enrichment step), or nil when it declared none.
    func inventory(orgId: String) async throws -> String?
    /// Replaces an organisation's whole inventory (`count` items) with one part, `default`, or removes every part
    /// when `json` is nil.
    func setInventory(orgId: String, json: String?, count: Int) async throws
    /// The parts an organisation declared its inventory in, by name.
    func inventoryParts(orgId: String) async throws -> [InventoryPart]
    /// One part's items (JSON), or nil when the organisation declared no such part.
    func inventoryPart(orgId: String, name: String) async throws -> String?
    /// Declares one part (`count` items), or removes it when `json` is nil, and merges the parts into the
    /// organisation's inventory; the others are kept. Refused (`StoreError.invalid`) when the parts together would
    /// hold more than `maximumItems` items or `maximumParts` parts. Answers how many items the merged inventory holds
    /// now, or nil when a part to remove did not exist.
    @discardableResult
    func setInventoryPart(orgId: String, name: String, json: String?, count: Int, maximumItems: Int, maximumParts: Int) async throws -> Int?
    /// How many items the organisation's merged inventory holds (0 when it declared none).
    func inventoryItemCount(orgId: String) async throws -> Int
    /// The version of the declared inventories, which changes whenever one of them does, and every inventory by
    /// organisation — unless the version is still `known`, in which case nothing more is read (`byOrg` is nil).
    func inventories(unlessVersion known: String?) async throws -> (version: String, byOrg: [String: String]?)
}

/// One part of an organisation's inventory: a device, a site or an SBOM, declared and replaced on its own.
public struct InventoryPart: Codable, Sendable, Hashable {
    public var name: String
    public var items: Int
    public var updatedAt: Date

    public init(name: String, items: Int, updatedAt: Date) {
        self.name = name
        self.items = items
        self.updatedAt = updatedAt
    }
}
