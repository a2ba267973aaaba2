import Foundation
import TocsinCore
import TocsinPipeline
import TocsinDelivery
import TocsinNet
import TocsinEnrich
import TocsinStore

/// What the route handlers share: the store, the outbox worker to wake, and the settings they read.
public struct APIEnvironment: Sendable {
    public var store: any Store
    public var worker: OutboxWorker?
    /// The escalation worker, woken when a revision schedules steps.
    public var escalation: EscalationWorker?
    public var configuration: TocsinConfiguration
    public var hub: EventHub
    public var enricher = Enricher()
    /// The words of every locale (`Templates/<locale>/messages.json`), for the feeds and the pages people read.
    public var messages: Messages
    /// The source pollers, for their health and "poll now".
    var polling: PollingService?
    /// The acknowledgement links the broker sends, whose signer checks them when they come back, and the pages
    /// they open; the `/ack` pages answer 404 without them.
    public var ackLinks: AckLinks?
    var pages: PageTemplates?
    /// This broker's identity (its stable id and display name), as other brokers see it.
    public var identity = BrokerIdentity(id: "", name: "Tocsin")
    /// The upstream brokers this one follows, for their health.
    var relay: RelayService?

    /// The pipeline's match and route steps: every organisation's inventory and the routing index, cached once.
    var routing: AlertRouter
    var inventories: InventoryIndex { routing.inventories }

    /// Reads, enriches and stores source documents for `POST /api/v1/ingest/{format}`.
    var ingest: IngestService { IngestService(store: store, enricher: enricher, routing: routing) }
    var pipeline: AlertPipeline { AlertPipeline(store: store, enricher: enricher, routing: routing) }

    public init(store: any Store, worker: OutboxWorker?, configuration: TocsinConfiguration, messages: Messages, hub: EventHub = EventHub()) {
        self.store = store
        self.messages = messages
        self.worker = worker
        self.configuration = configuration
        self.hub = hub
        routing = AlertRouter(store: store, messages: messages, digests: configuration.digests, escalation: configuration.escalation)
    }

    /// After a revision is committed: wake the outbox worker and the live streams.
    func published() {
        worker?.wake()
        escalation?.wake()
        hub.notify()
    }

    var maxBody: Int { configuration.apiMaxBodyBytes }

    /// Which alerts a caller may read: nil (everything) for admins and publishers, else its organisation's
    /// clearance and region, read afresh for each request.
    func readScope(of principal: Principal) async throws -> ReadScope? {
        switch principal.role {
        case .admin, .publisher:
            return nil
        case .subscriber, .relay:
            guard let orgId = principal.orgId, let org = try await store.organisation(id: orgId) else {
                throw Problem.forbidden("the token's organisation no longer exists")
            }
            return ReadScope(clearance: org.tlpClearance, region: org.regionScope, kind: org.kind)
        }
    }

    /// What the caller may read and write among alerts, from its token and its organisation as they are now.
    func access(of principal: Principal) async throws -> AlertAccess {
        let scope = try await readScope(of: principal)
        return AlertAccess(role: principal.role, orgId: principal.orgId, clearance: scope?.clearance, region: scope?.region)
    }

    /// The organisation a subscriber or relay acts for; admins may act for any, given explicitly.
    func scopedOrgId(_ principal: Principal, requested: String?) throws -> String? {
        switch principal.role {
        case .admin, .publisher:
            return requested
        case .subscriber, .relay:
            guard let own = principal.orgId else { throw Problem.forbidden("the token is bound to no organisation") }
            if let requested, requested != own { throw Problem.forbidden("the token may only act for its own organisation") }
            return own
        }
    }
}

/// The alerts an organisation-bound caller may read: those its clearance and region allow (`Alert.refusal`).
struct ReadScope: Sendable {
    var clearance: TLP
    var region: String?
    /// The organisation's kind, so that the live stream narrows alerts meant for some kinds as routing does.
    var kind: Organisation.Kind? = nil

    func allows(_ alert: Alert) -> Bool { alert.refusal(clearance: clearance, region: region) == nil }
}

extension Principal {
    func require(_ allowed: Set<Role>, to action: String) throws {
        guard allowed.contains(role) else { throw Problem.forbidden("a \(role.rawValue) token may not \(action)") }
    }
}
