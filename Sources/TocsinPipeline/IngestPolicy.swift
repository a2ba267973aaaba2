import Crypto
import Foundation
import TocsinCore
import TocsinEnrich

/// What an ingested document does to the alert log, decided without I/O: its fingerprint, whether it is stale, the
/// marking floor of the channel it came through, the revision it makes of a known alert, and the known-exploited
/// flag. `IngestService` reads and writes; this decides.
public enum IngestPolicy {
    /// A hash of what the document says: equal hashes mean nothing new to say. Where it came from (the source's
    /// name, its per-source categories, the marking floor of its channel, Tocsin's own bookkeeping) is left out.
    public static func fingerprint(_ draft: AlertDraft) -> String {
        var draft = draft
        draft.source = nil
        draft.categories = []
        draft.attributes = draft.attributes.filter { !$0.key.hasPrefix("tocsin.") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let bytes = (try? encoder.encode(draft)) ?? Data()
        return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether the document has nothing newer to say than the alert's current revision: its own date is older (a
    /// late copy), or it is the same version of the advisory in another shape (the RSS item of a CERT-FR advisory
    /// stored from its JSON document), which must not replace the richer one.
    public static func isStale(_ draft: AlertDraft, than current: Alert) -> Bool {
        guard let incoming = draft.sourceUpdatedAt ?? draft.sourcePublishedAt,
              let known = current.sourceUpdatedAt ?? (current.source == "api" ? nil : current.sourcePublishedAt) else { return false }
        if incoming < known { return true }
        return incoming == known && current.attributes["tocsin.shape"] != nil
            && current.attributes["tocsin.shape"] != draft.attributes["tocsin.shape"]
    }

    /// The draft marked at least `floor`: what came through a restricted channel keeps that channel's marking
    /// (TLP is never widened).
    public static func floored(_ draft: AlertDraft, at floor: TLP?) -> AlertDraft {
        guard let floor, draft.tlp.rank < floor.rank else { return draft }
        var draft = draft
        draft.tlp = floor
        return draft
    }

    /// The revision an ingested draft (enriched, fingerprinted) makes of the alert it names, or nil when it has
    /// nothing new to say: the alert is cancelled, the document is the one already stored, or it is stale. A revision
    /// never lowers the marking (that is a deliberate act, through the revise API), and a vulnerability once known to
    /// be exploited stays so, and classified so.
    public static func revision(of current: Alert, by draft: AlertDraft, enricher: Enricher, publishedBy: String?, now: Date) throws -> Alert? {
        let fingerprint = draft.attributes["tocsin.fingerprint"] ?? ""
        guard current.status != .cancelled, current.attributes["tocsin.fingerprint"] != fingerprint, !isStale(draft, than: current) else {
            return nil
        }
        var next = draft
        if next.tlp.rank < current.tlp.rank { next.tlp = current.tlp }
        if current.knownExploited, !next.knownExploited {
            next.knownExploited = true
            next = enricher.enrich(next)
            next.attributes["tocsin.fingerprint"] = fingerprint
        }
        return try AlertLifecycle.revise(current, with: next, by: publishedBy, now: now)
    }

    /// The revision a known-exploited catalog entry makes of an alert about its CVE, or nil when the alert is
    /// already flagged or cancelled. It is news only to the subscriptions its raised severity now reaches
    /// (`Alert.notifyNewlyMatching`); during a backfill (`quiet`) it tells no one.
    public static func flaggedExploited(_ current: Alert, enricher: Enricher, quiet: Bool, publishedBy: String?, now: Date) throws -> Alert? {
        guard !current.knownExploited, current.status != .cancelled else { return nil }
        var draft = current.draft
        draft.knownExploited = true
        draft = enricher.enrich(draft)
        draft.attributes[Alert.notifyAttribute] = Alert.notifyNewlyMatching
        if quiet { draft.attributes[Alert.backfilledAttribute] = "true" }
        return try AlertLifecycle.revise(current, with: draft, by: publishedBy, now: now)
    }
}
