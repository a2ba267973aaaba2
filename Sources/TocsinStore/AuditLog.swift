import Foundation
import TocsinCore

/// The append-only record of who did what.
public protocol AuditStore: Sendable {
    /// Appends one entry to the append-only audit log.
    func appendAudit(_ entry: AuditEntry) async throws
    /// Audit entries, newest first, filtered.
    func auditEntries(_ query: AuditQuery) async throws -> Page<AuditEntry>
}
