import Foundation
import TocsinCore

/// One document listed by a CSAF ROLIE feed or `changes.csv`, as a candidate for fetching.
struct SourceCSAFCandidate: Sendable, Hashable {
    var url: String
    /// The listing's date for the document (ROLIE `updated`, else `published`; the `changes.csv` date).
    var updated: Date?
    /// The TLP given to the document when it carries no marking.
    var defaultTLP: TLP?
}

/// Which listed documents a round fetches, and how far the listing's cursor moves afterwards. Pure.
enum SourceCSAFSelection {
    /// The candidates to fetch, oldest first, and whether some newer than the cursor were left for the next
    /// round.
    ///
    /// A listing may name a document more than once (`changes.csv` keeps a row per revision): the newest date
    /// wins. With no cursor (first round) the newest `limit` are taken and older ones skipped for good; with a
    /// cursor, those strictly newer than it, the oldest `limit` first, cut so that documents sharing a date are
    /// never split across rounds. Undated entries are always taken: conditional requests keep them cheap.
    static func select(_ candidates: [SourceCSAFCandidate], after cursor: Date?, limit: Int) -> (selected: [SourceCSAFCandidate], truncated: Bool) {
        var newest: [String: SourceCSAFCandidate] = [:]
        var order: [String] = []
        for candidate in candidates {
            if let known = newest[candidate.url] {
                if let date = candidate.updated, known.updated.map({ date > $0 }) ?? false { newest[candidate.url] = candidate }
            } else {
                newest[candidate.url] = candidate
                order.append(candidate.url)
            }
        }
        let unique = order.compactMap { newest[$0] }
        let undated = unique.filter { $0.updated == nil }
        let dated = unique.filter { $0.updated != nil }.sorted { ($0.updated ?? .distantPast, $0.url) < ($1.updated ?? .distantPast, $1.url) }
        let limit = max(limit, 1)
        guard let cursor else {
            let newestFirst = Array(dated.suffix(limit))
            return (newestFirst + undated.prefix(max(0, limit - newestFirst.count)), false)
        }
        let fresh = dated.filter { ($0.updated ?? .distantPast) > cursor }
        guard fresh.count > limit else { return (fresh + undated.prefix(limit), false) }
        var taken = Array(fresh.prefix(limit))
        let boundary = fresh[limit].updated
        let whole = taken.filter { $0.updated != boundary }
        if !whole.isEmpty { taken = whole } else {
            // Every taken document shares the boundary date: take that whole date at once.
            taken = fresh.filter { $0.updated == boundary }
        }
        return (taken, true)
    }

    /// The cursor after a round: the newest date of the documents done (fetched and handed, not modified, or
    /// rejected for good) that precede every document still pending (failed for a passing reason, or not
    /// reached), so that a pending document is fetched again next round.
    static func advancedCursor(from cursor: Date?, done: [SourceCSAFCandidate], pending: [SourceCSAFCandidate]) -> Date? {
        let barrier = pending.compactMap(\.updated).min()
        let reached = done.compactMap(\.updated).filter { date in barrier.map { date < $0 } ?? true }
        guard let newest = reached.max() else { return cursor }
        return max(newest, cursor ?? newest)
    }
}
