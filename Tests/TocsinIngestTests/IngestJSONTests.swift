import Foundation
import TocsinCore
@testable import TocsinIngest
import XCTest

final class IngestJSONTests: XCTestCase {
    private func failure(_ bytes: [UInt8], format: IngestFormat = .csaf) -> IngestError? {
        do {
            try IngestJSON.checkLimits(Data(bytes), format: format)
            return nil
        } catch {
            return error
        }
    }

    func testEveryJSONFormatRefusesInTheSameWords() {
        XCTAssertEqual(failure([])?.message, "the document is empty")
        XCTAssertEqual(failure(Array(String(repeating: "[", count: 65).utf8))?.message, "the JSON nests deeper than 64 levels (at byte 64)")
        XCTAssertEqual(failure(Array("{\"a\": \"caf".utf8) + [0xE9] + Array("\"}".utf8))?.message, "the document is not valid UTF-8 (at byte 10)")
        XCTAssertNil(failure(Array("{\"a\": \"café\"}".utf8)))
        for format in [IngestFormat.csaf, .cve, .kev, .stix, .misp, .native, .feed, .certfr] {
            XCTAssertThrowsError(try IngestJSON.decode([String: String].self, from: Data("{\"a\": ".utf8), format: format)) { error in
                XCTAssertEqual(error as? IngestError, IngestError(format: format, path: "", message: "the document is not valid JSON"))
            }
        }
    }

    func testDecodingErrorsNameTheField() {
        struct Model: Decodable { var items: [Int] }
        XCTAssertThrowsError(try IngestJSON.decode(Model.self, from: Data("{\"items\": [1, \"x\"]}".utf8), format: .kev)) { error in
            XCTAssertEqual((error as? IngestError)?.path, "items[1]")
        }
    }

    func testFirstSignificantByteSkipsBOMAndWhitespace() {
        XCTAssertEqual(IngestJSON.firstSignificantByte(Data([0xEF, 0xBB, 0xBF, 0x20, 0x0A, UInt8(ascii: "{")])), UInt8(ascii: "{"))
        XCTAssertNil(IngestJSON.firstSignificantByte(Data(" \n".utf8)))
    }
}
