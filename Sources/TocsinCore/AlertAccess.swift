import Foundation

/// What a caller may do with alerts: read those its organisation's clearance and region allow, and write (revise,
/// cancel, acknowledge, ingest a revision) only those it may read and, for revisions and cancellations, only those
/// its own organisation published.
///
/// Writes are checked like reads: an alert the caller may not read does not exist for it, so a refused write answers
/// exactly as an unknown alert would and never echoes the alert.
public struct AlertAccess: Sendable, Hashable {
    /// Why a write is refused.
    public enum Refusal: Sendable, Equatable {
        /// The caller may not read the alert: answer as for an unknown alert.
        case unreadable
        /// The caller may read the alert but did not publish it.
        case notPublisher
    }

    public var role: Role
    /// The caller's organisation; nil for the broker's own callers (admins, unbound publishers, the command line
    /// and the source pollers).
    public var orgId: String?
    /// The clearance and region reads are limited to; nil when unrestricted (admins and publishers).
    public var clearance: TLP?
    public var region: String?

    public init(role: Role, orgId: String?, clearance: TLP?, region: String?) {
        self.role = role
        self.orgId = orgId
        self.clearance = clearance
        self.region = region
    }

    /// The broker itself (command line, pollers): reads and writes everything it published.
    public static let broker = AlertAccess(role: .admin, orgId: nil, clearance: nil, region: nil)

    /// True when the caller may read this revision of the alert.
    public func canRead(_ alert: Alert) -> Bool {
        guard let clearance else { return true }
        return alert.refusal(clearance: clearance, region: region) == nil
    }

    /// Why the caller may not revise or cancel the alert, or nil when it may: admins may change any alert; others only
    /// an alert they may read and that their own organisation published (the broker's own alerts for callers bound
    /// to no organisation).
    public func reviseRefusal(_ alert: Alert) -> Refusal? {
        guard canRead(alert) else { return .unreadable }
        if role == .admin { return nil }
        guard role == .publisher || role == .relay else { return .notPublisher }
        return alert.publisherOrgId == orgId ? nil : .notPublisher
    }

    /// The namespace of the caller's ingest identities: a source reference names one alert per publishing
    /// organisation, so that nobody can reach another publisher's alert by reusing its reference.
    public var ingestNamespace: String? { orgId.map { "org:\($0)" } }
}
