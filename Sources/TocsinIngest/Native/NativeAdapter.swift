import Foundation
import TocsinCore

/// Reads Tocsin's own JSON, the shape of the publish API: one `AlertDraft` object, or an array of them (one alert
/// each), decoded with `TocsinJSON.decoder()` and checked with `AlertDraft.validated()`.
///
/// Errors name the field at fault as the API does (`severity`, `indicators[2].type`, `[1].tlp` inside an array).
/// The configured source name, when there is one, replaces the document's own `source`; a draft that does not say
/// where its severity comes from is recorded as stating it itself (`tocsin.severitySource = source`).
public struct NativeAdapter: IngestAdapter {
    /// The format this adapter reads.
    public static let format: IngestFormat = .native

    /// An adapter; it holds no state.
    public init() {}

    /// True when the document is a JSON object (or an array of them) whose first object has the required draft
    /// members `title`, `severity` and `tlp`. The look goes further than for other formats because encoders sort
    /// keys, which puts `title` after the indicator list.
    public static func recognises(_ data: Data) -> Bool {
        let members = ThreatSniff.topLevelMembers(ThreatSniff.head(data, bytes: 65_536))
        return members["title"] != nil && members["tlp"] != nil && members["severity"] != nil
    }

    /// One alert per draft of the document, each decoded and validated as the publish API does.
    public func parse(_ data: Data, options: IngestOptions) throws(IngestError) -> [IngestedAlert] {
        let isArray = ThreatSniff.head(data, bytes: 64).hasPrefix("[")
        let drafts = isArray ? try IngestJSON.decode([AlertDraft].self, from: data, format: Self.format, decoder: TocsinJSON.decoder())
            : [try IngestJSON.decode(AlertDraft.self, from: data, format: Self.format, decoder: TocsinJSON.decoder())]

        var alerts: [IngestedAlert] = []
        for (index, decoded) in drafts.enumerated() {
            var draft = decoded
            draft.source = options.sourceName ?? draft.source ?? Self.format.rawValue
            draft.categories += IngestDraft.extraCategories(options)
            if draft.attributes[IngestDraft.severitySourceKey] == nil { draft.attributes[IngestDraft.severitySourceKey] = "source" }
            do {
                alerts.append(IngestedAlert(draft: try draft.validated()))
            } catch {
                throw IngestError(format: Self.format, path: isArray ? "[\(index)].\(error.field)" : error.field, message: error.message)
            }
        }
        return alerts
    }
}
