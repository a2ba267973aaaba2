import Foundation
import Logging
import TocsinCore
import TocsinEnrich
import TocsinIngest
import TocsinStore

/// Takes a source document from bytes to the alert log: the adapter reads it, enrichment completes it, and the
/// store publishes it, revises the alert it updates, or does nothing when it is already known as it is.
///
/// Shared by `POST /api/v1/ingest/{format}`, `tocsin import` and the source pollers, so that the same document
/// gives the same result whichever way it arrives.
public struct IngestService: Sendable {
    let store: any Store
    let enricher: Enricher
    let routing: AlertRouter
    let logger: Logger

    /// `routing` is the process's one router (its caches are shared).
    public init(store: any Store, enricher: Enricher = Enricher(), routing: AlertRouter, logger: Logger = Logger(label: "tocsin.ingest")) {
        self.store = store
        self.enricher = enricher
        self.routing = routing
        self.logger = logger
    }

    /// Reads, enriches and stores one document. A document that fails to parse is rejected whole (an
    /// `IngestError`); nothing of it is stored.
    public func ingest(_ data: Data, format: IngestFormat?, options: IngestOptions = IngestOptions(),
                       publisher: IngestPublisher = .broker("cli"), now: Date = Date()) async throws -> IngestReport {
        var (resolved, items) = try IngestRegistry.parse(data, format: format, options: options)
        // Every alert of the document is validated and enriched before anything is written, so a document that
        // fails is rejected whole. The fingerprint is taken on what the document says, before the marking floor
        // and the source's name, so the same document by any route is recognised.
        let shape = "\(resolved.rawValue)/\(Self.syntax(of: data))"
        for index in items.indices where items[index].action != .cancel {
            items[index].draft = try prepared(items[index], shape: shape)
        }
        if options.quiet {
            // Stored, readable, never pushed: the store queues nothing for an alert marked so.
            for index in items.indices { items[index].draft.attributes[Alert.backfilledAttribute] = "true" }
        }
        for index in items.indices { items[index].draft = IngestPolicy.floored(items[index].draft, at: options.minimumTLP) }
        let route = try await routing.router()
        var report = IngestReport(format: resolved)
        for item in items {
            switch item.action {
            case .publish:
                report.items.append(try await publish(item, format: resolved, publisher: publisher, now: now, route: route))
            case .cancel:
                report.items += try await cancel(item, format: resolved, publisher: publisher, now: now, route: route)
            case .markExploited:
                report.items += try await markExploited(item, format: resolved, publisher: publisher, now: now, quiet: options.quiet, route: route)
            }
        }
        report.storedQuietly = options.quiet ? report.count(.published) + report.count(.revised) + report.count(.flagged) : 0
        logger.info("document ingested", metadata: [
            "quietly": "\(report.storedQuietly)",
            "format": "\(resolved.rawValue)", "source": "\(options.sourceName ?? resolved.rawValue)",
            "published": "\(report.count(.published))", "revised": "\(report.count(.revised))",
            "unchanged": "\(report.count(.unchanged))", "cancelled": "\(report.count(.cancelled))",
        ])
        return report
    }

    /// The identity of a document in the alert log: its publisher's namespace (none for the broker's own), its
    /// format's namespace and its source reference (or, for a document without one, a hash of its content, so
    /// that the same text twice is still one alert). Another publisher's reference names another alert.
    static func key(_ format: IngestFormat, _ ref: String, in namespace: String? = nil) -> String {
        let key = "\(format.identityNamespace):\(ref)"
        return namespace.map { "\($0):\(key)" } ?? key
    }

    private func prepared(_ item: IngestedAlert, shape: String) throws -> AlertDraft {
        var draft = enricher.enrich(try item.draft.validated())
        draft.attributes["tocsin.fingerprint"] = IngestPolicy.fingerprint(draft)
        draft.attributes["tocsin.shape"] = shape
        return draft
    }

