import Foundation
import TocsinCore
import TocsinIngest

extension IngestService {
    /// The alert a CAP `Ack` reference names, among those `access` may read; nil when none.
    ///
    /// The reference's identifier may be Tocsin's own alert id (what the organisation received), or the CAP
    /// identity an alert was ingested under (`sender,identifier`): by the broker itself (the API's publishers, the
    /// command line, the pollers), or by the acknowledging organisation. Another organisation's CAP identities name
    /// its own alerts only, as they do for revisions, and are not searched.
    public func alert(acknowledgedBy reference: CAPAcknowledgement.Reference, access: AlertAccess) async throws -> Alert? {
        var ids: [String] = [reference.identifier]
        for namespace in [nil] + (access.ingestNamespace.map { [$0] } ?? []) {
            if let id = try await store.alertId(refKey: Self.key(.cap, reference.sourceRef, in: namespace)) { ids.append(id) }
        }
        for id in ids {
            if let alert = try await store.alert(id: id), access.canRead(alert) { return alert }
        }
        return nil
    }
}
