import ArgumentParser
import Foundation
import Logging
import TocsinCore
import TocsinPipeline
import TocsinEnrich
import TocsinIngest
import TocsinServer

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import source documents (CSAF, STIX, MISP, CAP, feeds, CERT-FR, CVE 5, KEV, native JSON) into the alert log.",
        discussion: """
            Each file is read by its format's adapter, enriched and stored: a new document becomes an alert, a new \
            revision of a known document becomes an update of its alert, and a document already known as it is \
            changes nothing. A file that cannot be read is reported and skipped; nothing of it is stored. A running \
            `tocsin serve` on the same data directory sends the deliveries.
            """)

    @OptionGroup var options: StoreOptions
    @Option(help: "The documents' format, or auto to recognise each file (\(IngestFormat.allCases.map(\.rawValue).joined(separator: ", ")), auto).")
    var format: String = "auto"
    @Option(help: "The source name recorded on the alerts (default: the format).") var source: String?
    @Option(help: "TLP for documents that carry no marking (default: the format's own default).") var tlp: TLP?
    @Flag(help: "Print one JSON report per file as well as the summary.") var json = false
    @Flag(help: "Log each alert stored, not only warnings.") var verbose = false
    @Flag(help: "Store everything and notify nobody: a catalogue's history, an archive. The alerts are readable in the API and feeds, never pushed.")
    var backfill = false
    @Argument(help: "Files to import, or - for standard input.") var files: [String]

    func run() async throws {
        let level: Logger.Level = verbose ? .info : .warning
        bootstrapStandardErrorLogging(level: level)
        let ingestFormat: IngestFormat?
        if format == "auto" {
            ingestFormat = nil
        } else if let known = IngestFormat(rawValue: format) {
            ingestFormat = known
        } else {
            throw CLIError("unknown format '\(format)'; use auto or one of \(IngestFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let (configuration, store) = try options.openStore()
        let service = IngestService(store: store, enricher: try configuration.makeEnricher(warning: printWarning),
                                    routing: try options.routing(configuration, store))
        var ingestOptions = IngestOptions(sourceName: source, defaultTLP: tlp)
        ingestOptions.quiet = backfill
        let progress = ProgressLine(total: files.count)
        var totals: [IngestReport.Action: Int] = [:]
        var failures = 0
        for (index, file) in files.enumerated() {
            do {
                let data = try readInput(file, limit: configuration.ingestMaxDocumentBytes)
                let report = try await service.ingest(data, format: ingestFormat, options: ingestOptions, publisher: .broker("cli"))
                for item in report.items { totals[item.action, default: 0] += 1 }
                if json { try printJSON(report) }
            } catch {
                failures += 1
                progress.clear()
                FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
                // A script reading the JSON reports sees the rejected files too, not only the accepted ones.
                if json { try printJSON(RejectedFile(file: file, rejected: "\(error)")) }
            }
            progress.update(index + 1, detail: Self.summary(totals, failures: failures))
        }
        progress.finish(detail: Self.summary(totals, failures: failures))
        await store.auditCLI("ingest", target: nil, outcome: failures == 0 ? .ok : .failed,
                             detail: "\(files.count) files: " + Self.summary(totals, failures: failures))
        if failures > 0 { throw ExitCode(1) }
    }

    /// The JSON report of a file that was refused.
    struct RejectedFile: Encodable {
        var file: String
        var rejected: String
    }

    static func summary(_ totals: [IngestReport.Action: Int], failures: Int) -> String {
        let parts = [IngestReport.Action.published, .revised, .unchanged, .cancelled, .flagged, .notFound].map { "\(totals[$0, default: 0]) \($0.rawValue)" }
        return (parts + ["\(failures) rejected"]).joined(separator: ", ")
    }
}

struct Enrich: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the enriched alert that a document (any ingest format, or plain text) would give, as JSON.",
        discussion: "Nothing is stored. Plain text becomes an alert whose title is its first line; indicators, CVEs, CVSS scores, affected products and categories are extracted as for any alert.")

    @OptionGroup var options: StoreOptions
    @Option(help: "The document's format, or auto (default), or text.") var format: String = "auto"
    @Argument(help: "A file, or - for standard input.") var file: String = "-"

    func run() async throws {
        let data = try readInput(file, limit: IngestLimits.documentBytes)
        let configuration = try options.loadConfiguration()
        let enricher = try configuration.makeEnricher(warning: printWarning)
        var drafts: [AlertDraft]
        if format == "text" || (format == "auto" && IngestRegistry.detect(data) == nil) {
            guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(file) is neither a known format nor UTF-8 text") }
            drafts = [Self.textDraft(text)]
        } else {
            guard format == "auto" || IngestFormat(rawValue: format) != nil else { throw CLIError("unknown format '\(format)'") }
            do {
                drafts = try IngestRegistry.parse(data, format: IngestFormat(rawValue: format), options: IngestOptions()).1.map(\.draft)
            } catch {
                throw CLIError("\(file): \(error)")
            }
        }
        drafts = drafts.map { enricher.enrich($0) }
        if drafts.count == 1 { try printJSON(drafts[0]) } else { try printJSON(drafts) }
    }

    static func textDraft(_ text: String) -> AlertDraft {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let firstLine = trimmed.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? "Untitled"
        return AlertDraft(title: String(firstLine.prefix(AlertDraft.Limits.title)), summary: "", body: trimmed, severity: .medium,
                          tlp: .amber, attributes: ["tocsin.severitySource": "default"])
    }
}

struct CVSSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cvss",
        abstract: "Score CVSS vectors (v2.0, v3.0, v3.1, v4.0): one line each, version, base score and severity, tab-separated.",
        discussion: "Exits with status 1 when a vector is malformed, after scoring the others; the error names what is wrong.")

    @Argument(help: "Vectors, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") var vectors: [String]

    func run() throws {
        var failed = false
        for vector in vectors {
            do {
                let result = try CVSS.score(vector)
                print([result.version.rawValue, String(format: "%.1f", result.baseScore), result.severity.rawValue, result.vector].joined(separator: "\t"))
            } catch {
                failed = true
                FileHandle.standardError.write(Data("\(vector): \(error)\n".utf8))
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// Prints a warning for the operator on standard error.
func printWarning(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
}

/// Reads a file, or standard input for `-`, refusing anything larger than `limit` bytes.
func readInput(_ file: String, limit: Int) throws -> Data {
    let data: Data
    if file == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        guard let contents = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
        data = contents
    }
    guard data.count <= limit else { throw CLIError("\(file) is larger than \(limit / 1_048_576) MiB") }
    return data
}

/// `[12/340] 11 published, 1 revised…` on standard error, rewritten in place on a terminal, one line every 100
/// files otherwise (logs stay readable).
final class ProgressLine {
    let total: Int
    let interactive = isatty(STDERR_FILENO) == 1

    init(total: Int) { self.total = total }

    func update(_ done: Int, detail: String) {
        guard total > 1 else { return }
        if interactive {
            FileHandle.standardError.write(Data("\r\u{1B}[K[\(done)/\(total)] \(detail)".utf8))
        } else if done % 100 == 0 {
            FileHandle.standardError.write(Data("[\(done)/\(total)] \(detail)\n".utf8))
        }
    }

    func clear() { if interactive && total > 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }

    func finish(detail: String) {
        clear()
        FileHandle.standardError.write(Data("\(total) file\(total == 1 ? "" : "s"): \(detail)\n".utf8))
    }
}
