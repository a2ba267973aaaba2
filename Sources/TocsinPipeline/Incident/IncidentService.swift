import Foundation
import TocsinCore
import TocsinEnrich
import TocsinStore

/// Why an incident move was refused.
public enum IncidentError: Error, CustomStringConvertible {
    /// No such incident, or one the caller may not read (the same answer for both).
    case notFound(String)
    /// The move makes no sense where the incident stands (flashed twice, changed once closed).
    case conflict(String)

    public var description: String {
        switch self {
        case .notFound(let id): "incident \(id) not found"
        case .conflict(let why): why
        }
    }
}

/// The flash lane's steps that touch alerts: an incident turned into a flash alert through the one publish flow
/// (reach, escalation and acknowledgement apply as to any alert), and the indicators the declarant adds later turned
/// into revisions of that alert (which ask peers to acknowledge again).
public struct IncidentService: Sendable {
    let store: any Store
    let pipeline: AlertPipeline
    let messages: Messages

    public init(store: any Store, enricher: Enricher, routing: AlertRouter, messages: Messages) {
        self.store = store
        pipeline = AlertPipeline(store: store, enricher: enricher, routing: routing)
        self.messages = messages
    }

    /// Publishes the flash alert of an incident and records it on the incident.
    public func flash(incidentId: String, request: FlashRequest, publishedBy: String?, publisherOrgId: String?,
                      now: Date = Date()) async throws -> (Incident, PublishResult) {
        guard let incident = try await store.incident(id: incidentId) else { throw IncidentError.notFound(incidentId) }
        guard incident.flashAlertId == nil else {
            throw IncidentError.conflict("incident \(incidentId) already has its flash alert \(incident.flashAlertId ?? ""); new indicators revise it")
        }
        guard incident.status != .closed else { throw IncidentError.conflict("incident \(incidentId) is closed") }
        guard let declarant = try await store.organisation(id: incident.orgId) else { throw IncidentError.notFound(incidentId) }
        let draft = try FlashDraft.make(incident, declarant: declarant, request: request, messages: messages)
        let result = try await pipeline.publish(draft, source: "incident", publishedBy: publishedBy, publisherOrgId: publisherOrgId)
        let flashed = try await store.updateIncident(id: incidentId) { current in
            try IncidentLifecycle.flashed(current, alertId: result.alert.id, namesDeclarant: request.namesDeclarant == true,
                                          now: result.alert.publishedAt)
        }
        guard let flashed else { throw IncidentError.notFound(incidentId) }
        return (flashed, result)
    }

    /// Adds indicators to an incident; when it has a flash alert and some are new, revises that alert with them.
    /// Answers the incident, how many were new, and the revision stored (nil when none).
    public func add(_ found: [Indicator], to incidentId: String, now: Date = Date()) async throws -> (Incident, added: Int, revision: PublishResult?) {
        let box = Counter()
        guard let incident = try await store.updateIncident(id: incidentId, { current in
            let (next, added) = try IncidentLifecycle.adding(found, to: current, now: now)
            box.set(added)
            return next
        }) else { throw IncidentError.notFound(incidentId) }
        let added = box.value
        guard added > 0, let alertId = incident.flashAlertId else { return (incident, added, nil) }
        return (incident, added, try await reviseFlash(alertId: alertId, indicators: incident.indicators))
    }

    /// Revises the flash alert with the incident's indicators as they are now: a change of indicators reopens the
    /// acknowledgement of every peer (`AcknowledgementPolicy.reopens`). A cancelled flash alert takes none.
    func reviseFlash(alertId: String, indicators: [Indicator]) async throws -> PublishResult? {
        let encoded = try TocsinJSON.encoder().encode(indicators.map { var stated = $0; stated.origin = .stated; return stated })
        let patch = Data(#"{"indicators":"#.utf8) + encoded + Data("}".utf8)
        // Two batches added at once each revise the alert with the incident's whole list: the one that finds the
        // alert revised meanwhile tries again on the new revision.
        for attempt in 1...3 {
            guard let alert = try await store.alert(id: alertId), alert.status != .cancelled else { return nil }
            do {
                return try await pipeline.revise(alertId: alertId, patch: patch, access: .broker, publishedBy: alert.publishedBy)
            } catch StoreError.conflict(_) where attempt < 3 {
                continue
            }
        }
        return nil
    }
}

/// A value set inside a store transaction's closure and read after it.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = 0
    func set(_ value: Int) { lock.withLock { stored = value } }
    var value: Int { lock.withLock { stored } }
}
