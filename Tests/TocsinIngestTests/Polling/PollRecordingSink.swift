import Foundation
import TocsinCore
import TocsinIngest

/// A `SourceSink` that records what it is handed and answers like an idempotent store would: a document seen
/// before byte for byte is `unchanged`, a new content at a known origin is `revised`, anything else `published`.
/// JSON formats that are not JSON are rejected with an `IngestError`, as their adapters would.
actor PollRecordingSink: SourceSink {
    struct Call: Sendable {
        var data: Data
        var format: IngestFormat
        var options: IngestOptions
        var origin: String
    }

    private(set) var calls: [Call] = []
    private var known: [String: Data] = [:]
    /// Origins for which the sink fails as an unavailable store would.
    var unavailable: Set<String> = []

    func setUnavailable(_ origins: Set<String>) { unavailable = origins }

    func ingest(_ data: Data, format: IngestFormat, options: IngestOptions, origin: String) async throws -> SourceIngestOutcome {
        calls.append(Call(data: data, format: format, options: options, origin: origin))
        if unavailable.contains(origin) { throw PollStoreUnavailable() }
        if format != .feed, format != .cap, (try? JSONSerialization.jsonObject(with: data)) == nil {
            throw IngestError(format: format, path: "", message: "the body is not valid JSON")
        }
        defer { known[origin] = data }
        switch known[origin] {
        case nil: return SourceIngestOutcome(published: 1)
        case data: return SourceIngestOutcome(unchanged: 1)
        default: return SourceIngestOutcome(revised: 1)
        }
    }
}

struct PollStoreUnavailable: Error, CustomStringConvertible {
    var description: String { "the store is unavailable" }
}