    /// `xml` or `json`: CERT-FR and feeds come in both, and the two shapes of one advisory do not say as much.
    static func syntax(of data: Data) -> String {
        let first = data.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        return first == UInt8(ascii: "<") ? "xml" : "json"
    }

    private func publish(_ item: IngestedAlert, format: IngestFormat, publisher: IngestPublisher, now: Date, route: @escaping RoutingStep) async throws -> IngestReport.Item {
        let draft = item.draft
        let ref = draft.sourceRef ?? "sha256:\(draft.attributes["tocsin.fingerprint"] ?? "")"
        let namespace = publisher.access.ingestNamespace
        let keys = [Self.key(format, ref, in: namespace)] + item.supersedes.map { Self.key(format, $0, in: namespace) }
        let enricher = self.enricher
        let access = publisher.access
        let publishedBy = publisher.tokenId
        let result: IngestResult
        do {
            result = try await store.ingest(keys: keys, route: route) { current in
                guard let current else { return Alert.first(from: draft, publishedBy: publishedBy, publisherOrgId: access.orgId, now: now) }
                // Writes are checked like reads: an alert the publisher may no longer read or change is not touched.
                guard access.reviseRefusal(current) == nil else { throw Refused() }
                return try IngestPolicy.revision(of: current, by: draft, enricher: enricher, publishedBy: publishedBy, now: now)
            }
        } catch is Refused {
            return IngestReport.Item(action: .refused, alertId: nil, revision: nil, sourceRef: ref, title: draft.title)
        }
        // An answer never shows an alert the publisher may not read.
        if case .unchanged(let alert?) = result, !access.canRead(alert) {
            return IngestReport.Item(action: .unchanged, alertId: nil, revision: nil, sourceRef: ref, title: draft.title)
        }
        return IngestReport.Item(result, sourceRef: ref, title: draft.title)
    }

    private func cancel(_ item: IngestedAlert, format: IngestFormat, publisher: IngestPublisher, now: Date, route: @escaping RoutingStep) async throws -> [IngestReport.Item] {
        var items: [IngestReport.Item] = []
        let access = publisher.access
        let publishedBy = publisher.tokenId
        for ref in item.supersedes {
            guard let id = try await store.alertId(refKey: Self.key(format, ref, in: access.ingestNamespace)) else {
                items.append(IngestReport.Item(action: .notFound, alertId: nil, revision: nil, sourceRef: ref, title: item.draft.title))
                continue
            }
            let reason = item.draft.summary.isEmpty ? item.draft.title : item.draft.summary
            do {
                let result = try await store.revise(alertId: id, route: route) { current in
                    guard access.reviseRefusal(current) == nil else { throw Refused() }
                    return try AlertLifecycle.cancel(current, reason: reason, by: publishedBy, now: now)
                }
                items.append(IngestReport.Item(action: .cancelled, alertId: id, revision: result.alert.revision, sourceRef: ref, title: result.alert.title))
            } catch AlertLifecycle.TransitionError.alreadyCancelled {
                items.append(IngestReport.Item(action: .unchanged, alertId: id, revision: nil, sourceRef: ref, title: item.draft.title))
            } catch is Refused {
                items.append(IngestReport.Item(action: .refused, alertId: nil, revision: nil, sourceRef: ref, title: item.draft.title))
            }
        }
        return items
    }

