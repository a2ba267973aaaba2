import ArgumentParser
import Foundation
import TocsinCore
import TocsinStore

/// `tocsin audit`: reads the append-only audit log, newest first.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the audit log: who did what, to which target, from where, and how it ended (newest first).")

    @OptionGroup var options: StoreOptions
    @Option(help: "Only actions of this token id (or cli, source:<name>).") var actor: String?
    @Option(help: "Only actions on this alert, token, organisation or subscription id.") var target: String?
    @Option(help: "Only this action (alert.cancel) or family (alert).") var action: String?
    @Option(help: "Only this outcome: ok, refused or failed.") var outcome: String?
    @Option(help: "Only entries at or after this RFC 3339 date-time.") var since: String?
    @Option(help: "Only entries before this RFC 3339 date-time.") var until: String?
    @Option(help: "Most entries to show.") var limit: Int = 100
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() async throws {
        let (_, store) = try options.openStore()
        var query = AuditQuery(limit: limit, actor: actor, target: target, action: action)
        if let outcome {
            guard let value = AuditEntry.Outcome(rawValue: outcome) else { throw CLIError("--outcome must be ok, refused or failed") }
            query.outcome = value
        }
        for (name, text, keyPath) in [("--since", since, \AuditQuery.since), ("--until", until, \AuditQuery.until)] {
            guard let text else { continue }
            guard let date = RFC3339.parse(text) else { throw CLIError("\(name) must be an RFC 3339 date-time such as 2026-12-01T00:00:00Z") }
            query[keyPath: keyPath] = date
        }
        let page = try await store.auditEntries(query)
        if json { return try printJSON(page.items) }
        print(["AT", "ACTOR", "ROLE", "ORG", "ACTION", "TARGET", "FROM", "OUTCOME", "STATUS", "DETAIL"].joined(separator: "\t"))
        for entry in page.items {
            print([RFC3339.format(entry.at), entry.actor ?? "-", entry.actorRole?.rawValue ?? "-", entry.orgId ?? "-", entry.action,
                   entry.target ?? "-", entry.sourceAddress ?? "-", entry.outcome.rawValue, entry.status.map(String.init) ?? "-",
                   entry.detail ?? "-"].joined(separator: "\t"))
        }
    }
}

extension Store {
    /// Records an action taken from the command line, which acts as the broker itself.
    func auditCLI(_ action: String, target: String?, outcome: AuditEntry.Outcome = .ok, detail: String? = nil) async {
        let entry = AuditEntry(actor: "cli", actorRole: .admin, orgId: nil, action: action, target: target,
                               sourceAddress: "local", outcome: outcome, detail: detail)
        do { try await appendAudit(entry) } catch {
            FileHandle.standardError.write(Data("warning: audit entry not written: \(error)\n".utf8))
        }
    }
}
