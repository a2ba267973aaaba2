import CCurl
import Foundation

/// A fixed pool of threads, each owning one libcurl easy handle for its whole life, that run blocking transfers
/// for async callers.
///
/// libcurl transfers block, so they never run on Swift's cooperative pool: a job waits in the queue, a worker
/// thread runs it with its own handle (keeping that handle's connections alive from one job to the next, HTTP
/// an open SMTP session) and resumes the caller. The SMTP sender runs here; HTTP runs on `CurlHTTPClient`'s event loop.
public final class CurlWorkers: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [(UnsafeMutableRawPointer) -> Void] = []
    private var head = 0
    private var stopping = false

    /// Starts `threads` worker threads named `<name>-<n>`.
    public init(threads: Int, name: String) {
        Curl.initialize()
        for index in 0..<max(threads, 1) {
            let thread = Thread { [self] in self.loop() }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs `job` on a worker thread with that thread's easy handle (reset before each job is the job's business).
    public func run<T: Sendable>(_ job: @escaping @Sendable (UnsafeMutableRawPointer) -> T, whenStopped: T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            condition.lock()
            guard !stopping else {
                condition.unlock()
                continuation.resume(returning: whenStopped)
                return
            }
            jobs.append { handle in continuation.resume(returning: job(handle)) }
            condition.signal()
            condition.unlock()
        }
    }

    /// Stops the threads once the queued jobs are done.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func next() -> ((UnsafeMutableRawPointer) -> Void)? {
        condition.lock()
        defer { condition.unlock() }
        while head >= jobs.count && !stopping { condition.wait() }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head > 1024 && head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    private func loop() {
        guard let handle = curl_easy_init() else { return }
        defer { curl_easy_cleanup(handle) }
        while let job = next() { job(handle) }
    }
}

/// What every libcurl transfer of Tocsin shares, in one place.
public enum Curl {
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    /// `curl_global_init`, once per process, before any handle is made.
    public static func initialize() { _ = globalInit }

    /// Resets `handle` and sets the options every transfer needs: the URL, the protocols allowed, no signals
    /// (threads), the timeouts (`timeout` nil: no limit once connected) and, unless `environmentProxies`, no
    /// proxy from the environment (a proxy would resolve the host itself and bypass a pinned address).
    public static func prepare(_ handle: UnsafeMutableRawPointer, url: String, protocols: String, timeout: TimeInterval?,
                        connectTimeout: TimeInterval = 10, environmentProxies: Bool = false) {
        curl_easy_reset(handle)
        ccurl_setopt_str(handle, CURLOPT_URL, url)
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        if !environmentProxies { ccurl_setopt_str(handle, CURLOPT_PROXY, "") }
        ccurl_setopt_str(handle, CURLOPT_PROTOCOLS_STR, protocols)
        if let timeout { ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000)) }
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(timeout ?? connectTimeout, connectTimeout) * 1000))
    }
}
