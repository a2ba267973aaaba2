import Foundation
import TocsinCore

/// Every adapter Tocsin has, by format, and the order in which `auto` detection asks them.
public enum IngestRegistry {
    /// The adapters in detection order: the most specific signatures first, the generic ones (feeds, native JSON)
    /// last, so that a CSAF document is never mistaken for a JSON Feed or a native alert.
    public static let adapters: [any IngestAdapter] = [
        CSAFAdapter(), CVERecordAdapter(), KEVAdapter(), STIXAdapter(), MISPAdapter(), CERTFRAdapter(), CAPAdapter(),
        FeedAdapter(), NativeAdapter(),
    ]

    /// The adapter for `format`.
    public static func adapter(for format: IngestFormat) -> (any IngestAdapter)? {
        adapters.first { type(of: $0).format == format }
    }

    /// The format of `data`, from its first bytes, or nil when no adapter recognises it.
    public static func detect(_ data: Data) -> IngestFormat? {
        adapters.first { type(of: $0).recognises(data) }.map { type(of: $0).format }
    }

    /// Reads `data` as `format` (`nil` for auto-detection), rejecting what no adapter can read.
    public static func parse(_ data: Data, format: IngestFormat?, options: IngestOptions) throws(IngestError) -> (IngestFormat, [IngestedAlert]) {
        guard data.count <= IngestLimits.documentBytes else {
            throw IngestError(format: format, path: "", message: "the document is larger than \(IngestLimits.documentBytes / 1_048_576) MiB")
        }
        guard let resolved = format ?? detect(data) else {
            throw IngestError(path: "", message: "the format could not be recognised; name it (\(IngestFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let adapter = adapter(for: resolved) else {
            throw IngestError(format: resolved, path: "", message: "this format has no adapter yet")
        }
        var alerts = try adapter.parse(data, options: options)
        for index in alerts.indices where resolved.writesAdvisoryProse(alerts[index].draft) {
            alerts[index].draft.attributes[AlertContent.proseAttribute] = AlertContent.advisoryProse
        }
        return (resolved, alerts)
    }
}
