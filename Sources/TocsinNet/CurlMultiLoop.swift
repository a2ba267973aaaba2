import CCurl
import Foundation

/// One transfer on a `CurlMultiLoop`: its easy handle, the lists libcurl reads while it runs, what came back so far,
/// and who waits for the result.
///
/// Prepared by the caller's thread, then owned by the loop's thread from the moment it is started to its end.
final class CurlTransfer {
    let handle: UnsafeMutableRawPointer
    var headerList: UnsafeMutablePointer<curl_slist>?
    var resolveList: UnsafeMutablePointer<curl_slist>?
    /// The response body kept so far, at most `limit` bytes.
    var body: [UInt8] = []
    /// Header lines of the final response (none when `keepHeaders` is false).
    var headers: [(String, String)] = []
    let limit: Int
    let keepHeaders: Bool
    /// The scheme, host and port the transfer connects to: the loop counts the transfers running to each.
    let hostKey: String
    /// When the transfer must have ended (`DispatchTime` nanoseconds), counted from its hand-over: the time it waits
    /// for its host comes out of its timeout.
    let deadline: UInt64
    /// The body went past `limit` and the transfer was cut.
    var truncated = false
    let completion: @Sendable (Result<HTTPResult, HTTPClientError>) -> Void

    init(handle: UnsafeMutableRawPointer, hostKey: String, deadline: UInt64, limit: Int, keepHeaders: Bool,
         completion: @escaping @Sendable (Result<HTTPResult, HTTPClientError>) -> Void) {
        self.handle = handle
        self.hostKey = hostKey
        self.deadline = deadline
        self.limit = limit
        self.keepHeaders = keepHeaders
        self.completion = completion
    }

    deinit {
        curl_slist_free_all(headerList)
        curl_slist_free_all(resolveList)
    }
}

