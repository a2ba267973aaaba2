import Foundation
import XCTest
import TocsinCore
import TocsinTestSupport
@testable import TocsinIngest

/// Runs an adapter on a fixture and checks what every adapter owes: drafts that pass validation unchanged.
func ingest(
    _ adapter: some IngestAdapter, _ fixture: String, options: IngestOptions = IngestOptions(),
    file: StaticString = #filePath, line: UInt = #line
) throws -> [IngestedAlert] {
    let data = try Fixtures.data(fixture, file: file, line: line)
    let alerts = try adapter.parse(data, options: options)
    for alert in alerts { assertValid(alert, file: file, line: line) }
    return alerts
}

func assertValid(_ alert: IngestedAlert, file: StaticString = #filePath, line: UInt = #line) {
    do {
        let validated = try alert.draft.validated()
        XCTAssertEqual(validated, alert.draft, "adapters return drafts already normalised", file: file, line: line)
    } catch {
        XCTFail("\(alert.draft.sourceRef ?? alert.draft.title): \(error)", file: file, line: line)
    }
    XCTAssertFalse(alert.draft.title.isEmpty, file: file, line: line)
    XCTAssertTrue(alert.draft.regions.isEmpty, file: file, line: line)
    XCTAssertNotNil(alert.draft.attributes["tocsin.severitySource"], file: file, line: line)
}

/// A date from an RFC 3339 literal written in a test.
func date(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Date? {
    let parsed = RFC3339.parse(text)
    XCTAssertNotNil(parsed, "bad date literal \(text)", file: file, line: line)
    return parsed
}
