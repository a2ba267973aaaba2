import Foundation
import XCTest
@testable import TocsinCore

final class DigestScheduleTests: XCTestCase {
    func date(_ text: String) -> Date { RFC3339.parse(text)! }

    func testHourlyDigestsLeaveAtTheTopOfTheNextHour() {
        let schedule = DigestSchedule()
        XCTAssertEqual(schedule.due(after: date("2026-11-23T09:59:59Z"), mode: .hourly), date("2026-11-23T10:00:00Z"))
        XCTAssertEqual(schedule.due(after: date("2026-11-23T10:00:00Z"), mode: .hourly), date("2026-11-23T11:00:00Z"))
        XCTAssertEqual(schedule.due(after: date("2026-11-23T10:00:00Z"), mode: .immediate), date("2026-11-23T10:00:00Z"))
    }

    func testDailyDigestsLeaveAtSevenParisTimeWinterAndSummer() {
        let schedule = DigestSchedule()
        // Winter: Paris is UTC+1, so 07:00 is 06:00Z; summer: UTC+2, 05:00Z.
        XCTAssertEqual(schedule.due(after: date("2026-11-23T05:30:00Z"), mode: .daily), date("2026-11-23T06:00:00Z"))
        XCTAssertEqual(schedule.due(after: date("2026-11-23T06:00:00Z"), mode: .daily), date("2026-11-24T06:00:00Z"))
        XCTAssertEqual(schedule.due(after: date("2026-07-01T12:00:00Z"), mode: .daily), date("2026-07-02T05:00:00Z"))
        // Across the spring change (29 March 2026): still 07:00 local.
        XCTAssertEqual(schedule.due(after: date("2026-03-28T12:00:00Z"), mode: .daily), date("2026-03-29T05:00:00Z"))
    }

    func testShortPeriodsForTestsAndTheClockParser() {
        let schedule = DigestSchedule(hourly: 4, daily: 10)
        XCTAssertEqual(schedule.due(after: Date(timeIntervalSince1970: 101), mode: .hourly), Date(timeIntervalSince1970: 104))
        XCTAssertEqual(schedule.due(after: Date(timeIntervalSince1970: 101), mode: .daily), Date(timeIntervalSince1970: 110))
        XCTAssertEqual(DigestSchedule.minutes(fromClock: "07:30"), 450)
        XCTAssertNil(DigestSchedule.minutes(fromClock: "25:00"))
        XCTAssertNil(DigestSchedule.minutes(fromClock: "7h"))
    }
}
