import Foundation

/// Why a broker did not store an alert it read from an upstream broker; each is counted
/// (`tocsin_relay_dropped_total{reason}`).
public enum RelayDrop: String, Sendable, CaseIterable, Codable {
    /// The alert's path already names this broker: it came back round a loop.
    case loop
    /// The path, with this broker added, would be longer than the hop limit.
    case hopLimit = "hop_limit"
    /// The marking is not relayed (AMBER+STRICT stops at the relaying organisation, RED is never relayed).
    case marking
    /// A regional alert of a region this broker does not serve.
    case region
    /// A revision no newer than the one this broker holds.
    case stale
    /// Not an alert this broker can take: no origin, or an id this broker uses for an alert of its own.
    case malformed
    /// A withdrawal of an alert this broker does not hold.
    case unknown
}

/// What the upstream's stream does with one revision for a relay reader.
public enum RelaySend: Sendable, Equatable {
    /// Sends the revision (origin and path filled in when it was published there).
    case send(Alert)
    /// Sends a withdrawal notice that names the alert and nothing of its content: the reader had an earlier revision
    /// but may not have this one (its marking was raised, or it left the reader's region).
    case withdraw(alertId: String, revision: Int)
    /// Sends nothing.
    case skip
}

/// The rules of relaying alerts between brokers. Pure: no I/O, no clock.
///
/// - The marking is never widened: the copy keeps the origin's marking, and routing then applies each recipient's
///   clearance as it does to any alert.
/// - Only CLEAR, GREEN and AMBER are relayed: AMBER+STRICT reaches the relaying organisation itself (as its own
///   subscriptions at the upstream deliver it) and nobody downstream; RED is never relayed. The upstream does not send
///   them on a relay stream, and the downstream refuses them too.
/// - A broker drops an alert whose path already names it (so two brokers configured as each other's upstream stop
///   after one crossing) or whose path would exceed the hop limit.
/// - A regional broker takes national alerts and the alerts of its own regions, never another region's.
/// - Only the origin changes the content: a revision is taken only when it is newer than the one held.
public struct RelayPolicy: Sendable, Hashable {
    /// This broker's id, appended to the path of every alert it takes.
    public var brokerId: String
    /// The longest path an alert may have once this broker is added to it.
    public var hopLimit: Int
    /// The regions this broker serves; empty for a national broker, which takes every region's alerts.
    public var regions: Set<String>

    /// The hop limit when the configuration gives none.
    public static let defaultHopLimit = 4

    public init(brokerId: String, hopLimit: Int = RelayPolicy.defaultHopLimit, regions: Set<String> = []) {
        self.brokerId = brokerId
        self.hopLimit = hopLimit
        self.regions = regions
    }

    /// The attribute that marks a relayed copy withdrawn because its origin raised the marking past what is relayed.
    public static let withdrawnAttribute = "tocsin.withdrawn"

    /// True for a marking that may cross to another broker.
    public static func relayable(_ marking: TLP) -> Bool { marking <= .amber }

    // MARK: Upstream: what goes on a relay stream

    /// What the upstream sends a relay reader for `alert`: the reader's own rules (`reader.takes`: its organisation's
    /// clearance and region) and the relayable markings must all allow it. When they do not, and they allowed the
    /// previous revision the reader was sent, a withdrawal notice goes instead.
    public static func send(_ alert: Alert, previous: Alert?, to reader: RoutableSubscription, brokerId: String) -> RelaySend {
        func allowed(_ revision: Alert) -> Bool { relayable(revision.tlp) && reader.takes(revision) }
        if allowed(alert) { return .send(outgoing(alert, brokerId: brokerId)) }
        if let previous, previous.status != .cancelled, allowed(previous) { return .withdraw(alertId: alert.id, revision: alert.revision) }
        return .skip
    }

    /// The alert as it leaves this broker for another: an alert published here gets this broker as its origin and
    /// the first step of its path; a relayed copy keeps both as they are. Nothing of who published it leaves.
    public static func outgoing(_ alert: Alert, brokerId: String) -> Alert {
        var copy = alert
        if copy.origin == nil { copy.origin = AlertOrigin(brokerId: brokerId, alertId: alert.id) }
        if copy.relayPath.isEmpty { copy.relayPath = [copy.origin?.brokerId ?? brokerId] }
        copy.publishedBy = nil
        copy.publisherOrgId = nil
        return copy
    }

    // MARK: Downstream: what a broker takes

    /// What to do with a revision read from an upstream.
    public enum Decision: Sendable, Equatable {
        /// Store this copy (through the publish pipeline, so routing, reach, escalation and delivery apply).
        case store(Alert)
        /// Store nothing, and count why.
        case drop(RelayDrop)
    }

    /// Decides on `incoming`, read from an upstream, given the copy this broker holds of the same alert (nil when
    /// none). A copy held whose new revision may no longer be relayed here (marking raised, region left) is
    /// withdrawn instead.
    public func receive(_ incoming: Alert, held: Alert?, now: Date) -> Decision {
        guard let origin = incoming.origin, !incoming.relayPath.isEmpty, origin.alertId == incoming.id else { return .drop(.malformed) }
        if incoming.relayPath.contains(brokerId) || origin.brokerId == brokerId { return .drop(.loop) }
        if incoming.relayPath.count + 1 > hopLimit { return .drop(.hopLimit) }
        if let held {
            guard held.origin == origin else { return .drop(.malformed) }
            guard incoming.revision > held.revision else { return .drop(.stale) }
        }
        let refusal: RelayDrop? = !Self.relayable(incoming.tlp) ? .marking : (serves(incoming) ? nil : .region)
        if let refusal {
            guard held != nil else { return .drop(refusal) }
            return withdraw(held: held, revision: incoming.revision, now: now)
        }
        var copy = incoming
        copy.relayPath.append(brokerId)
        copy.source = "relay"
        copy.receivedAt = held?.receivedAt ?? now.millisecondPrecision
        copy.publishedBy = nil
        copy.publisherOrgId = nil
        copy.content.attributes[Self.withdrawnAttribute] = nil
        return .store(copy)
    }

    /// Withdraws the copy held when its origin's revision `revision` may no longer be relayed here: a cancellation that
    /// keeps the alert's identity, marking and regions (so it reaches those who were told, and only those still
    /// cleared) and nothing else of its content.
    public func withdraw(held: Alert?, revision: Int, now: Date) -> Decision {
        guard let held else { return .drop(.unknown) }
        guard revision > held.revision, held.status != .cancelled else { return .drop(.stale) }
        var copy = held
        copy.revision = revision
        copy.status = .cancelled
        copy.updatedAt = now.millisecondPrecision
        copy.content = AlertContent(title: held.title, summary: "", body: nil, severity: held.severity, tlp: held.tlp,
                                    regions: held.regions)
        copy.content.attributes[Self.withdrawnAttribute] = "true"
        return .store(copy)
    }

    /// True when this broker serves the alert's regions: every alert for a national broker; national alerts and
    /// those naming one of its regions for a regional one.
    public func serves(_ alert: Alert) -> Bool {
        regions.isEmpty || alert.isNational || !regions.isDisjoint(with: alert.regions)
    }
}
