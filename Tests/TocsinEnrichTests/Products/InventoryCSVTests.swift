import Foundation
import TocsinEnrich
import XCTest

/// CSV inventories as spreadsheets export them: a header naming the columns, commas or semicolons, quoted fields.
final class InventoryCSVTests: XCTestCase {
    func testAHeaderedCSVGivesOneItemPerLine() throws {
        let items = try Inventory.fromCSV("""
            vendor,product,version,label
            Philips,Vue PACS,12.2.6.10,"PACS, radiologie"
            Fortinet,FortiOS,7.2.4,

            """)
        XCTAssertEqual(items.map(\.product), ["Vue PACS", "FortiOS"])
        XCTAssertEqual(items.first?.label, "PACS, radiologie")
        XCTAssertEqual(items.last?.version, "7.2.4")
    }

    func testFrenchHeadersSemicolonsAndAByteOrderMarkAreRead() throws {
        let items = try Inventory.fromCSV("\u{FEFF}Éditeur;Produit;Version;Libellé\r\nPhilips;IntelliBridge EC40;B.00.21;\"Bloc \"\"B\"\"\"\r\n")
        XCTAssertEqual(items.count, 1)
        XCTAssertEqual(items[0].vendor, "Philips")
        XCTAssertEqual(items[0].label, "Bloc \"B\"")
    }

    func testABadLineIsNamedByItsNumber() {
        XCTAssertThrowsError(try Inventory.fromCSV("vendor,product,version\nPhilips,Vue PACS,1\nAcme,,2\n")) { error in
            XCTAssertEqual((error as? InventoryError)?.path.hasPrefix("line 3"), true, "\(error)")
        }
        XCTAssertThrowsError(try Inventory.fromCSV("name,count\nx,1\n")) { error in
            XCTAssertEqual((error as? InventoryError)?.path, "line 1")
        }
    }
}
