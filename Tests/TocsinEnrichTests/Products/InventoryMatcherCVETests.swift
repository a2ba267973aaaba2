import Foundation
import TocsinCore
@testable import TocsinEnrich
import TocsinTestSupport
import XCTest

/// Inventory matching against the affected products of real CVE 5 records (CNA and CISA ADP containers), with the
/// expected outcome read from each record by hand.
final class InventoryMatcherCVETests: XCTestCase {
    private func confidence(_ file: String, _ item: InventoryItem, file path: StaticString = #filePath, line: UInt = #line) throws -> InventoryMatchConfidence? {
        let products = try ProductsCVEFixture.affectedProducts(file)
        let matches = InventoryMatcher.matches(for: products, in: [item])
        XCTAssertLessThanOrEqual(matches.count, 1, file: path, line: line)
        return matches.first?.confidence
    }

    // MARK: - Healthcare products

    func testSoftnetaMedDreamPACS() throws {
        // CVE-2023-39227: affected from 0 through " v7.2.8.810" (sic: leading space and v), default unaffected.
        let products = try ProductsCVEFixture.affectedProducts("CVE-2023-39227.json")
        XCTAssertEqual(products.first?.ranges.first?.lessThanOrEqual, " v7.2.8.810")
        func item(_ version: String) -> InventoryItem { InventoryItem(vendor: "Softneta", product: "MedDream PACS", version: version) }
        XCTAssertEqual(try confidence("CVE-2023-39227.json", item("7.2.8.810")), .versionInRange)
        XCTAssertEqual(try confidence("CVE-2023-39227.json", item("v6.8.3.751")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2023-39227.json", item("7.2.9.820")))
    }

    func testPhilipsVuePACS() throws {
        // CVE-2023-40159: affected from 0, less than 12.2.8.410; the ADP adds cpe:2.3:a:philips:vue_pacs:*.
        func item(_ version: String) -> InventoryItem { InventoryItem(vendor: "Philips", product: "Vue PACS", version: version, label: "PACS radiologie") }
        let matches = InventoryMatcher.matches(for: try ProductsCVEFixture.affectedProducts("CVE-2023-40159.json"), in: [item("12.2.8.400")])
        XCTAssertEqual(matches.first?.confidence, .versionInRange)
        XCTAssertEqual(matches.first?.range?.lessThan, "12.2.8.410")
        XCTAssertEqual(try matches.first?.phrase(locale: "fr"), "concerne votre Philips Vue PACS 12.2.8.400 (PACS radiologie)")
        XCTAssertNil(try confidence("CVE-2023-40159.json", item("12.2.8.410")), "the fixed version")
        XCTAssertNil(try confidence("CVE-2023-40159.json", item("12.3")))
        // Declared only by CPE: the ADP's CPE recognises it.
        let byCPE = InventoryItem(vendor: "philips", product: "vue pacs", cpe: "cpe:2.3:a:philips:vue_pacs:12.1.6.1:*:*:*:*:*:*:*")
        XCTAssertEqual(try confidence("CVE-2023-40159.json", byCPE), .versionInRange)
        let fixedByCPE = InventoryItem(product: "vue pacs", cpe: "cpe:2.3:a:philips:vue_pacs:12.2.8.410:*:*:*:*:*:*:*")
        XCTAssertNil(try confidence("CVE-2023-40159.json", fixedByCPE))
    }

    func testMicroDicomViewer() throws {
        // CVE-2024-28877: affected less than 2024.2.
        XCTAssertEqual(try confidence("CVE-2024-28877.json", InventoryItem(vendor: "MicroDicom", product: "DICOM Viewer", version: "2023.3")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-28877.json", InventoryItem(vendor: "MicroDicom", product: "DICOM Viewer", version: "2024.2")))
        // Without a vendor, "DICOM Viewer" could be anyone's: product-only.
        XCTAssertEqual(try confidence("CVE-2024-28877.json", InventoryItem(product: "DICOM Viewer", version: "2023.3")), .productOnly)
    }

    // MARK: - Version schemes on real records

    func testRPMUnaffectedFromAFixedBuildOnward() throws {
        // CVE-2024-6387, Red Hat Enterprise Linux 9: defaultStatus affected, unaffected from 0:8.7p1-38.el9_4.1 with
        // lessThan "*".
        let products = try ProductsCVEFixture.affectedProducts("CVE-2024-6387.json")
        let rhel9 = try XCTUnwrap(products.first { $0.product == "Red Hat Enterprise Linux 9" })
        XCTAssertEqual(rhel9.ranges, [VersionRange(version: "0:8.7p1-38.el9_4.1", lessThan: "*", versionType: "rpm", status: .notAffected)])
        XCTAssertEqual(rhel9.status, .affected)
        func item(_ version: String) -> InventoryItem { InventoryItem(vendor: "Red Hat", product: "Red Hat Enterprise Linux 9", version: version) }
        XCTAssertEqual(try confidence("CVE-2024-6387.json", item("8.7p1-10.el9")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-6387.json", item("8.7p1-38.el9_4.1")))
        XCTAssertNil(try confidence("CVE-2024-6387.json", item("0:8.7p1-43.el9")))
        // RHEL 8 is listed unaffected as a whole.
        XCTAssertNil(try confidence("CVE-2024-6387.json", InventoryItem(vendor: "Red Hat", product: "Red Hat Enterprise Linux 8", version: "8.10")))
        // Ceph Storage 6 is affected as a whole (defaultStatus affected, no versions).
        XCTAssertEqual(try confidence("CVE-2024-6387.json", InventoryItem(vendor: "Red Hat", product: "Red Hat Ceph Storage 6", version: "6.1")), .versionInRange)
    }

    func testUpstreamOpenSSHWithoutVendor() throws {
        // CVE-2024-6387 upstream entry: packageName OpenSSH, no vendor, affected 8.5p1 through 9.7p1.
        XCTAssertEqual(try confidence("CVE-2024-6387.json", InventoryItem(vendor: "OpenBSD", product: "OpenSSH", version: "9.6p1")), .productOnly,
                       "a one-word name without the vendor on the record's side stays product-only")
        XCTAssertNil(try confidence("CVE-2024-6387.json", InventoryItem(vendor: "OpenBSD", product: "OpenSSH", version: "9.8p1")))
        XCTAssertNil(try confidence("CVE-2024-6387.json", InventoryItem(product: "OpenSSH", version: "8.4p1")))
    }

    func testMavenJenkinsUnaffectedRanges() throws {
        // CVE-2024-23897: defaultStatus affected; unaffected below 1.606, from 2.442, and LTS 2.426.3+ and 2.440.1+.
        func item(_ version: String) -> InventoryItem { InventoryItem(vendor: "Jenkins", product: "Jenkins", version: version) }
        XCTAssertEqual(try confidence("CVE-2024-23897.json", item("2.441")), .versionInRange)
        XCTAssertEqual(try confidence("CVE-2024-23897.json", item("2.426.2")), .versionInRange)
        XCTAssertEqual(try confidence("CVE-2024-23897.json", item("1.606")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-23897.json", item("2.442")))
        XCTAssertNil(try confidence("CVE-2024-23897.json", item("2.426.3")))
        XCTAssertNil(try confidence("CVE-2024-23897.json", item("2.440.1")))
        XCTAssertNil(try confidence("CVE-2024-23897.json", item("1.605")))
    }

    func testMavenZooKeeperByPackageURL() throws {
        // CVE-2024-23944: org.apache.zookeeper:zookeeper 3.9.0–3.9.1, 3.8.0–3.8.3, 3.6.0–3.7.2.
        let sbom = try Inventory.fromCycloneDX(InventoryParsingTests.sbom)
        let products = try ProductsCVEFixture.affectedProducts("CVE-2024-23944.json")
        let matches = InventoryMatcher.matches(for: products, in: sbom)
        XCTAssertEqual(matches.map(\.item.product), ["zookeeper"])
        XCTAssertEqual(matches.first?.basis, .packageURL)
        XCTAssertEqual(matches.first?.confidence, .versionInRange)
        XCTAssertEqual(try matches.first?.phrase(locale: "en"), "concerns your zookeeper 3.8.3")
        XCTAssertNil(try confidence("CVE-2024-23944.json", InventoryItem(product: "zookeeper", purl: "pkg:maven/org.apache.zookeeper/zookeeper@3.8.4")))
        // By name, with the vendor written in the product.
        XCTAssertEqual(try confidence("CVE-2024-23944.json", InventoryItem(product: "Apache ZooKeeper", version: "3.7.2")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-23944.json", InventoryItem(product: "Apache ZooKeeper", version: "3.9.2")))
    }

    func testPythonBranchesOfCPython() throws {
        // CVE-2024-6232: several disjoint ranges, one per release branch, and 3.13.0a1 to 3.13.0rc2.
        func item(_ version: String) -> InventoryItem { InventoryItem(vendor: "Python", product: "CPython", version: version) }
        XCTAssertEqual(try confidence("CVE-2024-6232.json", item("3.12.5")), .versionInRange)
        XCTAssertEqual(try confidence("CVE-2024-6232.json", item("3.8.19")), .versionInRange)
        XCTAssertEqual(try confidence("CVE-2024-6232.json", item("3.13.0rc1")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-6232.json", item("3.12.6")))
        XCTAssertNil(try confidence("CVE-2024-6232.json", item("3.9.20")))
        XCTAssertNil(try confidence("CVE-2024-6232.json", item("3.13.0rc2")))
        XCTAssertNil(try confidence("CVE-2024-6232.json", item("3.13.0")))
    }

    func testGitAndCustomEntriesOfTheLinuxKernel() throws {
        // CVE-2024-46725: a git entry (commit ranges, no order) and a custom entry (defaultStatus affected,
        // unaffected 5.10.226–5.10.*, …, 6.1.109–6.1.*, …, and from 6.11).
        func item(_ version: String) -> InventoryItem { InventoryItem(vendor: "Linux", product: "Linux", version: version) }
        XCTAssertEqual(try confidence("CVE-2024-46725.json", item("6.1.100")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-46725.json", item("6.1.110")), "a stated fix wins over the undecidable git entry")
        XCTAssertNil(try confidence("CVE-2024-46725.json", item("6.12")))
        XCTAssertEqual(try confidence("CVE-2024-46725.json", InventoryItem(vendor: "Linux", product: "Linux")), .productOnly)
    }

    func testSemverFortinetCNAAndADP() throws {
        // CVE-2024-21762: FortiOS 7.2.0 through 7.2.6 (CNA), 7.2.0 below 7.2.7 (ADP, with cpe:2.3:o:fortinet:fortios).
        XCTAssertEqual(try confidence("CVE-2024-21762.json", InventoryItem(vendor: "Fortinet", product: "FortiOS", version: "7.2.6")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-21762.json", InventoryItem(vendor: "Fortinet", product: "FortiOS", version: "7.2.7")))
        XCTAssertNil(try confidence("CVE-2024-21762.json", InventoryItem(vendor: "Fortinet", product: "FortiOS", version: "7.4.3")))
        XCTAssertEqual(try confidence("CVE-2024-21762.json", InventoryItem(product: "fortios", cpe: "cpe:2.3:o:fortinet:fortios:6.2.15:*:*:*:*:*:*:*")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-21762.json", InventoryItem(vendor: "Fortinet", product: "FortiGate", version: "7.2.6")))
    }

    func testPanOSHotfixes() throws {
        // CVE-2024-3400: 10.2.0 below 10.2.9-h1, 11.1.0 below 11.1.2-h3; Cloud NGFW unaffected ("All").
        func item(_ version: String) -> InventoryItem { InventoryItem(vendor: "Palo Alto Networks", product: "PAN-OS", version: version) }
        XCTAssertEqual(try confidence("CVE-2024-3400.json", item("10.2.9")), .versionInRange)
        XCTAssertEqual(try confidence("CVE-2024-3400.json", item("11.1.2-h1")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-3400.json", item("10.2.9-h1")))
        XCTAssertNil(try confidence("CVE-2024-3400.json", item("11.1.2-h3")))
        XCTAssertNil(try confidence("CVE-2024-3400.json", item("9.1.17")))
        XCTAssertNil(try confidence("CVE-2024-3400.json", InventoryItem(vendor: "Palo Alto Networks", product: "Cloud NGFW", version: "1.0")))
    }

    func testWindowsCPEsCarryTheFixedBuild() throws {
        // CVE-2024-38063: Windows Server 2022 from 10.0.0 below 10.0.20348.2700, whose CPE names build 2700 itself.
        XCTAssertEqual(try confidence("CVE-2024-38063.json", InventoryItem(vendor: "Microsoft", product: "Windows Server 2022", version: "10.0.20348.2655")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-38063.json", InventoryItem(vendor: "Microsoft", product: "Windows Server 2022", version: "10.0.20348.2700")))
        let patched = InventoryItem(product: "windows server 2022", cpe: "cpe:2.3:o:microsoft:windows_server_2022:10.0.20348.2700:*:*:*:*:*:*:*")
        XCTAssertNil(try confidence("CVE-2024-38063.json", patched), "the range, not the CPE's version, decides")
    }

    func testUnspecifiedLowerBoundAndProseVersions() throws {
        // CVE-2024-9680: Firefox from "unspecified" below 131.0.2; Firefox ESR below 128.3.1 and below 115.16.1.
        XCTAssertEqual(try confidence("CVE-2024-9680.json", InventoryItem(vendor: "Mozilla", product: "Firefox", version: "131.0.1")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-9680.json", InventoryItem(vendor: "Mozilla", product: "Firefox", version: "131.0.2")))
        XCTAssertEqual(try confidence("CVE-2024-9680.json", InventoryItem(vendor: "Mozilla", product: "Firefox ESR", version: "115.16.0")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-9680.json", InventoryItem(vendor: "Mozilla", product: "Firefox ESR", version: "128.3.1")))
        // CVE-2024-40766: "7.0.1-5035 and older versions".
        XCTAssertEqual(try confidence("CVE-2024-40766.json", InventoryItem(vendor: "SonicWall", product: "SonicOS", version: "7.0.1-5035")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-40766.json", InventoryItem(vendor: "SonicWall", product: "SonicOS", version: "7.0.1-5051")))
        // CVE-2024-29080: "See HP Security Bulletin reference for affected versions.": the version cannot be told.
        XCTAssertEqual(try confidence("CVE-2024-29080.json", InventoryItem(vendor: "HP", product: "Display Control", version: "3.0")), .productOnly)
        // CVE-2024-1709: ScreenConnect through 23.9.7.
        XCTAssertEqual(try confidence("CVE-2024-1709.json", InventoryItem(vendor: "ConnectWise", product: "ScreenConnect", version: "23.9.7")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-1709.json", InventoryItem(vendor: "ConnectWise", product: "ScreenConnect", version: "23.9.8")))
    }

    func testOutsideEveryAffectedRangeDespiteDefaultAffected() throws {
        // CVE-2024-4577 (PHP) lists affected branches 8.1.*–8.1.29, 8.2.*–8.2.20, 8.3.*–8.3.8 with defaultStatus
        // affected; fixed releases must not match.
        func item(_ version: String) -> InventoryItem { InventoryItem(vendor: "PHP Group", product: "PHP", version: version) }
        XCTAssertEqual(try confidence("CVE-2024-4577.json", item("8.1.28")), .versionInRange)
        XCTAssertEqual(try confidence("CVE-2024-4577.json", item("8.3.7")), .versionInRange)
        XCTAssertNil(try confidence("CVE-2024-4577.json", item("8.3.8")))
        XCTAssertNil(try confidence("CVE-2024-4577.json", item("8.2.20")))
    }

    func testExactVersionsAndPlaceholders() throws {
        // CVE-2024-3094: xz 5.6.0 and 5.6.1 exactly, by packageName only (no vendor anywhere).
        XCTAssertEqual(try confidence("CVE-2024-3094.json", InventoryItem(product: "xz", version: "5.6.1")), .productOnly)
        XCTAssertNil(try confidence("CVE-2024-3094.json", InventoryItem(product: "xz", version: "5.4.6")))
        // CVE-2023-44487: the CNA's "n/a" product matches nothing; the ADP names cpe:2.3:a:ietf:http:2.0.
        XCTAssertNil(try confidence("CVE-2023-44487.json", InventoryItem(vendor: "n/a", product: "n/a", version: "1")))
        XCTAssertNil(try confidence("CVE-2023-44487.json", InventoryItem(vendor: "F5", product: "NGINX", version: "1.25.2")))
        XCTAssertEqual(try confidence("CVE-2023-44487.json", InventoryItem(vendor: "IETF", product: "HTTP", version: "2.0")), .versionInRange)
    }

    func testEveryRecordCanBeMatchedWithoutCrashing() throws {
        let inventory = try Inventory.fromCycloneDX(InventoryParsingTests.sbom) + [
            InventoryItem(vendor: "Linux", product: "Linux", version: "6.6.1"),
            InventoryItem(product: "Firefox", version: "115"),
            InventoryItem(vendor: "Red Hat", product: "Red Hat Enterprise Linux 9"),
        ]
        for url in try TocsinTestSupport.Fixtures.files(in: "cve/cvelistV5", extensions: [".json"]) {
            let products = try ProductsCVEFixture.affectedProducts(url.lastPathComponent)
            _ = InventoryMatcher.matches(for: products, in: inventory)
        }
    }
}
