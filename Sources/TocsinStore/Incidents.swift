import Foundation
import TocsinCore

/// The flash lane's records: incidents declared by establishments, their threads, and the sightings peers report
/// on alerts. Persistence only: who may read what and how an incident moves are decided by the caller.
public protocol IncidentStore: Sendable {
    /// Stores a new incident.
    func createIncident(_ incident: Incident) async throws
    func incident(id: String) async throws -> Incident?
    /// The incident whose flash alert this is, if any.
    func incident(flashAlertId: String) async throws -> Incident?
    /// Incidents, newest first; only `orgId`'s when given, only those in `status` when given.
    func incidents(orgId: String?, status: Incident.Status?, page: PageRequest) async throws -> Page<Incident>
    /// Changes an incident in one transaction: `change` gets it as stored and returns what to store (`nil`: unknown).
    func updateIncident(id: String, _ change: @Sendable (Incident) throws -> Incident) async throws -> Incident?
    /// Appends a message to an incident's thread.
    func appendIncidentMessage(_ message: IncidentMessage) async throws
    /// An incident's thread, oldest first.
    func incidentMessages(incidentId: String) async throws -> [IncidentMessage]
    /// Records a sighting; a second one of the same indicator by the same organisation only moves its date.
    func recordSighting(_ sighting: Sighting) async throws
    /// Every sighting of an alert's indicators.
    func sightings(alertId: String) async throws -> [Sighting]
}