    /// A known-exploited entry flags every alert about its CVEs; when no alert names them, it becomes one. The flag
    /// is pushed only to the subscriptions it newly reaches (`Alert.notifyNewlyMatching`). Alerts of
    /// other entries of the same catalog (whose notes may mention the CVE) are not flagged: each entry stands alone.
    private func markExploited(_ item: IngestedAlert, format: IngestFormat, publisher: IngestPublisher, now: Date, quiet: Bool,
                               route: @escaping RoutingStep) async throws -> [IngestReport.Item] {
        var items: [IngestReport.Item] = []
        let access = publisher.access
        let publishedBy = publisher.tokenId
        var flagged = false
        for cve in item.draft.cves {
            for id in try await store.alertIds(cve: cve) {
                // Catalog entries share the prefix of their source reference (`KEV:`).
                let catalog = item.draft.sourceRef.map { String($0.prefix { $0 != ":" }) + ":" } ?? "\u{0}"
                // Only alerts the publisher may change are flagged: another organisation's alerts are not its to revise.
                guard let alert = try await store.alert(id: id), alert.sourceRef?.hasPrefix(catalog) != true,
                      access.reviseRefusal(alert) == nil else { continue }
                flagged = true
                let enricher = self.enricher
                do {
                    let revised = try await store.revise(alertId: id, route: route) { current in
                        // Checked again inside the write: the alert may have been raised above the caller's clearance since.
                        guard access.reviseRefusal(current) == nil else { throw Refused() }
                        guard let flagged = try IngestPolicy.flaggedExploited(current, enricher: enricher, quiet: quiet, publishedBy: publishedBy, now: now)
                        else { throw AlreadyFlagged() }
                        return flagged
                    }
                    items.append(IngestReport.Item(action: .flagged, alertId: id, revision: revised.alert.revision, sourceRef: cve, title: revised.alert.title))
                } catch is AlreadyFlagged {
                    items.append(IngestReport.Item(action: .unchanged, alertId: id, revision: nil, sourceRef: cve, title: item.draft.title))
                } catch is Refused {
                    items.append(IngestReport.Item(action: .refused, alertId: nil, revision: nil, sourceRef: cve, title: item.draft.title))
                }
            }
        }
        if !flagged { items.append(try await publish(item, format: format, publisher: publisher, now: now, route: route)) }
        return items
    }

    private struct AlreadyFlagged: Error {}
    private struct Refused: Error {}
}

/// Who ingests a document: the token recorded on the revisions it writes, and what it may read and change.
public struct IngestPublisher: Sendable {
    public var tokenId: String?
    public var access: AlertAccess

    public init(tokenId: String?, access: AlertAccess) {
        self.tokenId = tokenId
        self.access = access
    }

    /// The broker itself (the command line, a source poller), recorded under `label`.
    public static func broker(_ label: String) -> IngestPublisher { IngestPublisher(tokenId: label, access: .broker) }
}

/// What ingesting one document did, alert by alert.
public struct IngestReport: Codable, Sendable {
    public enum Action: String, Codable, Sendable {
        case published, revised, unchanged, cancelled, flagged
        /// A cancel or update named a document Tocsin never received.
        case notFound = "not_found"
        /// The document names an alert the publisher may not change (its organisation's clearance no longer
        /// reads it); nothing was stored.
        case refused
    }

    public struct Item: Codable, Sendable {
        public var action: Action
        public var alertId: String?
        public var revision: Int?
        public var sourceRef: String?
        public var title: String

        init(action: Action, alertId: String?, revision: Int?, sourceRef: String?, title: String) {
            self.action = action
            self.alertId = alertId
            self.revision = revision
            self.sourceRef = sourceRef
            self.title = title
        }

        init(_ result: IngestResult, sourceRef: String, title: String) {
            switch result {
            case .unchanged(let alert): self.init(action: .unchanged, alertId: alert?.id, revision: alert?.revision, sourceRef: sourceRef, title: title)
            case .published(let r): self.init(action: .published, alertId: r.alert.id, revision: r.alert.revision, sourceRef: sourceRef, title: title)
            case .revised(let r): self.init(action: .revised, alertId: r.alert.id, revision: r.alert.revision, sourceRef: sourceRef, title: title)
            }
        }
    }

    public var format: IngestFormat
    public var items: [Item] = []
    /// How many alerts were stored without notifying anyone (backfill).
    public var storedQuietly = 0

    public func count(_ action: Action) -> Int { items.filter { $0.action == action }.count }
}

extension IngestFormat {
    /// Documents of these formats share identities: a CERT-FR advisory read from its RSS item and from its JSON
    /// document is one alert; a CVE record and an NVD page about the same CVE are one alert.
    var identityNamespace: String { rawValue }
}
