import Foundation
import TocsinCore
import XCTest

final class TocsinIDTests: XCTestCase {
    func testOrderedIdsAreVersion7UUIDsThatSortByTime() throws {
        let base = Date(timeIntervalSince1970: 1_796_000_000)
        var previous = ""
        var seen: Set<String> = []
        for step in 0..<2_000 {
            let id = TocsinID.ordered(at: base.addingTimeInterval(Double(step) / 1000))
            let uuid = try XCTUnwrap(UUID(uuidString: id), id)
            XCTAssertEqual(uuid.uuidString.lowercased(), id)
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            XCTAssertEqual(bytes[6] >> 4, 7, "version 7")
            XCTAssertEqual(bytes[8] >> 6, 0b10, "RFC 9562 variant")
            let millis = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            XCTAssertEqual(millis, 1_796_000_000_000 + UInt64(step))
            // A later millisecond always sorts after, as text too (what the index compares).
            XCTAssertLessThan(previous, id)
            previous = id
            seen.insert(id)
        }
        XCTAssertEqual(seen.count, 2_000)
        // Within one millisecond the random bits keep them apart.
        let same = Set((0..<10_000).map { _ in TocsinID.ordered(at: base) })
        XCTAssertEqual(same.count, 10_000)
    }
}
