import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import TocsinCore
import TocsinDelivery
import TocsinStore

/// `GET /api/v1/stream`: published revisions as Server-Sent Events, live.
///
/// Each event's id is the revision's sequence number in the alert log, so a client that reconnects with
/// `Last-Event-ID` receives every revision published since, from the store, without loss. Only what the caller
/// may read is sent (TLP clearance, region); `minSeverity` and `category` narrow it further. A comment line is
/// sent every `stream.heartbeat` to keep proxies from closing an idle connection.
///
/// A `Last-Event-ID` beyond the log's last event, or one whose `Tocsin-Resume-Check` event is not the one the reader
/// read (the broker's event ids restarted, for instance after a restore from an older backup), cannot be resumed:
/// the stream's first event is then `stream.reset`, whose id and `head` are the log's last event and from which it
/// goes on; what was published in between must be read from the alert log (a relaying broker catches up through
/// `GET /api/v1/relay/alerts`).
struct StreamRoutes {
    let env: APIEnvironment
    let hub: EventHub

    func register(on group: RouterGroup<TocsinRequestContext>) {
        group.get("stream", use: stream)
    }

    @Sendable func stream(_ request: Request, context: TocsinRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let env = self.env
        let initialScope = try await env.readScope(of: principal)
        let minSeverity = try request.query("minSeverity").map { text in
            guard let severity = Severity(rawValue: text) else {
                throw Problem.validation("minSeverity must be critical, high, medium, low or info", field: "minSeverity")
            }
            return severity
        }
        let category = request.query("category")?.lowercased()
        // An event id is 1 to 18 digits. Both forms are checked when both are sent; the header, which a reconnecting
        // EventSource sets, wins.
        func eventId(_ text: String?, field: String) throws -> Int64? {
            guard let text else { return nil }
            let digits = text.trimmingCharacters(in: .whitespaces).utf8
            guard (1...18).contains(digits.count), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  let value = Int64(String(decoding: digits, as: UTF8.self)) else {
                throw Problem.validation("\(field) must be an event id received from this stream", field: field)
            }
            return value
        }
        let fromHeader = try eventId(request.headers[HTTPField.Name("Last-Event-ID")!], field: "Last-Event-ID")
        let fromQuery = try eventId(request.query("lastEventId"), field: "lastEventId")
        // `Tocsin-Resume-Check: <event id>@<milliseconds>`: an event the reader read before the one it resumes from,
        // with its time, so that a log whose ids restarted and have since passed the reader's id again is told apart.
        // A hint only: one that is not in that form is not used.
        var check: (eventId: Int64, millis: Int64)?
        if let text = request.headers[HTTPField.Name("Tocsin-Resume-Check")!] {
            let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "@", omittingEmptySubsequences: false)
            if parts.count == 2, parts.allSatisfy({ (1...18).contains($0.count) && $0.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }),
               let eventId = Int64(parts[0]), let millis = Int64(parts[1]) {
                check = (eventId, millis)
            }
        }
        var from: Int64
        // Set when the stream cannot resume the reader: the id to resume from is beyond the log, or the event it checks
        // is not the one it read (the log's event ids restarted, for instance after a restore from an older backup).
        // The stream says so first, and goes on from its head.
        var reset: (requested: Int64, head: Int64, reason: String)?
        var head: Int64 = 0
        let resume = fromHeader ?? fromQuery
        if let resume {
            from = resume
            head = try await env.store.lastEventSequence()
            if resume > head { reset = (resume, head, "beyond_log") }
        } else {
            from = try await env.store.lastEventSequence()
        }
        let store = env.store
        let hub = self.hub
        let heartbeat = env.configuration.streamHeartbeat
        let logger = context.logger
        let relaying = principal.role == .relay
        let brokerId = env.identity.id

        // The reader as a subscription: what its organisation may read (everything for admins and publishers),
        // narrowed by `minSeverity` and `category`, matched by the predicate routing applies.
        // Drills only when asked (`?exercises=include`).
        var includeExercises = false
        if let exercises = request.query("exercises") {
            guard exercises == "include" || exercises == "exclude" else { throw Problem.validation("exercises must be include or exclude", field: "exercises") }
            includeExercises = exercises == "include"
        }
        // Another broker relays drills as it relays real alerts: they go through the real channels, marked, downstream too.
        if principal.role == .relay { includeExercises = true }
        let filter = SubscriptionFilter(minSeverity: minSeverity, categories: category.map { [$0] } ?? [], includeExercises: includeExercises)
        @Sendable func reader(_ scope: ReadScope?) -> RoutableSubscription {
            RoutableSubscription(subscriptionId: "stream", orgId: principal.orgId ?? "", channel: .feed, clearance: scope?.clearance ?? .red,
                                 orgRegion: scope == nil ? Region.all : scope?.region, filter: filter, pulled: true, orgKind: scope?.kind)
        }
        // The checked event must be in the log with the time the reader read it at. One the reader may not read is no
        // evidence either way, and is not used: the answer tells nothing of what it may not read.
        if reset == nil, let resume, let check, check.eventId <= resume {
            let event = try await store.events(after: check.eventId - 1, limit: 1).first
            if let event, event.sequence == check.eventId {
                let subscriber = reader(initialScope)
                let readable = relaying ? RelayPolicy.allowed(event.alert, to: subscriber) : subscriber.takes(event.alert)
                if readable, Int64((event.alert.updatedAt.timeIntervalSince1970 * 1000).rounded()) != check.millis {
                    reset = (resume, head, "other_log")
                }
            } else {
                reset = (resume, head, "other_log")
            }
        }
        if let reset { from = reset.head }
        let resetNotice = reset
        let resumeFrom = from

