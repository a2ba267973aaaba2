import Foundation

extension RelayPolicy {
    /// True when `revision` may go to a relay reader: a relayable marking, and the reader's own rules (its
    /// organisation's clearance and region) allow it.
    public static func allowed(_ revision: Alert, to reader: RoutableSubscription) -> Bool {
        relayable(revision.tlp) && reader.takes(revision)
    }

    /// What a catch-up page holds for an alert whose newest pushed revision is `latest`, given its `earlier` revisions
    /// (read only when `latest` is not allowed; any order): the revision as the stream would send it when the reader
    /// may have it; a withdrawal notice when it may not but one of the earlier revisions, not a cancellation, went to it
    /// (as the stream sends one when the marking is raised or the alert leaves its region); nothing otherwise. The same
    /// rules as `send`, applied to the alert's whole history rather than to the revision before.
    public static func catchUp(_ latest: Alert, earlier: [Alert], to reader: RoutableSubscription, brokerId: String) -> RelaySend {
        if allowed(latest, to: reader) { return .send(outgoing(latest, brokerId: brokerId)) }
        let hadIt = earlier.contains { $0.revision < latest.revision && $0.status != .cancelled && allowed($0, to: reader) }
        return hadIt ? .withdraw(alertId: latest.id, revision: latest.revision) : .skip
    }
}
