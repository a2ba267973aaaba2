import Foundation
import TocsinCore

/// The formats Tocsin ingests; the raw values are the names used by `POST /api/v1/ingest/{format}`,
/// `tocsin import --format` and the `format` of a configured source.
public enum IngestFormat: String, Codable, Sendable, CaseIterable {
    /// CSAF 2.0 / 2.1 advisories and VEX documents.
    case csaf
    /// STIX 2.1 bundles.
    case stix
    /// MISP events, in any of the three envelope shapes.
    case misp
    /// CAP 1.2 and 1.1 alert messages.
    case cap
    /// RSS 2.0, Atom 1.0 and JSON Feed 1.x: one alert per item.
    case feed
    /// CERT-FR advisory JSON documents and CERT-FR RSS feeds.
    case certfr
    /// CVE JSON 5.x records.
    case cve
    /// The CISA Known Exploited Vulnerabilities catalog.
    case kev
    /// The publish API's own JSON shape (`AlertDraft`).
    case native
}

/// What an adapter may be told about where a document comes from.
public struct IngestOptions: Sendable {
    /// The name recorded as the alerts' `source`: the configured source's name, or the format.
    public var sourceName: String?
    /// The TLP given to documents that carry no marking. When nil each adapter uses its format's default
    /// (CLEAR for formats that are public by nature — CVE, KEV, CERT-FR, feeds, CAP — AMBER for the others).
    public var defaultTLP: TLP?
    /// The severity given when neither the source nor a score says.
    public var defaultSeverity: Severity?
    /// Categories added to every alert from this source (per-source mapping hint for feeds).
    public var extraCategories: [String]
    /// The least restrictive TLP an alert from this origin may carry: a document that came through a GREEN feed
    /// stays at least GREEN even if it is marked CLEAR itself. A marking is raised to it, never lowered.
    public var minimumTLP: TLP?
    /// Store everything, notify nobody: a catalogue's history, a source's first poll, `tocsin import --backfill`.
    /// The alerts are marked `tocsin.backfilled`, readable in the API and feeds, never pushed.
    public var quiet: Bool = false

    public init(sourceName: String? = nil, defaultTLP: TLP? = nil, defaultSeverity: Severity? = nil, extraCategories: [String] = [],
                minimumTLP: TLP? = nil) {
        self.sourceName = sourceName
        self.defaultTLP = defaultTLP
        self.defaultSeverity = defaultSeverity
        self.extraCategories = extraCategories
        self.minimumTLP = minimumTLP
    }
}

/// One alert read from a source document, before enrichment and storage.
public struct IngestedAlert: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable {
        /// Publish, or revise the alert already known under the same `draft.sourceRef`.
        case publish
        /// Cancel the alerts whose source references are listed in `supersedes` (CAP `Cancel`).
        case cancel
        /// Set `knownExploited` on the alerts that carry the draft's CVEs, and publish the draft only when none
        /// does (KEV entries).
        case markExploited
    }

    /// The alert as the source states it. `sourceRef` is the stable identity of the document in its source
    /// (CSAF tracking id, CVE id, CERT-FR reference, STIX report id, MISP event uuid, feed item id…);
    /// `sourceVersion` tells revisions apart.
    public var draft: AlertDraft
    public var action: Action
    /// Source references of earlier documents this one updates or cancels (CAP `references`).
    public var supersedes: [String]

    public init(draft: AlertDraft, action: Action = .publish, supersedes: [String] = []) {
        self.draft = draft
        self.action = action
        self.supersedes = supersedes
    }
}

/// A document that could not be read, with the path of the offending part (`document.tracking.id`,
/// `/alert/info[0]/severity`, `objects[3].pattern`…). A failing document is rejected whole.
public struct IngestError: Error, Equatable, CustomStringConvertible, Sendable {
    public var format: IngestFormat?
    public var path: String
    public var message: String

    public init(format: IngestFormat? = nil, path: String, message: String) {
        self.format = format
        self.path = path
        self.message = message
    }

    public var description: String {
        let prefix = format.map { "\($0.rawValue): " } ?? ""
        return path.isEmpty ? "\(prefix)\(message)" : "\(prefix)\(path): \(message)"
    }
}

/// One adapter per format: a pure function from the bytes of one document to the alerts it states.
///
/// Adapters do no I/O and keep no state; they reject hostile or malformed input with an `IngestError` naming the
/// offending field, and never return half a document.
public protocol IngestAdapter: Sendable {
    static var format: IngestFormat { get }
    /// A cheap look at the first bytes, for `auto` detection: true when the document is very likely this format.
    static func recognises(_ data: Data) -> Bool
    func parse(_ data: Data, options: IngestOptions) throws(IngestError) -> [IngestedAlert]
}

/// Size limits that hold for every ingested document.
public enum IngestLimits {
    /// The largest document accepted (the KEV catalog is about 1.5 MB, large CSAF product trees a few MB).
    public static let documentBytes = 32 * 1024 * 1024
    /// The deepest nesting of XML elements or JSON containers accepted.
    public static let depth = 64
}
