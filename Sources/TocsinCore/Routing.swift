import Foundation

/// A subscription ready for matching: its filter compiled to sets, with its organisation's clearance and region.
public struct RoutableSubscription: Sendable, Hashable {
    /// The identifiers, held compact: the routing index keeps one of these per subscription (`CompactID`).
    public private(set) var subscriptionKey: CompactID
    public private(set) var orgKey: CompactID
    public var subscriptionId: String { subscriptionKey.text }
    public var orgId: String { orgKey.text }
    public var channel: Channel
    public var clearance: TLP
    public var orgRegion: String?
    public var minSeverity: Severity
    public var categories: Set<String>
    public var regions: Set<String>
    /// Keywords folded (lower case, no accents) once, at compile time.
    public var keywords: [String]
    public var cves: Set<String>
    public var digest: DigestMode
    public var onlyInventoryMatches: Bool
    /// Whether drills are taken: always for a pushed channel, on request (`includeExercises`) for a pulled one.
    public var includeExercises: Bool
    /// The organisation's kind, for alerts meant for some kinds of establishment only; nil for a reader of no
    /// organisation, which such alerts do not narrow.
    public var orgKind: Organisation.Kind?
    /// The organisation is flagged compromised: only its out-of-band subscriptions take alerts.
    public var orgCompromised = false
    /// The subscription writes to the organisation's out-of-band contacts (`RoleAddress.outOfBandTarget`): it takes
    /// alerts only while the organisation is compromised.
    public var outOfBand = false

    /// `pulled` for a channel the reader reads itself (a feed, the stream): it takes drills only when its filter asks.
    public init(subscriptionId: String, orgId: String, channel: Channel, clearance: TLP, orgRegion: String?, filter: SubscriptionFilter,
                digest: DigestMode = .immediate, pulled: Bool = false, orgKind: Organisation.Kind? = nil, orgCompromised: Bool = false,
                outOfBand: Bool = false) {
        subscriptionKey = CompactID(subscriptionId)
        self.orgKind = orgKind
        self.orgCompromised = orgCompromised
        self.outOfBand = outOfBand
        includeExercises = !pulled || filter.includeExercises
        self.digest = digest
        orgKey = CompactID(orgId)
        self.channel = channel
        self.clearance = clearance
        self.orgRegion = orgRegion
        minSeverity = filter.minSeverity ?? .info
        categories = Set(filter.categories)
        regions = Set(filter.regions)
        keywords = filter.keywords.map(TextFolding.fold)
        cves = Set(filter.cves)
        onlyInventoryMatches = filter.onlyInventoryMatches
    }

    public init(subscription: Subscription, organisation: Organisation, pulled: Bool = false) {
        self.init(subscriptionId: subscription.id, orgId: organisation.id, channel: subscription.channel,
                  clearance: organisation.tlpClearance, orgRegion: organisation.regionScope, filter: subscription.filter,
                  digest: subscription.digest, pulled: pulled, orgKind: organisation.kind, orgCompromised: organisation.compromised,
                  outOfBand: subscription.channel.rawValue == "email" && subscription.target == RoleAddress.outOfBandTarget)
    }

    /// Whether the subscription's lane is open: while its organisation is compromised, only the out-of-band one
    /// (the attacker may read its own mail server or SIEM); otherwise every one but the out-of-band one, which stands by.
    public var laneOpen: Bool { orgCompromised == outOfBand }

    /// Whether the subscription takes the alert as far as drills go: a real alert always; a drill on a pushed channel,
    /// or on a pulled one that asked for them.
    public func takesExercise(_ alert: Alert) -> Bool { !alert.isExercise || includeExercises }

    /// The rules no filter can loosen: the TLP clearance covers the marking, and a regional alert stays in its regions.
    public func mayReceive(_ alert: Alert) -> Bool {
        alert.refusal(clearance: clearance, region: orgRegion) == nil
    }

    /// Whether this subscription takes the alert: the one predicate that routing, the feeds and the live stream
    /// apply (the rules are listed on `RoutingIndex`). `concerned` holds the organisations whose inventory the alert
    /// matches.
    public func takes(_ alert: Alert, concerned: Set<String> = []) -> Bool {
        var matchable = MatchableAlert(alert)
        return takes(&matchable, concerned: concerned)
    }

