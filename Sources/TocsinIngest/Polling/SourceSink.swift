import Foundation

/// Where the poller hands fetched documents: the adapters and the store, behind one call.
///
/// The sink is idempotent: the same document twice reports `unchanged`, a new revision of a known document
/// (same `sourceRef`, newer `sourceVersion`) reports `revised`, never a duplicate alert.
public protocol SourceSink: Sendable {
    /// Parses `data` as `format` with `options` and stores the resulting alerts. `origin` is the URL the
    /// document was fetched from, for provenance.
    ///
    /// Throw `IngestError` when the document itself is unreadable: the poller reports it and does not fetch this
    /// revision again. Any other error (the store is unavailable…) is taken as passing: the document is fetched
    /// again on the next round.
    func ingest(_ data: Data, format: IngestFormat, options: IngestOptions, origin: String) async throws -> SourceIngestOutcome
}

/// What a sink did with one document, counted in alerts.
public struct SourceIngestOutcome: Codable, Sendable, Hashable {
    /// New alerts.
    public var published: Int
    /// New revisions of alerts already known.
    public var revised: Int
    /// Alerts already known in this very revision: nothing was done.
    public var unchanged: Int
    /// Alerts cancelled by the document (CAP `Cancel`…).
    public var cancelled: Int

    public init(published: Int = 0, revised: Int = 0, unchanged: Int = 0, cancelled: Int = 0) {
        self.published = published
        self.revised = revised
        self.unchanged = unchanged
        self.cancelled = cancelled
    }

    /// True when the document changed something in the store.
    public var changedSomething: Bool { published + revised + cancelled > 0 }

    public static func + (lhs: SourceIngestOutcome, rhs: SourceIngestOutcome) -> SourceIngestOutcome {
        SourceIngestOutcome(published: lhs.published &+ rhs.published, revised: lhs.revised &+ rhs.revised,
                            unchanged: lhs.unchanged &+ rhs.unchanged, cancelled: lhs.cancelled &+ rhs.cancelled)
    }

    public static func += (lhs: inout SourceIngestOutcome, rhs: SourceIngestOutcome) { lhs = lhs + rhs }
}
