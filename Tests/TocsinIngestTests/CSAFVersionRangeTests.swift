import TocsinCore
@testable import TocsinIngest
import XCTest

final class CSAFVersionRangeTests: XCTestCase {
    private func ranges(_ text: String) -> [VersionRange] { CSAFVersionRange.ranges(from: text, status: .affected) }

    func testVERS() {
        XCTAssertEqual(ranges("vers:generic/>=1.0|<2.0"), [VersionRange(version: "1.0", lessThan: "2.0", versionType: "generic")])
        XCTAssertEqual(ranges("vers:all/*"), [VersionRange(version: "0", lessThan: "*")])
        XCTAssertEqual(ranges("vers:semver/>=1.0.0|<1.5.0|>=2.0.0|<=2.3.1"), [
            VersionRange(version: "1.0.0", lessThan: "1.5.0", versionType: "semver"),
            VersionRange(version: "2.0.0", lessThanOrEqual: "2.3.1", versionType: "semver"),
        ])
        XCTAssertEqual(ranges("vers:npm/1.2.3|>=2.0.0"), [
            VersionRange(version: "1.2.3", versionType: "npm"), VersionRange(version: "2.0.0", lessThan: "*", versionType: "npm"),
        ])
        XCTAssertEqual(ranges("vers:intdot/<V3.1"), [VersionRange(version: "0", lessThan: "V3.1", versionType: "intdot")])
        XCTAssertEqual(ranges("vers:generic/!=1.5"), [])
    }

    func testFreeText() {
        XCTAssertEqual(ranges("<4.2"), [VersionRange(version: "0", lessThan: "4.2")])
        XCTAssertEqual(ranges("<=V3.1"), [VersionRange(version: "0", lessThanOrEqual: "V3.1")])
        XCTAssertEqual(ranges("< 2016 R2"), [VersionRange(version: "0", lessThan: "2016 R2")])
        XCTAssertEqual(ranges(">= 1.0, < 2.0"), [VersionRange(version: "1.0", lessThan: "2.0")])
        XCTAssertEqual(ranges(">=5.0"), [VersionRange(version: "5.0", lessThan: "*")])
        XCTAssertEqual(ranges("all versions"), [VersionRange(version: "0", lessThan: "*")])
        XCTAssertEqual(ranges("before 2.4"), [VersionRange(version: "0", lessThan: "2.4")])
        XCTAssertEqual(ranges("2.0 and later"), [VersionRange(version: "2.0", lessThan: "*")])
        XCTAssertEqual(ranges("Firmware with default settings"), [])
        XCTAssertEqual(ranges(""), [])
        XCTAssertEqual(CSAFVersionRange.ranges(from: "<1.0", status: .fixed), [VersionRange(version: "0", lessThan: "1.0", status: .fixed)])
    }
}
