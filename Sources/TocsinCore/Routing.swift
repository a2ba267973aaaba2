import Foundation

/// A subscription ready for matching: its filter compiled to sets, with its organisation's clearance and region.
public struct RoutableSubscription: Sendable, Hashable {
    public var subscriptionId: String
    public var orgId: String
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

    public init(subscriptionId: String, orgId: String, channel: Channel, clearance: TLP, orgRegion: String?, filter: SubscriptionFilter,
                digest: DigestMode = .immediate) {
        self.subscriptionId = subscriptionId
        self.digest = digest
        self.orgId = orgId
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

    public init(subscription: Subscription, organisation: Organisation) {
        self.init(subscriptionId: subscription.id, orgId: organisation.id, channel: subscription.channel,
                  clearance: organisation.tlpClearance, orgRegion: organisation.regionScope, filter: subscription.filter,
                  digest: subscription.digest)
    }

    /// The rules no filter can loosen: the TLP clearance covers the marking, and a regional alert stays in its regions.
    public func mayReceive(_ alert: Alert) -> Bool {
        alert.refusal(clearance: clearance, region: orgRegion) == nil
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
        let alertRegions = Set(alert.regions)
        let categories = Set(alert.categories)
        let cves = Set(alert.cves)
        var foldedText: String?
        var matches: [RoutableSubscription] = []
        for sub in subscriptions {
            guard sub.clearance.rank >= alert.tlp.rank, sub.minSeverity.rank <= alert.severity.rank else { continue }
            if !alertRegions.isEmpty {
                guard let region = sub.orgRegion, region == Region.all || alertRegions.contains(region) else { continue }
                if !sub.regions.isEmpty, sub.regions.isDisjoint(with: alertRegions) { continue }
            }
            if !sub.categories.isEmpty, sub.categories.isDisjoint(with: categories) { continue }
            if !sub.cves.isEmpty, sub.cves.isDisjoint(with: cves) { continue }
            if sub.onlyInventoryMatches, !concerned.contains(sub.orgId) { continue }
            if !sub.keywords.isEmpty {
                if foldedText == nil {
                    foldedText = TextFolding.fold([alert.title, alert.summary, alert.body ?? ""].joined(separator: "\n"))
                }
                guard sub.keywords.contains(where: { foldedText!.contains($0) }) else { continue }
            }
            matches.append(sub)
        }
        return matches
    }

    /// Recipients of a new revision: those it matches now, plus those that received an earlier revision and may
    /// still receive this one (so an update or a cancellation reaches everyone who was told, but a marking raised
    /// to AMBER never reaches an organisation cleared only for GREEN).
    public func route(_ alert: Alert, previousRecipients: Set<String>, concerned: Set<String> = []) -> [RoutableSubscription] {
        guard !previousRecipients.isEmpty else { return route(alert, concerned: concerned) }
        let matched = Set(route(alert, concerned: concerned).map(\.subscriptionId))
        return subscriptions.filter { sub in
            matched.contains(sub.subscriptionId) || (previousRecipients.contains(sub.subscriptionId) && sub.mayReceive(alert))
        }
    }

    /// Recipients a revision reaches for the first time: those it matches whose filter the previous revision did
    /// not match (a severity raised to a subscription's minimum). Those who had the previous revision, or could have
    /// had it, are not told again.
    public func newlyMatching(_ alert: Alert, previous: Alert, concerned: Set<String> = []) -> [RoutableSubscription] {
        let before = Set(route(previous, concerned: concerned).map(\.subscriptionId))
        return route(alert, concerned: concerned).filter { !before.contains($0.subscriptionId) }
    }

    /// Whether one subscription takes the alert; the same rules as `route`.
    public static func matches(_ alert: Alert, _ subscription: RoutableSubscription, concerned: Set<String> = []) -> Bool {
        !RoutingIndex([subscription]).route(alert, concerned: concerned).isEmpty
    }
}

/// Text normalised for matching: lower case, accents removed (`Rançongiciel` → `rancongiciel`).
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}
