import Foundation
import TocsinCore
@testable import TocsinEnrich
import XCTest

final class InventoryMatcherTests: XCTestCase {
    private let intelliBridge = AffectedProduct(
        vendor: "Philips", product: "IntelliBridge EC40", versions: ["<B.00.22"],
        ranges: [VersionRange(version: "0", lessThan: "B.00.22", versionType: "custom")], status: .affected)

    func testVersionInRangeAndPhrases() throws {
        let item = InventoryItem(vendor: "Philips", product: "IntelliBridge EC40", version: "B.00.21")
        let matches = InventoryMatcher.matches(for: [intelliBridge], in: [item])
        let match = try XCTUnwrap(matches.first)
        XCTAssertEqual(match.confidence, .versionInRange)
        XCTAssertEqual(match.basis, .vendorAndProduct)
        XCTAssertEqual(match.range, intelliBridge.ranges[0])
        XCTAssertNil(match.doubt)
        XCTAssertEqual(try match.phrase(locale: "fr"), "concerne votre Philips IntelliBridge EC40 B.00.21")
        XCTAssertEqual(try match.phrase(locale: "en"), "concerns your Philips IntelliBridge EC40 B.00.21")
        XCTAssertEqual(try match.phrase(locale: "fr-FR"), "concerne votre Philips IntelliBridge EC40 B.00.21")
    }

    func testPhraseCarriesTheLabelAndDoesNotRepeatTheVendor() throws {
        let item = InventoryItem(vendor: "Philips", product: "Philips IntelliBridge EC40", version: "B.00.20",
                                 label: "Réanimation lit 4")
        let match = try XCTUnwrap(InventoryMatcher.matches(for: [intelliBridge], in: [item]).first)
        XCTAssertEqual(try match.phrase(locale: "fr"), "concerne votre Philips IntelliBridge EC40 B.00.20 (Réanimation lit 4)")
    }

    func testFixedVersionDoesNotMatch() {
        let item = InventoryItem(vendor: "Philips", product: "IntelliBridge EC40", version: "B.00.22")
        XCTAssertEqual(InventoryMatcher.matches(for: [intelliBridge], in: [item]), [])
        XCTAssertEqual(InventoryMatcher.verdict(for: item, against: intelliBridge), .notAffected(.vendorAndProduct))
    }

    func testUnknownVersionIsProductOnly() throws {
        let item = InventoryItem(vendor: "PHILIPS", product: "intellibridge_ec40")
        let match = try XCTUnwrap(InventoryMatcher.matches(for: [intelliBridge], in: [item]).first)
        XCTAssertEqual(match.confidence, .productOnly)
        XCTAssertEqual(match.doubt, .version)
        XCTAssertEqual(try match.phrase(locale: "fr"), "concerne peut-être votre PHILIPS intellibridge_ec40 (version à vérifier)")
        XCTAssertEqual(try match.phrase(locale: "en"), "may concern your PHILIPS intellibridge_ec40 (check the version)")
    }

    func testProductWithoutVersionsIsProductOnly() throws {
        let kev = AffectedProduct(vendor: "Baxter", product: "Connex Health Portal")
        let item = InventoryItem(vendor: "Baxter", product: "Connex Health Portal", version: "2024.07")
        let match = try XCTUnwrap(InventoryMatcher.matches(for: [kev], in: [item]).first)
        XCTAssertEqual(match.confidence, .productOnly)
        XCTAssertEqual(match.doubt, .version)
    }

    func testProductStatusAsAWhole() {
        let item = InventoryItem(vendor: "Red Hat", product: "Red Hat Enterprise Linux 8", version: "8.10")
        let unaffected = AffectedProduct(vendor: "Red Hat", product: "Red Hat Enterprise Linux 8", status: .notAffected)
        XCTAssertEqual(InventoryMatcher.matches(for: [unaffected], in: [item]), [])
        let fixed = AffectedProduct(vendor: "Red Hat", product: "Red Hat Enterprise Linux 8", status: .fixed)
        XCTAssertEqual(InventoryMatcher.matches(for: [fixed], in: [item]), [])
        let affected = AffectedProduct(vendor: "Red Hat", product: "Red Hat Enterprise Linux 8", status: .affected)
        XCTAssertEqual(InventoryMatcher.matches(for: [affected], in: [item]).first?.confidence, .versionInRange)
        XCTAssertEqual(InventoryMatcher.matches(for: [affected], in: [InventoryItem(vendor: "Red Hat", product: "Red Hat Enterprise Linux 8")]).first?.confidence, .productOnly)
    }

