import Foundation
import TocsinCore

/// What the poller remembers about one source between rounds: the validators for conditional requests, how far
/// each CSAF listing has been read, and the source's health as the API and `/metrics` show it.
///
/// Stored as JSON by a `SourceStateStore`; every field decodes with a default when missing, so that a state
/// written by an older version still loads. It never holds a secret.
public struct SourceState: Codable, Sendable, Hashable {
    /// `ETag` / `Last-Modified` per fetched URL (the source URL, each ROLIE feed, each `changes.csv`, each
    /// document), kept only once the URL's content has been fully processed.
    public var validators: [String: SourceValidators]
    /// Per CSAF listing URL (ROLIE feed or `changes.csv`): the newest entry date already processed.
    public var cursors: [String: Date]
    /// The distributions last read from a CSAF `provider-metadata.json`, used while it answers 304.
    public var csafPlan: SourceCSAFPlan?

    public var lastAttemptAt: Date?
    /// The end of the last round that met no error.
    public var lastSuccessAt: Date?
    /// When the polling loop runs the next round (interval, jitter and backoff applied).
    public var nextAttemptAt: Date?
    /// What went wrong in the last round, secrets removed; nil after a round without error.
    public var lastError: String?
    /// Rounds in a row that met an error; drives the backoff.
    public var consecutiveFailures: Int
    /// Documents handed to the sink, cumulative.
    public var itemsSeen: Int
    /// Documents that could not be fetched or were rejected, cumulative.
    public var documentsFailed: Int
    public var alertsPublished: Int
    public var alertsRevised: Int
    public var alertsCancelled: Int
    public var alertsUnchanged: Int
    /// How the last round ended.
    public var lastStatus: SourcePollStatus?
    /// The HTTP status of the source URL in the last round (nil when no answer came).
    public var lastHTTPStatus: Int?
    /// The detail of the last round.
    public var lastRound: SourceRoundSummary?

    public init() {
        validators = [:]
        cursors = [:]
        csafPlan = nil
        consecutiveFailures = 0
        itemsSeen = 0
        documentsFailed = 0
        alertsPublished = 0
        alertsRevised = 0
        alertsCancelled = 0
        alertsUnchanged = 0
    }

    enum CodingKeys: String, CodingKey {
        case validators, cursors, csafPlan, lastAttemptAt, lastSuccessAt, nextAttemptAt, lastError, consecutiveFailures,
             itemsSeen, documentsFailed, alertsPublished, alertsRevised, alertsCancelled, alertsUnchanged, lastStatus,
             lastHTTPStatus, lastRound
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        validators = try container.decodeIfPresent([String: SourceValidators].self, forKey: .validators) ?? [:]
        cursors = try container.decodeIfPresent([String: Date].self, forKey: .cursors) ?? [:]
        csafPlan = try container.decodeIfPresent(SourceCSAFPlan.self, forKey: .csafPlan)
        lastAttemptAt = try container.decodeIfPresent(Date.self, forKey: .lastAttemptAt)
        lastSuccessAt = try container.decodeIfPresent(Date.self, forKey: .lastSuccessAt)
        nextAttemptAt = try container.decodeIfPresent(Date.self, forKey: .nextAttemptAt)
        lastError = try container.decodeIfPresent(String.self, forKey: .lastError)
        consecutiveFailures = try container.decodeIfPresent(Int.self, forKey: .consecutiveFailures) ?? 0
        itemsSeen = try container.decodeIfPresent(Int.self, forKey: .itemsSeen) ?? 0
        documentsFailed = try container.decodeIfPresent(Int.self, forKey: .documentsFailed) ?? 0
        alertsPublished = try container.decodeIfPresent(Int.self, forKey: .alertsPublished) ?? 0
        alertsRevised = try container.decodeIfPresent(Int.self, forKey: .alertsRevised) ?? 0
        alertsCancelled = try container.decodeIfPresent(Int.self, forKey: .alertsCancelled) ?? 0
        alertsUnchanged = try container.decodeIfPresent(Int.self, forKey: .alertsUnchanged) ?? 0
        lastStatus = try container.decodeIfPresent(SourcePollStatus.self, forKey: .lastStatus)
        lastHTTPStatus = try container.decodeIfPresent(Int.self, forKey: .lastHTTPStatus)
        lastRound = try container.decodeIfPresent(SourceRoundSummary.self, forKey: .lastRound)
    }
}

/// The validators of one fetched URL, sent back as `If-None-Match` / `If-Modified-Since`.
public struct SourceValidators: Codable, Sendable, Hashable {
    public var etag: String?
    /// The `Last-Modified` value exactly as the server wrote it.
    public var lastModified: String?
    /// When they were stored; the oldest are dropped first when a state holds too many.
    public var storedAt: Date

    public init(etag: String? = nil, lastModified: String? = nil, storedAt: Date) {
        self.etag = etag
        self.lastModified = lastModified
        self.storedAt = storedAt
    }
}

/// How a polling round ended.
public enum SourcePollStatus: String, Codable, Sendable, Hashable {
    /// At least one document changed something in the store.
    case updated
    /// Nothing new: 304 answers, or documents the store already had.
    case unchanged
    /// The source answered but some documents failed; the others went through.
    case partial
    /// The source itself could not be fetched or read.
    case failed
}

/// The detail of one round, kept as the source's `lastRound`.
public struct SourceRoundSummary: Codable, Sendable, Hashable {
    public var startedAt: Date
    public var finishedAt: Date
    /// HTTP requests made.
    public var requests: Int
    /// Of which answered 304.
    public var notModified: Int
    /// Documents handed to the sink.
    public var documentsHanded: Int
    /// Documents that could not be fetched or were rejected.
    public var documentsFailed: Int
    /// What the sink did, summed over the round.
    public var outcome: SourceIngestOutcome
    /// Every error met, secrets removed (at most 20).
    public var errors: [String]

    public init(startedAt: Date, finishedAt: Date, requests: Int = 0, notModified: Int = 0, documentsHanded: Int = 0,
                documentsFailed: Int = 0, outcome: SourceIngestOutcome = SourceIngestOutcome(), errors: [String] = []) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.requests = requests
        self.notModified = notModified
        self.documentsHanded = documentsHanded
        self.documentsFailed = documentsFailed
        self.outcome = outcome
        self.errors = errors
    }
}

/// The distributions of a CSAF provider as the poller follows them.
public struct SourceCSAFPlan: Codable, Sendable, Hashable {
    /// A ROLIE feed; `tlp` is nil for `UNLABELED` feeds.
    public struct Feed: Codable, Sendable, Hashable {
        public var url: String
        public var tlpLabel: String
        public var tlp: TLP?

        public init(url: String, tlpLabel: String, tlp: TLP?) {
            self.url = url
            self.tlpLabel = tlpLabel
            self.tlp = tlp
        }
    }

    public var feeds: [Feed]
    /// Directory URLs, each ending with `/`.
    public var directories: [String]

    public init(feeds: [Feed], directories: [String]) {
        self.feeds = feeds
        self.directories = directories
    }

    /// The plan of a parsed `provider-metadata.json`.
    public init(_ metadata: CSAFProviderMetadata) {
        feeds = metadata.feeds.map { Feed(url: $0.url, tlpLabel: $0.tlpLabel, tlp: $0.tlp) }
        directories = metadata.directoryURLs.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
    }
}
