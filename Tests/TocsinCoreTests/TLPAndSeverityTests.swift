import Foundation
import TocsinCore
import XCTest

final class TLPAndSeverityTests: XCTestCase {
    func testClearanceCoversMarkingsUpToItsLevelOnly() {
        XCTAssertTrue(TLP.amber.clears(.green))
        XCTAssertTrue(TLP.amber.clears(.amber))
        XCTAssertFalse(TLP.amber.clears(.amberStrict))
        XCTAssertFalse(TLP.green.clears(.amber))
        XCTAssertTrue(TLP.red.clears(.red))
        XCTAssertFalse(TLP.clear.clears(.green))
    }

    func testParsesMarkingsAsPeopleWriteThem() {
        XCTAssertEqual(TLP(parsing: "tlp:amber+strict"), .amberStrict)
        XCTAssertEqual(TLP(parsing: "TLP:WHITE"), .clear)
        XCTAssertEqual(TLP(parsing: " Green "), .green)
        XCTAssertNil(TLP(parsing: "PURPLE"))
    }

    func testDecodingAnUnknownMarkingNamesTheAllowedValues() {
        let json = Data(#"{"tlp":"PURPLE"}"#.utf8)
        struct Box: Decodable { var tlp: TLP }
        XCTAssertThrowsError(try JSONDecoder().decode(Box.self, from: json)) { error in
            XCTAssertTrue("\(error)".contains("AMBER+STRICT"))
        }
    }

    func testSeverityOrder() {
        XCTAssertLessThan(Severity.info, .low)
        XCTAssertLessThan(Severity.high, .critical)
        XCTAssertEqual(Severity(rank: 3), .high)
    }

    func testDatesRoundTripAsRFC3339InUTC() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.123)
        XCTAssertEqual(RFC3339.format(date), "2023-11-14T22:13:20.123Z")
        XCTAssertEqual(RFC3339.parse("2023-11-14T23:13:20+01:00"), Date(timeIntervalSince1970: 1_700_000_000))
        XCTAssertNil(RFC3339.parse("14/11/2023"))
    }
}
