import Foundation
import TocsinIngest
import XCTest

/// The polling loop, with in-process doubles: no waiting on real intervals.
final class SourcePollerRunTests: XCTestCase {
    /// Answers every URL with `status`, counting requests.
    private actor CountingFetcher: SourceFetcher {
        let status: Int
        private(set) var count = 0

        init(status: Int) { self.status = status }

        func get(_ url: String, headers: [(String, String)], timeout: TimeInterval, maxBytes: Int) async throws -> SourceResponse {
            count += 1
            return SourceResponse(status: status, headers: ["ETag": "\"v1\""], body: Data("{}".utf8))
        }
    }

    /// Records the waits the loop asks for and ends the loop after `limit` of them.
    private actor Waits {
        let limit: Int
        private(set) var seconds: [TimeInterval] = []

        init(limit: Int) { self.limit = limit }

        func wait(_ delay: TimeInterval) throws {
            seconds.append(delay)
            if seconds.count > limit { throw CancellationError() }
        }
    }

    func testFailingSourceBacksOffExponentiallyUpToTheCap() async {
        let fetcher = CountingFetcher(status: 503)
        let waits = Waits(limit: 8)
        // A clock that jumps to each planned time as soon as it is waited for.
        let clock = PollTestClock()
        let options = SourcePoller.Options(
            schedule: SourceSchedule(maximumBackoff: 3_600, jitter: 0, startSpread: 0),
            now: { clock.now }, random: { 0.5 },
            sleep: { seconds in try await waits.wait(seconds); clock.advance(seconds) })
        let store = SourceMemoryStateStore()
        let poller = SourcePoller(fetcher: fetcher, sink: PollRecordingSink(), store: store, options: options)
        let source = SourceConfiguration(name: "down", url: "https://down.example/kev.json", format: .ingest(.kev), interval: 300)
        await poller.run(sources: [source])
        let seconds = await waits.seconds
        XCTAssertEqual(seconds, [0, 600, 1_200, 2_400, 3_600, 3_600, 3_600, 3_600, 3_600])
        let count = await fetcher.count
        XCTAssertEqual(count, 8)
        let state = try? await store.load("down")
        XCTAssertEqual(state?.consecutiveFailures, 8)
    }

    func testDisabledSourcesAreNotPolledAndCancellationEndsTheLoopPromptly() async throws {
        let fetcher = CountingFetcher(status: 200)
        let poller = SourcePoller(fetcher: fetcher, sink: PollRecordingSink(), store: SourceMemoryStateStore(),
                                  options: SourcePoller.Options(schedule: SourceSchedule(startSpread: 0)))
        let enabled = SourceConfiguration(name: "kev", url: "https://a.example/kev.json", format: .ingest(.kev), interval: 3_600)
        let disabled = SourceConfiguration(name: "off", url: "https://b.example/kev.json", format: .ingest(.kev), enabled: false)
        let task = Task { await poller.run(sources: [enabled, disabled]) }
        // The first round comes at once; the next one would be an hour later.
        for _ in 0..<200 where await fetcher.count == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let polled = await fetcher.count
        XCTAssertEqual(polled, 1)
        let cancelledAt = Date()
        task.cancel()
        await task.value
        XCTAssertLessThan(Date().timeIntervalSince(cancelledAt), 1)
    }

    func testConcurrentRoundsOfOneSourceDoNotOverlap() async {
        let fetcher = CountingFetcher(status: 200)
        let poller = SourcePoller(fetcher: fetcher, sink: PollRecordingSink(), store: SourceMemoryStateStore())
        let source = SourceConfiguration(name: "kev", url: "https://a.example/kev.json", format: .ingest(.kev))
        async let first = poller.pollOnce(source)
        async let second = poller.pollOnce(source)
        _ = await (first, second)
        let count = await fetcher.count
        XCTAssertGreaterThanOrEqual(count, 1)
        XCTAssertLessThanOrEqual(count, 2)
    }
}

/// A settable clock for the loop tests.
final class PollTestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_700_000_000)

    var now: Date { lock.withLock { current } }

    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}
