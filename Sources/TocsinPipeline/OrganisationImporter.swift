import Foundation
import TocsinCore
import TocsinStore

/// Imports establishments from a CSV file: reads every organisation, plans the file against them
/// (`OrganisationImportPlan`) and stores the plan in one transaction, or only reports it on a dry run.
///
/// Shared by `POST /api/v1/orgs/import`, `tocsin org import` and the console, so that the same file gives the same
/// result whichever way it arrives. A file with one bad row throws `OrganisationImportError` listing every line at
/// fault, and nothing is stored.
public struct OrganisationImporter: Sendable {
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    /// Imports `csv` (at most `OrganisationImport.maximumBytes`), or plans it only when `dryRun`.
    public func run(_ csv: some Collection<UInt8> & Sendable, dryRun: Bool, now: Date = Date()) async throws -> OrganisationImportReport {
        let clock = ContinuousClock()
        let start = clock.now
        let existing = try await allOrganisations()
        let plan = try OrganisationImportPlan(csv: csv, existing: existing, now: now)
        if !dryRun, plan.entries.contains(where: { $0.action != .unchanged }) {
            try await store.importOrganisations(creating: plan.creations, updating: plan.updates)
        }
        return OrganisationImportReport(plan: plan, dryRun: dryRun, duration: clock.now - start)
    }

    private func allOrganisations() async throws -> [Organisation] {
        var organisations: [Organisation] = []
        var page = PageRequest(limit: 500)
        repeat {
            let batch = try await store.organisations(page: page)
            organisations += batch.items
            page.cursor = batch.nextCursor
        } while page.cursor != nil
        return organisations
    }
}
