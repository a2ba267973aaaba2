import Foundation
import TocsinCore
@testable import TocsinIngest
import XCTest

final class JSONIngestDateTests: XCTestCase {
    func testTheDateFormsSourcesWrite() {
        XCTAssertEqual(JSONIngestDate.parse("2024-06-11T06:00:00.000000Z"), RFC3339.parse("2024-06-11T06:00:00Z"))
        XCTAssertEqual(JSONIngestDate.parse("2024-08-26T14:33:05.281221"), RFC3339.parse("2024-08-26T14:33:05.281Z"))
        XCTAssertEqual(JSONIngestDate.parse("2023-03-08T00:00:00"), RFC3339.parse("2023-03-08T00:00:00Z"))
        XCTAssertEqual(JSONIngestDate.parse("2024-09-03T17:57:24+00:00"), RFC3339.parse("2024-09-03T17:57:24Z"))
        XCTAssertEqual(JSONIngestDate.parse("2024-08-22T19:20:09.516938+00:00"), RFC3339.parse("2024-08-22T19:20:09.516Z"))
        XCTAssertEqual(JSONIngestDate.parse("2024-02-09"), RFC3339.parse("2024-02-09T00:00:00Z"))
        XCTAssertEqual(JSONIngestDate.parse("2025-02-04T12:00:00.0Z"), RFC3339.parse("2025-02-04T12:00:00Z"))
        XCTAssertEqual(JSONIngestDate.parse("2024-01-01T10:00:00-05:00"), RFC3339.parse("2024-01-01T15:00:00Z"))
        XCTAssertNil(JSONIngestDate.parse("yesterday"))
        XCTAssertNil(JSONIngestDate.parse("8/30/2024"))
        XCTAssertNil(JSONIngestDate.parse(""))
    }
}