    /// `takes` for an alert prepared once for many subscriptions.
    public func takes(_ alert: inout MatchableAlert, concerned: Set<String>) -> Bool {
        guard clearance.rank >= alert.alert.tlp.rank, minSeverity.rank <= alert.alert.severity.rank else { return false }
        guard takesExercise(alert.alert), laneOpen else { return false }
        // Some kinds of establishment only: a reader of no known kind (the broker's own, an admin's stream) is not
        // narrowed, since kinds say who is told, not who may read.
        if let kinds = alert.alert.kinds, !kinds.isEmpty, let orgKind, !kinds.contains(orgKind) { return false }
        if !alert.regions.isEmpty {
            guard let orgRegion, orgRegion == Region.all || alert.regions.contains(orgRegion) else { return false }
            if !regions.isEmpty, regions.isDisjoint(with: alert.regions) { return false }
        }
        if !categories.isEmpty, categories.isDisjoint(with: alert.categories) { return false }
        if !cves.isEmpty, cves.isDisjoint(with: alert.cves) { return false }
        if onlyInventoryMatches, !concerned.contains(orgId) { return false }
        if !keywords.isEmpty {
            let text = alert.foldedText()
            guard keywords.contains(where: { text.contains($0) }) else { return false }
        }
        return true
    }
}

/// An alert prepared for matching against many subscriptions: its sets built once, its text folded when a keyword
/// filter first needs it.
public struct MatchableAlert {
    public let alert: Alert
    let regions: Set<String>
    let categories: Set<String>
    let cves: Set<String>
    private var folded: String?

    public init(_ alert: Alert) {
        self.alert = alert
        regions = Set(alert.regions)
        categories = Set(alert.categories)
        cves = Set(alert.cves)
    }

    mutating func foldedText() -> String {
        if let folded { return folded }
        let text = TextFolding.fold([alert.title, alert.summary, alert.body ?? ""].joined(separator: "\n"))
        folded = text
        return text
    }
}

/// Decides which subscriptions an alert goes to. Pure: no I/O, no clock.
///
/// The rules, all of which must hold:
/// - TLP: the organisation's clearance covers the alert's marking (never widened);
/// - region: a regional alert goes only to organisations of its regions, a national one to all;
/// - severity: the alert is at least the subscription's `minSeverity`;
/// - categories, CVEs: when the filter lists some, the alert shares at least one;
/// - regions of the filter: when listed, the alert is national or names one of them;
/// - keywords: when listed, one of them appears in the title, summary or body (case and accents ignored).
public struct RoutingIndex: Sendable {
    public private(set) var subscriptions: [RoutableSubscription]

    public init(_ subscriptions: [RoutableSubscription]) {
        self.subscriptions = subscriptions
    }

    public var count: Int { subscriptions.count }

    /// The subscriptions the alert goes to, in index order. `concerned` holds the organisations whose inventory the
    /// alert matches; subscriptions asking for `onlyInventoryMatches` take the alert only for those.
    public func route(_ alert: Alert, concerned: Set<String> = []) -> [RoutableSubscription] {
        var matchable = MatchableAlert(alert)
        // The positions first, 4 bytes each, then the matches in an array of their exact size: a fan-out to tens of
        // thousands of subscriptions grows no array of whole subscriptions, copying it at each doubling.
        var positions: [Int32] = []
        for (position, sub) in subscriptions.enumerated() where sub.takes(&matchable, concerned: concerned) {
            positions.append(Int32(truncatingIfNeeded: position))
        }
        return positions.map { subscriptions[Int($0)] }
    }

    /// Recipients of a new revision: those it matches now, plus those that received an earlier revision and may
    /// still receive this one (so an update or a cancellation reaches everyone who was told, but a marking raised
    /// to AMBER never reaches an organisation cleared only for GREEN).
    public func route(_ alert: Alert, previousRecipients: Set<String>, concerned: Set<String> = []) -> [RoutableSubscription] {
        guard !previousRecipients.isEmpty else { return route(alert, concerned: concerned) }
        let matched = Set(route(alert, concerned: concerned).map(\.subscriptionId))
        return subscriptions.filter { sub in
            matched.contains(sub.subscriptionId) || (previousRecipients.contains(sub.subscriptionId) && sub.laneOpen && sub.mayReceive(alert))
        }
    }

    /// Recipients a revision reaches for the first time: those it matches whose filter the previous revision did
    /// not match (a severity raised to a subscription's minimum). Those who had the previous revision, or could have
    /// had it, are not told again.
    public func newlyMatching(_ alert: Alert, previous: Alert, concerned: Set<String> = []) -> [RoutableSubscription] {
        let before = Set(route(previous, concerned: concerned).map(\.subscriptionId))
        return route(alert, concerned: concerned).filter { !before.contains($0.subscriptionId) }
    }

}

/// Text normalised for matching: lower case, accents removed (`Rançongiciel` → `rancongiciel`).
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}