/// libcurl's multi interface driven by one thread: every transfer of a client runs on it at once, event-driven,
/// and the connections to each receiver stay open in one shared pool from one transfer to the next.
///
/// Callers prepare a transfer on their own thread (an easy handle from the pool, its options set) and hand it over;
/// the loop adds it, drives every transfer with `curl_multi_perform` and `curl_multi_poll`, and calls the
/// transfer's completion when it ends. Nothing blocks except the poll.
///
/// A host gets at most `connectionsPerHost` transfers at once: the loop keeps the others in a queue of that host and
/// adds the next one when one ends. Left to libcurl, they would wait inside the multi handle, which looks at every
/// waiting transfer on each `curl_multi_perform`: with 256 transfers for 16 connections that doubled the client's
/// CPU per request (docs/benchmarks.md, "The HTTP client's queue").
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    /// Transfers handed over and not yet added to the multi handle (guarded by `lock`).
    private var incoming: [CurlTransfer] = []
    /// Easy handles whose transfer ended, ready for another one (guarded by `lock`).
    private var idle: [UnsafeMutableRawPointer] = []
    private var stopping = false
    private var stopped = false
    /// A wake-up was asked since the loop last took the incoming transfers: no need to ask again.
    private var wakePending = false
    /// The longest a poll waits, in milliseconds.
    static let pollLimit: Int32 = 100
    /// The transfers in flight, by easy handle (the loop's thread only).
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    /// The most transfers running to one host at once.
    private let connectionsPerHost: Int
    /// Transfers running, and transfers waiting their turn, by host (the loop's thread only).
    private var running: [String: Int] = [:]
    private var waiting: [String: TransferQueue] = [:]

    /// Starts the loop's thread. At most `connectionsPerHost` transfers run to one host at once (so at most that many
    /// connections), the others waiting in the loop's queue of that host; at most `maxConnections` connections are
    /// open in all, and transfers past that wait inside libcurl.
    init(name: String, connectionsPerHost: Int, maxConnections: Int) {
        Curl.initialize()
        guard let multi = curl_multi_init() else { fatalError("libcurl could not make a multi handle") }
        self.multi = multi
        self.connectionsPerHost = max(connectionsPerHost, 1)
        // The loop never starts more than this per host; libcurl's own limit stays as a second guard.
        ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(connectionsPerHost, 1))
        ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(maxConnections, 1))
        // The pool keeps every connection the limits allow, so none is closed only to be opened again.
        ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(maxConnections, 1))
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// An easy handle for a new transfer: one whose transfer ended, or a new one. Reset it before use.
    func handle() -> UnsafeMutableRawPointer? {
        lock.lock()
        let reused = idle.popLast()
        lock.unlock()
        return reused ?? curl_easy_init()
    }

    /// Gives back a handle taken with `handle()` whose transfer was never started.
    func giveBack(_ handle: UnsafeMutableRawPointer) {
        lock.lock()
        if stopped {
            lock.unlock()
            curl_easy_cleanup(handle)
            return
        }
        idle.append(handle)
        lock.unlock()
    }

    /// Hands a prepared transfer to the loop; false (and nothing started) once the loop is stopping.
    func start(_ transfer: CurlTransfer) -> Bool {
        lock.lock()
        guard !stopping else {
            lock.unlock()
            return false
        }
        incoming.append(transfer)
        let wake = !wakePending
        wakePending = true
        lock.unlock()
        if wake { curl_multi_wakeup(multi) }
        return true
    }

    /// Stops taking transfers; the loop ends once those in flight are done.
    func shutdown() {
        lock.lock()
        stopping = true
        lock.unlock()
        curl_multi_wakeup(multi)
    }

    private func run() {
        var stillRunning: Int32 = 0
        var left: Int32 = 0
        while true {
            lock.lock()
            let added = incoming
            incoming.removeAll(keepingCapacity: true)
            wakePending = false
            let stop = stopping
            lock.unlock()
            for transfer in added { admit(transfer) }
            if !waiting.isEmpty { expireWaiting() }
            if stop && active.isEmpty { break }
            curl_multi_perform(multi, &stillRunning)
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                      let transfer = active.removeValue(forKey: easy) else { continue }
                let code = ccurl_msg_result(message)
                curl_multi_remove_handle(multi, easy)
                ended(transfer.hostKey)
                finish(transfer, Self.result(of: transfer, code: code))
            }
            lock.lock()
            let more = !incoming.isEmpty
            lock.unlock()
            // The poll returns as soon as a socket is ready, a timer of libcurl's is due, or a transfer is handed over.
            // It also returns after 100 ms whatever happens, so that a transfer waiting for its host is timed out on
            // time. (When the waits were libcurl's, a transfer waiting for a free connection was sometimes not woken
            // when one came free and sat until the poll ended: with a poll of 1 s, one alert to 1,000 receivers
            // sometimes took 1.1 s instead of 0.15 s; docs/benchmarks.md, "Side by side".) An idle loop wakes ten
            // times a second and does nothing.
            if !more { curl_multi_poll(multi, nil, 0, Self.pollLimit, nil) }
        }
        lock.lock()
        stopped = true
        let handles = idle
        idle.removeAll()
        lock.unlock()
        for handle in handles { curl_easy_cleanup(handle) }
        curl_multi_cleanup(multi)
    }

    /// Starts a transfer handed over, or queues it behind its host's running ones.
    private func admit(_ transfer: CurlTransfer) {
        let count = running[transfer.hostKey, default: 0]
        if count < connectionsPerHost {
            running[transfer.hostKey] = count + 1
            if !add(transfer) { ended(transfer.hostKey) }
        } else {
            waiting[transfer.hostKey, default: TransferQueue()].append(transfer)
        }
    }

    static let queueTimeout = "Timeout was reached while waiting for a connection to the host"

    /// Ends the transfers whose time ran out while they waited for their host. Waits are first in first out, so
    /// each queue is looked at from its head.
    private func expireWaiting() {
        let now = DispatchTime.now().uptimeNanoseconds
        for host in Array(waiting.keys) {
            while let first = waiting[host]?.first, first.deadline <= now, let expired = waiting[host]?.popFirst() {
                finish(expired, .failure(.transport(Self.queueTimeout)))
            }
            if waiting[host]?.isEmpty == true { waiting[host] = nil }
        }
    }

    /// A transfer to `host` ended: the next one waiting for it starts.
    private func ended(_ host: String) {
        while let next = waiting[host]?.popFirst() {
            if waiting[host]?.isEmpty == true { waiting[host] = nil }
            if add(next) { return }
        }
        let count = running[host, default: 1] - 1
        running[host] = count > 0 ? count : nil
    }

    /// Adds a transfer to the multi handle, with what is left of its timeout; when its time is up or libcurl refuses
    /// it, ends it with the error (false).
    private func add(_ transfer: CurlTransfer) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        guard transfer.deadline > now else {
            finish(transfer, .failure(.transport(Self.queueTimeout)))
            return false
        }
        ccurl_setopt_long(transfer.handle, CURLOPT_TIMEOUT_MS, max(Int((transfer.deadline - now) / 1_000_000), 1))
        active[transfer.handle] = transfer
        let code = curl_multi_add_handle(multi, transfer.handle)
        guard code != CURLM_OK else { return true }
        active[transfer.handle] = nil
        finish(transfer, .failure(.transport(String(cString: curl_multi_strerror(code)))))
        return false
    }

    /// Returns the transfer's handle to the pool and tells its caller.
    private func finish(_ transfer: CurlTransfer, _ result: Result<HTTPResult, HTTPClientError>) {
        lock.lock()
        idle.append(transfer.handle)
        lock.unlock()
        transfer.completion(result)
    }

    /// What a finished transfer gives its caller: a truncated answer is still an answer.
    private static func result(of transfer: CurlTransfer, code: CURLcode) -> Result<HTTPResult, HTTPClientError> {
        var status = 0
        ccurl_getinfo_long(transfer.handle, CURLINFO_RESPONSE_CODE, &status)
        if transfer.truncated {
            return .success(HTTPResult(status: status, body: transfer.body, headers: transfer.headers, truncated: true))
        }
        guard code == CURLE_OK else { return .failure(.transport(String(cString: curl_easy_strerror(code)))) }
        return .success(HTTPResult(status: status, body: transfer.body, headers: transfer.headers))
    }
}

/// Transfers waiting for their host, first in first out.
struct TransferQueue {
    private var items: [CurlTransfer] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }

    var first: CurlTransfer? { head < items.count ? items[head] : nil }

    mutating func append(_ transfer: CurlTransfer) { items.append(transfer) }

    mutating func popFirst() -> CurlTransfer? {
        guard head < items.count else { return nil }
        let first = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        return first
    }
}
