import Foundation

/// What an import did, or would do on a dry run: the counts, and each creation and update with its line and the
/// fields it changes (never their values: contacts are personal data).
public struct OrganisationImportReport: Codable, Sendable, Hashable {
    /// One creation or update.
    public struct Change: Codable, Sendable, Hashable {
        public var line: Int
        public var action: OrganisationImportPlan.Action
        public var id: String
        public var name: String
        public var finess: String?
        public var fields: [String]
    }

    /// True when nothing was stored.
    public var dryRun: Bool
    /// The rows of the file, header not counted.
    public var rows: Int
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    /// How long reading, planning and storing took, in milliseconds.
    public var durationMs: Int
    /// The creations and updates in the order of the file; unchanged rows are only counted.
    public var changes: [Change]

    public init(plan: OrganisationImportPlan, dryRun: Bool, duration: Duration) {
        self.dryRun = dryRun
        rows = plan.entries.count
        created = plan.entries.count { $0.action == .create }
        updated = plan.entries.count { $0.action == .update }
        unchanged = plan.entries.count { $0.action == .unchanged }
        durationMs = Int(duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000)
        changes = plan.entries.filter { $0.action != .unchanged }.map {
            Change(line: $0.line, action: $0.action, id: $0.organisation.id, name: $0.organisation.name, finess: $0.organisation.finess,
                   fields: $0.fields)
        }
    }
}
