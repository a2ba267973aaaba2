import Foundation

/// The moves of an incident in the CERT's queue, pure: each returns the incident as it becomes, or throws when the
/// move makes no sense from where it stands.
public enum IncidentLifecycle {
    /// A move refused from the incident's current status.
    public struct TransitionError: Error, Equatable, CustomStringConvertible {
        public var id: String
        public var from: Incident.Status
        public var move: String

        public var description: String { "incident \(id) is \(from.rawValue) and cannot be \(move)" }
    }

    /// The CERT takes the declaration: the clock of its answer stops here. Acknowledging again changes nothing.
    public static func acknowledge(_ incident: Incident, now: Date) throws(TransitionError) -> Incident {
        var next = incident
        switch incident.status {
        case .new:
            next.status = .acknowledged
            next.acknowledgedAt = now
            next.updatedAt = now
        case .acknowledged, .inProgress, .flashPublished:
            break
        case .closed:
            throw TransitionError(id: incident.id, from: incident.status, move: "acknowledged")
        }
        return next
    }

    /// The CERT works on it (a message sent, an analysis started); acknowledges it first when still new.
    public static func start(_ incident: Incident, now: Date) throws(TransitionError) -> Incident {
        var next = try acknowledge(incident, now: now)
        if next.status == .acknowledged {
            next.status = .inProgress
            next.updatedAt = now
        }
        return next
    }

    /// The flash alert is out; an incident flashes once (later finds revise that alert).
    public static func flashed(_ incident: Incident, alertId: String, namesDeclarant: Bool, now: Date) throws(TransitionError) -> Incident {
        guard incident.flashAlertId == nil, incident.status != .closed else {
            throw TransitionError(id: incident.id, from: incident.status, move: "flashed again")
        }
        var next = try acknowledge(incident, now: now)
        next.status = .flashPublished
        next.flashAlertId = alertId
        next.flashNamesDeclarant = namesDeclarant
        next.flashPublishedAt = now
        next.updatedAt = now
        return next
    }

    /// The incident is over; nothing more is added to it.
    public static func close(_ incident: Incident, now: Date) throws(TransitionError) -> Incident {
        guard incident.status != .closed else { throw TransitionError(id: incident.id, from: incident.status, move: "closed again") }
        var next = incident
        next.status = .closed
        next.closedAt = now
        next.updatedAt = now
        return next
    }

    /// The indicators `found` added to the incident, each once (by type and value, case ignored), and how many were
    /// new. A closed incident takes none.
    public static func adding(_ found: [Indicator], to incident: Incident, now: Date) throws(TransitionError) -> (Incident, added: Int) {
        guard incident.status != .closed else { throw TransitionError(id: incident.id, from: incident.status, move: "given indicators") }
        var next = incident
        var known = Set(incident.indicators.map(IndicatorIntake.key))
        var added = 0
        for indicator in found where known.insert(IndicatorIntake.key(indicator)).inserted {
            guard next.indicators.count < Incident.maximumIndicators else { break }
            next.indicators.append(indicator)
            added += 1
        }
        if added > 0 { next.updatedAt = now }
        return (next, added)
    }
}
