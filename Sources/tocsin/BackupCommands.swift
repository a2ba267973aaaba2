import ArgumentParser
import Foundation
import TocsinCore
import TocsinStore

/// `tocsin backup --to FILE`: a consistent copy of the database, taken while the broker serves.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to FILE while the broker runs (SQLite online backup), then check the copy.",
        discussion: "The copy is one consistent state: every alert with all its deliveries. Restore it with `tocsin restore --from FILE`.")

    @OptionGroup var options: StoreOptions
    @Option(help: "The file to write; it must not exist unless --force is given.") var to: String
    @Flag(help: "Replace FILE if it exists.") var force = false
    @Flag(help: "Print the summary as JSON.") var json = false

    func run() async throws {
        let (_, store) = try options.openStore()
        let summary: BackupSummary
        do {
            summary = try store.backup(to: to, overwrite: force)
        } catch {
            // A backup that failed is recorded too: the audit log says what was tried, whatever came of it.
            let reason = (error as? BackupError)?.description ?? "\(error)"
            await store.auditCLI("backup", target: to, outcome: .failed, detail: reason)
            throw CLIError(reason)
        }
        await store.auditCLI("backup", target: to)
        try report(summary, verb: "backed up to", json: json)
    }
}

/// `tocsin restore --from FILE`: puts a backup in place of the data directory's database; the broker must be stopped.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace the database with a backup taken by `tocsin backup` (stop the broker first).",
        discussion: "Deliveries waiting in the backup's outbox are sent when the broker starts again; those in flight when the backup was taken are sent again with the same webhook-id.")

    @OptionGroup var options: StoreOptions
    @Option(help: "The backup file.") var from: String
    @Flag(help: "Replace an existing database (its current content is lost).") var force = false
    @Flag(help: "Print the summary as JSON.") var json = false

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let summary: BackupSummary
        do {
            summary = try SQLiteStore.restore(from: from, to: configuration.databasePath, overwrite: force)
        } catch {
            let reason = (error as? BackupError)?.description ?? "\(error)"
            // The database in place, untouched by a failed restore, records the attempt.
            if FileManager.default.fileExists(atPath: configuration.databasePath), let (_, store) = try? options.openStore() {
                await store.auditCLI("restore", target: from, outcome: .failed, detail: reason)
            }
            throw CLIError(reason)
        }
        // Bring the restored database up to this version's schema now, and record the restore in its audit log.
        let (_, store) = try options.openStore()
        await store.auditCLI("restore", target: from)
        try report(summary, verb: "restored into \(configuration.databasePath) from", json: json)
    }
}

private func report(_ summary: BackupSummary, verb: String, json: Bool) throws {
    if json { return try printJSON(summary) }
    FileHandle.standardError.write(Data("""
        \(verb) \(summary.path): \(summary.bytes / 1024) KiB, \(summary.alerts) alerts, \(summary.organisations) organisations, \
        \(summary.deliveriesWaiting) deliveries waiting in the outbox

        """.utf8))
}