    func testNameNormalisation() {
        let product = AffectedProduct(vendor: "MicroDicom", product: "DICOM Viewer", ranges: [VersionRange(version: "0", lessThan: "2024.2")])
        for (vendor, name) in [("microdicom", "dicom_viewer"), ("MICRODICOM", "Dicom-Viewer"), ("MicroDicom Ltd.", "DICOM  viewer"),
                               ("MicroDicom", "MicroDicom DICOM Viewer"), ("micro_dicom", "dicom.viewer")] {
            let item = InventoryItem(vendor: vendor, product: name, version: "2023.3")
            XCTAssertEqual(InventoryMatcher.matches(for: [product], in: [item]).first?.confidence, .versionInRange, "\(vendor) / \(name)")
        }
        XCTAssertEqual(InventoryMatcher.matches(for: [product], in: [InventoryItem(vendor: "RadiAnt", product: "DICOM Viewer", version: "2023.3")]), [],
                       "another vendor's product of the same name")
        XCTAssertEqual(InventoryMatcher.matches(for: [product], in: [InventoryItem(vendor: "MicroDicom", product: "DICOM Viewer Pro", version: "2023.3")]), [])
    }

    func testVendorRule() throws {
        let pacs = AffectedProduct(vendor: "Philips", product: "Vue PACS", ranges: [VersionRange(version: "0", lessThan: "12.2.8.410")])
        // No vendor on the item, and a name other vendors use: only product-only, whatever the version.
        let bare = try XCTUnwrap(InventoryMatcher.matches(for: [pacs], in: [InventoryItem(product: "Vue PACS", version: "12.2.1")]).first)
        XCTAssertEqual(bare.confidence, .productOnly)
        XCTAssertEqual(bare.basis, .productName)
        XCTAssertEqual(bare.doubt, .vendor)
        XCTAssertEqual(try bare.phrase(locale: "fr"), "concerne peut-être votre Vue PACS 12.2.1 (éditeur à vérifier)")
        // ...and no match at all when its version is outside the ranges.
        XCTAssertEqual(InventoryMatcher.matches(for: [pacs], in: [InventoryItem(product: "Vue PACS", version: "12.2.8.410")]), [])
        // The vendor written inside the product name confirms it.
        let named = try XCTUnwrap(InventoryMatcher.matches(for: [pacs], in: [InventoryItem(product: "Philips Vue PACS", version: "12.2.1")]).first)
        XCTAssertEqual(named.confidence, .versionInRange)
        XCTAssertEqual(named.basis, .vendorAndProduct)
        // A specific name (a model number and another distinctive word) is trusted without a vendor.
        let monitor = AffectedProduct(product: "IntelliBridge EC40", ranges: [VersionRange(version: "0", lessThan: "B.00.22")])
        let specific = try XCTUnwrap(InventoryMatcher.matches(for: [monitor], in: [InventoryItem(vendor: "Philips", product: "IntelliBridge EC40", version: "B.00.21")]).first)
        XCTAssertEqual(specific.confidence, .versionInRange)
        XCTAssertEqual(specific.basis, .productName)
        XCTAssertTrue(ProductNameKey.isSpecific(ProductNameKey.tokens("Windows Server 2019")))
        XCTAssertTrue(ProductNameKey.isSpecific(ProductNameKey.tokens("Baxter Connex Health")))
        XCTAssertFalse(ProductNameKey.isSpecific(ProductNameKey.tokens("DICOM Viewer")))
        XCTAssertFalse(ProductNameKey.isSpecific(ProductNameKey.tokens("OpenSSH")))
        XCTAssertFalse(ProductNameKey.isSpecific(ProductNameKey.tokens("Web Server 2019")))
    }

    func testVendorsWithLegalFormsAndFillerWords() {
        XCTAssertEqual(ProductNameMatch.compare(vendor: "Python Software Foundation", product: "CPython", with: "python", product: "cpython"), .confirmed)
        XCTAssertEqual(ProductNameMatch.compare(vendor: "HP Inc.", product: "HP Display Control", with: "HP", product: "Display Control"), .confirmed)
        XCTAssertEqual(ProductNameMatch.compare(vendor: "Red Hat", product: "openssh", with: "redhat", product: "openssh"), .confirmed)
        XCTAssertEqual(ProductNameMatch.compare(vendor: "Palo Alto Networks", product: "PAN-OS", with: "paloaltonetworks", product: "pan-os"), .confirmed)
        XCTAssertEqual(ProductNameMatch.compare(vendor: "Koninklijke Philips N.V.", product: "Vue PACS", with: "Philips", product: "Vue PACS"), .confirmed)
        XCTAssertEqual(ProductNameMatch.compare(vendor: "Jenkins Project", product: "Jenkins", with: "jenkins", product: "jenkins"), .confirmed)
        XCTAssertNil(ProductNameMatch.compare(vendor: "Fortinet", product: "FortiOS", with: "Fortinet", product: "FortiProxy"))
        XCTAssertNil(ProductNameMatch.compare(vendor: "n/a", product: "n/a", with: nil, product: "n/a"), "placeholders match nothing")
    }

