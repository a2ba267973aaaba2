import ArgumentParser
import Foundation
import TocsinCore
import TocsinPipeline
import TocsinStore

/// `tocsin org import FILE.csv`: creates and updates establishments from a CSV file (docs/organisations.md), all of
/// them or none; with `--dry-run`, says what would change and stores nothing.
struct OrgImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Create and update establishments from a CSV file, all rows or none; --dry-run shows what would change.")

    @OptionGroup var options: StoreOptions
    @Argument(help: "CSV file with a header naming the columns: name, finess, kind, region, clearance, locale, contacts (see docs/organisations.md).")
    var file: String
    @Flag(name: .customLong("dry-run"), help: "Report what the file would change, and store nothing.") var dryRun = false
    @Flag(help: "Print the report as JSON instead of text.") var json = false

    func run() async throws {
        let url = URL(fileURLWithPath: file)
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size <= OrganisationImport.maximumBytes else {
            throw CLIError("\(file) is larger than \(OrganisationImport.maximumBytes) bytes; split it")
        }
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch { throw CLIError("cannot read \(file): \(error.localizedDescription)") }
        let (_, store) = try options.openStore()
        let report: OrganisationImportReport
        do {
            report = try await OrganisationImporter(store: store).run(bytes, dryRun: dryRun)
        } catch let error as OrganisationImportError {
            if !dryRun { await store.auditCLI("organisation.import", target: nil, outcome: .failed, detail: error.summary) }
            FileHandle.standardError.write(Data("\(file): nothing imported, \(error.summary):\n\(error.description)\n".utf8))
            throw ExitCode(1)
        }
        if !dryRun {
            await store.auditCLI("organisation.import", target: nil,
                                 detail: "created \(report.created), updated \(report.updated), unchanged \(report.unchanged)")
        }
        if json { return try printJSON(report) }
        for change in report.changes {
            let fields = change.action == .update ? " (\(change.fields.joined(separator: ", ")))" : ""
            print("line \(change.line): \(dryRun ? "would \(change.action.rawValue)" : change.action.rawValue + "d") \(change.name) [\(change.finess ?? change.id)]\(fields)")
        }
        print("\(dryRun ? "dry run, nothing stored: would create" : "created") \(report.created), \(dryRun ? "update" : "updated") \(report.updated), unchanged \(report.unchanged) (\(report.rows) rows in \(report.durationMs) ms)")
    }
}
