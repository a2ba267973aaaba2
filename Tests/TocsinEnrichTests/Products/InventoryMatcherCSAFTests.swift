import Foundation
import TocsinCore
@testable import TocsinEnrich
import XCTest

/// Inventory matching against the affected products a CSAF adapter would build from CISA's medical-device
/// advisories (and two other CSAF documents that also list fixed products).
final class InventoryMatcherCSAFTests: XCTestCase {
    func testMicroDicomAdvisoryProductTree() throws {
        // icsma-24-163-01: vendor MicroDicom → product_name "DICOM Viewer" → product_version_range "<2024.2"
        // (CSAFPID-0001), known_affected in both vulnerabilities; no fixed product.
        let products = try ProductsCSAFFixture.affectedProducts("csaf/cisa/icsma-24-163-01.json")
        XCTAssertEqual(products, [AffectedProduct(vendor: "MicroDicom", product: "DICOM Viewer", versions: ["<2024.2"], status: .affected)])
        let inventory = [
            InventoryItem(vendor: "MicroDicom", product: "DICOM Viewer", version: "2023.3", label: "Poste radiologie 2"),
            InventoryItem(vendor: "MicroDicom", product: "DICOM Viewer", version: "2024.2"),
        ]
        let matches = InventoryMatcher.matches(for: products, in: inventory)
        XCTAssertEqual(matches.map(\.itemIndex), [0], "the fixed release 2024.2 does not match")
        XCTAssertEqual(matches.first?.confidence, .versionInRange)
        XCTAssertEqual(matches.first?.range, VersionRange(version: "0", lessThan: "2024.2"))
        XCTAssertEqual(try matches.first?.phrase(locale: "fr"), "concerne votre MicroDicom DICOM Viewer 2023.3 (Poste radiologie 2)")
        XCTAssertEqual(try matches.first?.phrase(locale: "en"), "concerns your MicroDicom DICOM Viewer 2023.3 (Poste radiologie 2)")
    }

    func testPhilipsVuePACSAdvisory() throws {
        // icsma-24-200-01: Philips → Vue PACS → "<12.2.8.410", known_affected in all 13 vulnerabilities.
        let products = try ProductsCSAFFixture.affectedProducts("csaf/cisa/icsma-24-200-01.json")
        XCTAssertEqual(products, [AffectedProduct(vendor: "Philips", product: "Vue PACS", versions: ["<12.2.8.410"], status: .affected)])
        XCTAssertEqual(InventoryMatcher.matches(for: products, in: [InventoryItem(vendor: "Philips", product: "Vue PACS", version: "12.2.6.10")]).first?.confidence, .versionInRange)
        XCTAssertEqual(InventoryMatcher.matches(for: products, in: [InventoryItem(vendor: "Philips", product: "Vue PACS", version: "12.2.8.410")]), [])
        // The same advisory as structured ranges, as an adapter reading `<` itself would emit them.
        let structured = products.map { p -> AffectedProduct in
            var p = p
            p.ranges = p.versions.flatMap { VersionExpression.ranges(from: $0) ?? [] }
            return p
        }
        XCTAssertEqual(structured.first?.ranges, [VersionRange(version: "0", lessThan: "12.2.8.410")])
        XCTAssertEqual(InventoryMatcher.matches(for: structured, in: [InventoryItem(vendor: "Philips", product: "Vue PACS", version: "12.2.8.410")]), [])
    }

    func testBaxterPortalDatedVersions() throws {
        // icsma-24-249-01: Baxter → Baxter Connex Health Portal → "<8/30/2024" (a cloud portal dated, not numbered).
        let products = try ProductsCSAFFixture.affectedProducts("csaf/cisa/icsma-24-249-01.json")
        XCTAssertEqual(products, [AffectedProduct(vendor: "Baxter", product: "Baxter Connex Health Portal", versions: ["<8/30/2024"], status: .affected)])
        func item(_ version: String?) -> InventoryItem { InventoryItem(vendor: "Baxter", product: "Connex Health Portal", version: version) }
        XCTAssertEqual(InventoryMatcher.matches(for: products, in: [item("7/15/2024")]).first?.confidence, .versionInRange)
        XCTAssertEqual(InventoryMatcher.matches(for: products, in: [item("8/30/2024")]), [])
        XCTAssertEqual(InventoryMatcher.matches(for: products, in: [item(nil)]).first?.confidence, .productOnly)
    }

    func testFixedProductsInTheTree() throws {
        // bsi-2022-0001: CSAF Tools → CVRF-CSAF-Converter 1.0.0-alpha … 1.0.0-rc1 known_affected, 1.0.0-rc2 fixed,
        // each with a CPE 2.2 URI as product identification helper.
        let products = try ProductsCSAFFixture.affectedProducts("csaf/oasis/bsi-2022-0001.json")
        XCTAssertEqual(products.map(\.versions), [["1.0.0-alpha"], ["1.0.0-dev1"], ["1.0.0-dev2"], ["1.0.0-dev3"], ["1.0.0-rc1"], ["1.0.0-rc2"]])
        XCTAssertEqual(products.map(\.status), [.affected, .affected, .affected, .affected, .affected, .fixed])
        XCTAssertEqual(products.last?.cpe, "cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-rc2")
        func item(_ version: String) -> InventoryItem {
            InventoryItem(product: "cvrf-csaf-converter", cpe: "cpe:2.3:a:csaf-tools:cvrf-csaf-converter:\(version):*:*:*:*:*:*:*")
        }
        let vulnerable = InventoryMatcher.matches(for: products, in: [item("1.0.0-rc1")])
        XCTAssertEqual(vulnerable.first?.confidence, .versionInRange)
        XCTAssertEqual(vulnerable.first?.basis, .cpe)
        XCTAssertEqual(InventoryMatcher.matches(for: products, in: [item("1.0.0-rc2")]), [], "the fixed release")

        // va-24-254-01: IBM webMethods Integration 10.15 known_affected, "Corefix 14" fixed.
        let ibm = try ProductsCSAFFixture.affectedProducts("csaf/cisa/va-24-254-01.json")
        XCTAssertEqual(ibm, [
            AffectedProduct(vendor: "IBM", product: "webMethods Integration", versions: ["10.15"], status: .affected),
            AffectedProduct(vendor: "IBM", product: "webMethods Integration", versions: ["Corefix 14"], status: .fixed),
        ])
        XCTAssertEqual(InventoryMatcher.matches(for: ibm, in: [InventoryItem(vendor: "IBM", product: "webMethods Integration", version: "10.15")]).first?.confidence, .versionInRange)
        XCTAssertEqual(InventoryMatcher.matches(for: ibm, in: [InventoryItem(vendor: "IBM", product: "webMethods Integration", version: "Corefix 14")]), [])
    }
}
