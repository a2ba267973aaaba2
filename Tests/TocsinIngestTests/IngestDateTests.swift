import Foundation
import TocsinCore
@testable import TocsinIngest
import XCTest

final class IngestDateTests: XCTestCase {
    private func iso(_ text: String) -> Date? { IngestDate.parse(text) }
    private func utc(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: seconds) }

    func testRFC3339Forms() {
        // 2003-04-02T19:39:01Z
        XCTAssertEqual(iso("2003-04-02T14:39:01-05:00"), utc(1_049_312_341))
        XCTAssertEqual(iso("2013-01-05T10:58:23-00:00"), utc(1_357_383_503))
        XCTAssertEqual(iso("2026-03-15T20:02:39.675Z")?.timeIntervalSince1970, 1_773_604_959.675)
        XCTAssertEqual(iso("2018-08-15T14:52:00-08:00"), iso("2018-08-15T22:52:00Z"))
        XCTAssertEqual(iso("2018-08-15 22:52:00+0000"), iso("2018-08-15T22:52:00Z"))
        XCTAssertEqual(iso("2018-08-16T00:52:00+02"), iso("2018-08-15T22:52:00Z"))
        XCTAssertEqual(iso("2026-02-09T00:00:00.000000"), utc(1_770_595_200), "no offset: UTC")
        XCTAssertEqual(iso("2026-02-09"), utc(1_770_595_200))
        XCTAssertNil(iso("2026-02-30T00:00:00Z"))
        XCTAssertNil(iso("2026-13-01"))
        XCTAssertNil(iso("2026-02-09T25:00:00Z"))
        XCTAssertNil(iso("2026-02-09Tjunk"))
    }

    func testTheFormsJSONSourcesWrite() {
        XCTAssertEqual(iso("2024-06-11T06:00:00.000000Z"), RFC3339.parse("2024-06-11T06:00:00Z"))
        XCTAssertEqual(iso("2024-08-26T14:33:05.281221"), RFC3339.parse("2024-08-26T14:33:05.281Z"))
        XCTAssertEqual(iso("2023-03-08T00:00:00"), RFC3339.parse("2023-03-08T00:00:00Z"))
        XCTAssertEqual(iso("2024-09-03T17:57:24+00:00"), RFC3339.parse("2024-09-03T17:57:24Z"))
        XCTAssertEqual(iso("2024-08-22T19:20:09.516938+00:00"), RFC3339.parse("2024-08-22T19:20:09.516Z"), "fractions are cut, not rounded")
        XCTAssertEqual(iso("2024-02-09"), RFC3339.parse("2024-02-09T00:00:00Z"))
        XCTAssertEqual(iso("2025-02-04T12:00:00.0Z"), RFC3339.parse("2025-02-04T12:00:00Z"))
        XCTAssertEqual(iso("2024-01-01T10:00:00-05:00"), RFC3339.parse("2024-01-01T15:00:00Z"))
        XCTAssertNil(iso("8/30/2024"))
    }

    func testDaysOnly() {
        XCTAssertEqual(IngestDate.day("2018-10-10"), RFC3339.parse("2018-10-10T00:00:00Z"))
        XCTAssertNil(IngestDate.day("2018-1-10"))
        XCTAssertNil(IngestDate.day("2018-02-30"))
        XCTAssertNil(IngestDate.day("10/10/2018"))
        XCTAssertNil(IngestDate.day("2018-10-10T00:00:00Z"))
    }

    func testRFC822Forms() {
        let expected = iso("2023-03-07T00:29:00Z")
        XCTAssertEqual(IngestDate.parse("Tue, 07 Mar 2023 00:29:00 GMT"), expected)
        XCTAssertEqual(IngestDate.parse("Tue, 07 Mar 2023 00:29:00 +0000"), expected)
        XCTAssertEqual(IngestDate.parse("Mon, 06 Mar 2023 19:29:00 EST"), expected)
        XCTAssertEqual(IngestDate.parse("Mon, 06 Mar 2023 16:29:00 PST"), expected)
        XCTAssertEqual(IngestDate.parse("Tue, 07 Mar 2023 01:29:00 +0100"), expected)
        XCTAssertEqual(IngestDate.parse("7 Mar 2023 00:29 UT"), expected)
        XCTAssertEqual(IngestDate.parse("Tuesday, 07 March 2023 00:29:00 GMT"), expected)
        XCTAssertEqual(IngestDate.parse("Tue, 07 Mar 23 00:29:00 Z"), expected)
        XCTAssertEqual(IngestDate.parse("Tue, 07 Mar 2023 00:29:00"), expected, "no zone: UTC")
        XCTAssertNil(IngestDate.parse("Tue, 32 Mar 2023 00:29:00 GMT"))
        XCTAssertNil(IngestDate.parse("Tue, 07 Foo 2023 00:29:00 GMT"))
        XCTAssertNil(IngestDate.parse("Tue, 07 Mar 2023 00:29:00 +9999"))
        XCTAssertNil(IngestDate.parse("yesterday"))
        XCTAssertNil(IngestDate.parse(""))
    }

    func testFrenchDates() {
        XCTAssertEqual(CERTFRText.frenchDate("02 octobre 2023"), iso("2023-10-02"))
        XCTAssertEqual(CERTFRText.frenchDate("1er août 2026"), iso("2026-08-01"))
        XCTAssertEqual(CERTFRText.frenchDate("13 décembre 2023"), iso("2023-12-13"))
        XCTAssertNil(CERTFRText.frenchDate("31 février 2024"))
        let split = CERTFRText.splitTitle("[MàJ] Vulnérabilité dans Citrix NetScaler ADC et NetScaler Gateway (23 octobre 2023)")
        XCTAssertEqual(split.title, "Vulnérabilité dans Citrix NetScaler ADC et NetScaler Gateway")
        XCTAssertTrue(split.updated)
        XCTAssertEqual(split.date, iso("2023-10-23"))
        XCTAssertEqual(CERTFRText.updateDates(in: "\\[Mise à jour du 22 novembre 2023\\] x. [Mise à jour du 4 mars 2024] y"),
                       [iso("2023-11-22")!, iso("2024-03-04")!])
    }
}