    func testCPEOnlyItemsAndVersionedCPEs() throws {
        // The source gives only a CPE naming the affected version.
        let http = AffectedProduct(vendor: "ietf", product: "http", cpe: "cpe:2.3:a:ietf:http:2.0:*:*:*:*:*:*:*")
        let http2 = InventoryItem(product: "http", cpe: "cpe:2.3:a:ietf:http:2.0:*:*:*:*:*:*:*")
        let match = try XCTUnwrap(InventoryMatcher.matches(for: [http], in: [http2]).first)
        XCTAssertEqual(match.confidence, .versionInRange)
        XCTAssertEqual(match.basis, .cpe)
        let http11 = InventoryItem(product: "http", cpe: "cpe:2.3:a:ietf:http:1.1:*:*:*:*:*:*:*")
        XCTAssertEqual(InventoryMatcher.matches(for: [http], in: [http11]), [])
    }

    func testPackageURLIdentity() throws {
        let zk = AffectedProduct(vendor: "Apache Software Foundation", product: "Apache ZooKeeper",
                                 ranges: [VersionRange(version: "3.8.0", lessThanOrEqual: "3.8.3", versionType: "maven")],
                                 purl: "pkg:maven/org.apache.zookeeper/zookeeper")
        let item = InventoryItem(product: "zk", purl: "pkg:maven/org.apache.zookeeper/zookeeper@3.8.3?type=jar")
        let match = try XCTUnwrap(InventoryMatcher.matches(for: [zk], in: [item]).first)
        XCTAssertEqual(match.basis, .packageURL)
        XCTAssertEqual(match.confidence, .versionInRange)
        XCTAssertEqual(try match.phrase(locale: "en"), "concerns your zk 3.8.3")
    }

    func testVersionTextsAreReadWhenThereAreNoRanges() {
        let product = AffectedProduct(vendor: "Siemens", product: "SCALANCE W700", versions: ["vers:generic/>=1.0|<2.0"], status: .affected)
        XCTAssertEqual(InventoryMatcher.matches(for: [product], in: [InventoryItem(vendor: "Siemens", product: "Scalance W700", version: "1.4")]).first?.confidence, .versionInRange)
        XCTAssertEqual(InventoryMatcher.matches(for: [product], in: [InventoryItem(vendor: "Siemens", product: "Scalance W700", version: "2.0")]), [])
        let greater = AffectedProduct(vendor: "Siemens", product: "SCALANCE W700", versions: ["> 3.0"], status: .affected)
        XCTAssertEqual(InventoryMatcher.matches(for: [greater], in: [InventoryItem(vendor: "Siemens", product: "Scalance W700", version: "3.1")]).first?.confidence, .versionInRange)
        XCTAssertEqual(InventoryMatcher.matches(for: [greater], in: [InventoryItem(vendor: "Siemens", product: "Scalance W700", version: "3.0")]), [])
    }

    func testOneMatchPerItemAndInventoryOrder() {
        let products = [
            AffectedProduct(vendor: "Fortinet", product: "FortiOS", ranges: [VersionRange(version: "7.2.0", lessThanOrEqual: "7.2.6", versionType: "semver")]),
            AffectedProduct(vendor: "fortinet", product: "fortios", ranges: [VersionRange(version: "7.2.0", lessThan: "7.2.7", versionType: "custom")]),
        ]
        let items = [InventoryItem(vendor: "Acme", product: "Thing", version: "1"),
                     InventoryItem(vendor: "Fortinet", product: "FortiOS", version: "7.2.5"),
                     InventoryItem(vendor: "Fortinet", product: "FortiOS", version: "7.2.7")]
        let matches = InventoryMatcher.matches(for: products, in: items)
        XCTAssertEqual(matches.map(\.itemIndex), [1])
        XCTAssertEqual(matches.first?.productIndex, 0)
    }

    func testLargeInventoryIsFast() {
        let items = (0..<10_000).map { InventoryItem(vendor: "Vendor \($0 % 50)", product: "Product \($0)", version: "1.\($0 % 10)") }
        let products = (0..<200).map { AffectedProduct(vendor: "Vendor \($0 % 50)", product: "Product \($0 * 7)",
                                                        ranges: [VersionRange(version: "1.0", lessThan: "1.5")]) }
        let start = Date()
        let matches = InventoryMatcher.matches(for: products, in: items)
        // Product j is "Product 7j" of vendor j mod 50: items 0, 350, 700 and 1050 share both and run 1.0.
        XCTAssertEqual(matches.map(\.itemIndex), [0, 350, 700, 1050])
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
    }
}
