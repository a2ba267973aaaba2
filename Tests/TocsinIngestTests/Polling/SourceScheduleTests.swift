import Foundation
import TocsinIngest
import XCTest

final class SourceScheduleTests: XCTestCase {
    func testIntervalAfterASuccessfulRound() {
        let schedule = SourceSchedule(jitter: 0.1)
        XCTAssertEqual(schedule.delay(interval: 900, consecutiveFailures: 0, random: 0.5), 900, accuracy: 1e-9)
        XCTAssertEqual(schedule.delay(interval: 900, consecutiveFailures: 0, random: 0), 810, accuracy: 1e-9)
        XCTAssertEqual(schedule.delay(interval: 900, consecutiveFailures: 0, random: 1), 990, accuracy: 1e-9)
    }

    func testExponentialBackoffIsCapped() {
        let schedule = SourceSchedule(maximumBackoff: 3_600, jitter: 0)
        XCTAssertEqual((1...7).map { schedule.delay(interval: 60, consecutiveFailures: $0, random: 0.5) },
                       [120, 240, 480, 960, 1_920, 3_600, 3_600])
        XCTAssertEqual(schedule.delay(interval: 60, consecutiveFailures: Int.max, random: 0.5), 3_600)
        // A source polled less often than the cap never waits less than its interval.
        XCTAssertEqual(schedule.delay(interval: 7_200, consecutiveFailures: 3, random: 0.5), 7_200)
    }

    func testFirstAttemptFollowsTheSavedState() {
        let schedule = SourceSchedule(maximumBackoff: 3_600, jitter: 0, startSpread: 30)
        let now = Date(timeIntervalSince1970: 1_000_000)
        XCTAssertEqual(schedule.firstAttempt(interval: 900, state: nil, now: now, random: 0.5), now.addingTimeInterval(15))
        var state = SourceState()
        state.nextAttemptAt = now.addingTimeInterval(100)
        XCTAssertEqual(schedule.firstAttempt(interval: 900, state: state, now: now, random: 0.5), now.addingTimeInterval(100))
        state.nextAttemptAt = now.addingTimeInterval(-100)
        XCTAssertEqual(schedule.firstAttempt(interval: 900, state: state, now: now, random: 0.5), now)
        // The interval was shortened since: no longer wait than the new one.
        state.nextAttemptAt = now.addingTimeInterval(86_400)
        XCTAssertEqual(schedule.firstAttempt(interval: 900, state: state, now: now, random: 0.5), now.addingTimeInterval(900))
    }
}
