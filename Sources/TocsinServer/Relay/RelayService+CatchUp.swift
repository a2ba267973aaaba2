import Foundation
import Logging
import TocsinCore
import TocsinNet
import TocsinPipeline
import TocsinStore

extension RelayService {
    /// Catches up with an upstream through its alert log (`GET /api/v1/relay/alerts`), then sets the checkpoint to the
    /// upstream's head as the first page gave it, so that the stream resumes there. Reads every page of what was
    /// updated since the last upstream time seen (less `RelayCatchUp.overlap`), then stores the items through the same
    /// path as streamed events (`RelayPolicy.receive`: marking, regions, loop and hop limit, newer revisions only) from
    /// the oldest update to the newest, moving the upstream time seen as it goes. A crash in the middle loses nothing:
    /// the checkpoint has not moved, so the next start catches up again, and what is held already is passed over.
    /// False when the upstream could not be read or an item could not be stored: the caller tries again later.
    func catchUp(_ upstream: UpstreamConfiguration, reason: RelayCatchUp.Reason) async -> Bool {
        let started = Date()
        let since: Date?
        do { since = RelayCatchUp.since(seenUntil: try await store.relayCatchUpMark(upstream: upstream.name)?.seenUntil) } catch {
            failed(upstream.name, "cannot read the checkpoint: \(error)")
            return false
        }
        update(upstream.name) { $0.catchingUp = true; $0.catchUpRead = 0 }
        defer { update(upstream.name) { $0.catchingUp = false } }
        logger.notice("catching up with the upstream through its alert log", metadata: [
            "upstream": "\(upstream.name)", "reason": "\(reason.rawValue)", "since": "\(since.map(RFC3339.format) ?? "the start")"])

        // 1. Read every page; the head of the first page is where the stream resumes.
        var head: Int64?
        var items: [RelayCatchUpItem] = []
        var cursor: String?
        var pages = 0
        repeat {
            var query = ["limit=\(RelayCatchUp.pageSize)"]
            if let since { query.append("since=\(Self.queryValue(RFC3339.format(since)))") }
            if let cursor { query.append("cursor=\(Self.queryValue(cursor))") }
            let request = HTTPRequest(url: upstream.catchUpURL + "?" + query.joined(separator: "&"), method: "GET",
                                      headers: [("Authorization", "Bearer \(upstream.token)"), ("Accept", "application/json")],
                                      timeout: 60, maxBodyBytes: 64 << 20)
            let page: RelayCatchUpPage
            switch await client.send(request) {
            case .success(let result) where result.status == 401 || result.status == 403:
                failed(upstream.name, "the upstream refused the relay token while catching up (HTTP \(result.status)): it was revoked, has expired or is unknown there; ask the upstream for a new relay token")
                return false
            case .success(let result) where !(200..<300).contains(result.status) || result.truncated:
                failed(upstream.name, "the upstream's alert log answered HTTP \(result.status)\(result.truncated ? " (too long)" : "") while catching up")
                return false
            case .success(let result):
                do { page = try TocsinJSON.decoder().decode(RelayCatchUpPage.self, from: Data(result.body)) } catch {
                    failed(upstream.name, "the upstream's alert log is unreadable: \(error)")
                    return false
                }
            case .failure(let error):
                failed(upstream.name, "cannot reach the upstream to catch up: \(error)")
                return false
            }
            head = head ?? page.head
            items += page.items
            pages += 1
            let read = items.count
            update(upstream.name) { $0.catchUpRead = read }
            if page.nextCursor != nil {
                logger.info("catch-up progress: reading", metadata: ["upstream": "\(upstream.name)", "pages": "\(pages)", "items": "\(read)"])
            }
            guard page.nextCursor != cursor else { break }
            cursor = page.nextCursor
        } while cursor != nil && !Task.isCancelled
        guard !Task.isCancelled, let head else { return false }

        // 2. Store them as streamed events are stored, oldest update first.
        let ordered = RelayCatchUp.ordered(items)
        var stored = 0
        var newest: Date?
        for (index, item) in ordered.enumerated() {
            if Task.isCancelled { return false }
            do {
                let outcome: RelayOutcome
                if let alert = item.alert {
                    newest = max(newest ?? alert.updatedAt, alert.updatedAt)
                    // Held already at this revision or a newer one (read twice, or streamed before): nothing to do.
                    if let held = try await store.alert(id: alert.id), held.revision >= alert.revision { continue }
                    outcome = try await pipeline.relay(alert, upstream: upstream.name, eventId: nil, policy: policy)
                } else if let notice = item.withdrawal {
                    outcome = try await pipeline.relayWithdrawal(alertId: notice.id, revision: notice.revision, upstream: upstream.name,
                                                                 eventId: nil, policy: policy)
                } else {
                    continue
                }
                if case .dropped(.stale) = outcome { continue }
                if case .stored = outcome { stored += 1 }
                record(outcome, from: upstream, event: "catch-up", now: Date())
            } catch {
                failed(upstream.name, "cannot store what the catch-up read: \(error)")
                return false
            }
            if (index + 1) % 100 == 0 {
                logger.info("catch-up progress: storing", metadata: ["upstream": "\(upstream.name)", "done": "\(index + 1)", "of": "\(ordered.count)"])
            }
        }

        // 3. The stream resumes from the head read with the first page.
        let now = Date()
        do { try await store.finishRelayCatchUp(upstream: upstream.name, resumeAfter: head, seen: newest, at: now) } catch {
            failed(upstream.name, "cannot keep the end of the catch-up: \(error)")
            return false
        }
        let storedCount = stored
        let read = items.count
        update(upstream.name) {
            $0.catchUps[reason.rawValue, default: 0] += 1
            $0.caughtUp += storedCount
            $0.catchUpRead = read
            $0.lastCatchUpAt = now
            $0.lastCatchUpReason = reason.rawValue
            $0.lastEventId = head
            if let newest { $0.seenUntil = max($0.seenUntil ?? newest, newest) }
        }
        logger.notice("caught up with the upstream", metadata: [
            "upstream": "\(upstream.name)", "reason": "\(reason.rawValue)", "read": "\(read)", "stored": "\(storedCount)",
            "resume_after_event": "\(head)", "seconds": "\(String(format: "%.1f", now.timeIntervalSince(started)))"])
        return true
    }

    /// A query parameter value, percent-encoded.
    static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