        let headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache",
                                   HTTPField.Name("X-Accel-Buffering")!: "no"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var start = resumeFrom
            let signal = WakeSignal()
            hub.register(signal)
            defer { hub.unregister(signal) }
            logger.info("stream opened", metadata: ["from_event": "\(start)"])
            try await writer.write(ByteBuffer(string: "retry: 2000\n: tocsin stream, from event \(start)\n\n"))
            if let resetNotice {
                logger.notice("stream cannot resume from the event id", metadata: ["requested": "\(resetNotice.requested)", "head": "\(resetNotice.head)",
                                                                                  "reason": "\(resetNotice.reason)"])
                try await writer.write(ByteBuffer(string: "id: \(resetNotice.head)\nevent: \(RelayCatchUp.resetEventType)\n"
                                                  + "data: {\"lastEventId\":\(resetNotice.requested),\"head\":\(resetNotice.head),\"reason\":\"\(resetNotice.reason)\"}\n\n"))
            }
            var lastBeat = ContinuousClock.now
            var lastCheck = ContinuousClock.now
            var subscriber = reader(initialScope)
            while !Task.isCancelled, !hub.isClosed {
                let events = try await store.events(after: start, limit: 200)
                // A revoked or expired token ends its open streams: checked before anything more is sent, and at
                // least every second while idle.
                if !events.isEmpty || ContinuousClock.now - lastCheck >= .seconds(1) {
                    lastCheck = ContinuousClock.now
                    guard try await store.tokenIsActive(id: principal.tokenId, now: Date()) else {
                        logger.notice("stream closed: token revoked or expired")
                        try await writer.write(ByteBuffer(string: "event: revoked\ndata: {\"reason\":\"the token is revoked or expired\"}\n\n"))
                        break
                    }
                    // The organisation's clearance and region as they are now: a lowered clearance applies at once.
                    subscriber = reader(try await env.readScope(of: principal))
                }
                var chunk = ""
                var sent: [String] = []
                for event in events {
                    start = event.sequence
                    // The stream pushes; a backfill is read, not pushed.
                    guard !event.alert.isBackfilled else { continue }
                    if relaying {
                        // Another broker reads: only what may be relayed, with its origin and path; a withdrawal
                        // notice, naming the alert alone, when a revision it had may no longer be relayed.
                        let previous = event.alert.revision > 1 ? try await store.alert(id: event.alert.id, revision: event.alert.revision - 1) : nil
                        switch RelayPolicy.send(event.alert, previous: previous, to: subscriber, brokerId: brokerId) {
                        case .send(let alert):
                            let json = String(decoding: try TocsinJSON.encoder().encode(alert), as: UTF8.self)
                            chunk += "id: \(event.sequence)\nevent: \(alert.eventType)\ndata: \(json)\n\n"
                            sent.append(alert.id)
                        case .withdraw(let alertId, let revision):
                            let json = String(decoding: try TocsinJSON.encoder().encode(RelayWithdrawal(id: alertId, revision: revision)), as: UTF8.self)
                            chunk += "id: \(event.sequence)\nevent: \(RelayWithdrawal.eventType)\ndata: \(json)\n\n"
                        case .skip:
                            // Still numbered, so that the reader's checkpoint moves past it.
                            chunk += "id: \(event.sequence)\nevent: skipped\ndata: {}\n\n"
                        }
                        continue
                    }
                    guard subscriber.takes(event.alert) else { continue }
                    let json = String(decoding: try TocsinJSON.encoder().encode(event.alert), as: UTF8.self)
                    chunk += "id: \(event.sequence)\nevent: \(event.alert.eventType)\ndata: \(json)\n\n"
                    sent.append(event.alert.id)
                }
                if !chunk.isEmpty {
                    try await writer.write(ByteBuffer(string: chunk))
                    lastBeat = ContinuousClock.now
                    // An organisation's token read them: seen, one write for the batch.
                    await env.markSeen(sent, by: principal, channel: "stream", logger: logger)
                }
                if events.count == 200 { continue }
                if ContinuousClock.now - lastBeat >= .seconds(heartbeat) {
                    // Also how a closed connection is noticed: the write fails and the stream ends.
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    lastBeat = ContinuousClock.now
                }
                // Woken by a publish in this process; the timeout catches those made by another process.
                await signal.wait(timeout: .milliseconds(Int(min(heartbeat, 1) * 1000)))
            }
            try await writer.finish(nil)
        })
    }
}
