import Foundation
@testable import TocsinEnrich
import XCTest

final class InventoryParsingTests: XCTestCase {
    private func assertInventoryError<T>(
        _ expression: @autoclosure () throws -> T, path: String, contains fragment: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            guard let error = error as? InventoryError else { return XCTFail("not an InventoryError: \(error)", file: file, line: line) }
            XCTAssertEqual(error.path, path, file: file, line: line)
            XCTAssertTrue(error.message.contains(fragment), "\(error.message) should mention \(fragment)", file: file, line: line)
        }
    }

    // MARK: - CPE lists

    func testCPEListOneNamePerLine() throws {
        let text = """
        # Bloc opératoire
        cpe:2.3:a:philips:vue_pacs:12.2.8.400:*:*:*:*:*:*:*

        cpe:/o:redhat:enterprise_linux:9
        cpe:2.3:a:microdicom:dicom_viewer:*:*:*:*:*:*:*:*
        """
        let items = try Inventory.fromCPEList(text)
        XCTAssertEqual(items.count, 3)
        XCTAssertEqual(items[0], InventoryItem(vendor: "philips", product: "vue pacs", version: "12.2.8.400",
                                               cpe: "cpe:2.3:a:philips:vue_pacs:12.2.8.400:*:*:*:*:*:*:*"))
        XCTAssertEqual(items[1].cpe, "cpe:2.3:o:redhat:enterprise_linux:9:*:*:*:*:*:*:*", "2.2 URIs are stored as 2.3")
        XCTAssertEqual(items[1].version, "9")
        XCTAssertNil(items[2].version, "ANY is an unknown version")
    }

    func testCPEListErrorsNameTheLine() {
        assertInventoryError(try Inventory.fromCPEList("cpe:2.3:a:v:p:1:*:*:*:*:*:*:*\n\ncpe:2.3:a:v"),
                             path: "line 3", contains: "11 attributes")
        assertInventoryError(try Inventory.fromCPEList(["cpe:2.3:a:v:p:1:*:*:*:*:*:*:*", "cpe:2.3:a:v:*:1:*:*:*:*:*:*:*"]),
                             path: "[1]", contains: "names no product")
        assertInventoryError(try Inventory.fromCPEList("cpe:2.3:a:v:p:*:*:*:*:*:*:*:*\ncpe:2.3:a:w:p:*:*:*:*:*:*:*:*",
                                                       limits: InventoryLimits(maximumItems: 1)),
                             path: "line 2", contains: "more than 1 items")
    }

    // MARK: - Triples

    func testTriples() throws {
        let json = Data("""
        [
          {"vendor": "Philips", "product": "IntelliBridge EC40", "version": "B.00.21", "label": "Réanimation lit 4"},
          {"vendor": "MicroDicom", "product": "DICOM Viewer", "version": 2023},
          {"product": "OpenSSH", "version": null, "comment": "ignored"},
          {"cpe": "cpe:2.3:a:philips:vue_pacs:12.2.8.400:*:*:*:*:*:*:*"},
          {"purl": "pkg:maven/org.apache.zookeeper/zookeeper@3.9.1"}
        ]
        """.utf8)
        let items = try Inventory.fromTriples(json)
        XCTAssertEqual(items.count, 5)
        XCTAssertEqual(items[0], InventoryItem(vendor: "Philips", product: "IntelliBridge EC40", version: "B.00.21",
                                               label: "Réanimation lit 4"))
        XCTAssertEqual(items[1].version, "2023", "a numeric version is read as text")
        XCTAssertNil(items[2].version)
        XCTAssertEqual(items[3].product, "vue pacs")
        XCTAssertEqual(items[3].vendor, "philips")
        XCTAssertEqual(items[3].effectiveVersion, "12.2.8.400")
        XCTAssertEqual(items[4].product, "zookeeper")
        XCTAssertEqual(items[4].effectiveVersion, "3.9.1")
    }

    func testTripleErrorsNameTheIndexAndField() {
        assertInventoryError(try Inventory.fromTriples(Data("{}".utf8)), path: "", contains: "JSON array")
        assertInventoryError(try Inventory.fromTriples(Data("[{\"product\": \"A\"}, 3]".utf8)), path: "[1]", contains: "object")
        assertInventoryError(try Inventory.fromTriples(Data("[{\"vendor\": \"Philips\"}]".utf8)), path: "[0].product", contains: "required")
        assertInventoryError(try Inventory.fromTriples(Data("[{\"product\": \"A\"}, {\"product\": [\"B\"]}]".utf8)),
                             path: "[1].product", contains: "string")
        let long = String(repeating: "x", count: 600)
        assertInventoryError(try Inventory.fromTriples(Data("[{\"product\": \"A\"}, {}, {\"product\": \"C\", \"vendor\": \"\(long)\"}]".utf8)),
                             path: "[1].product", contains: "required")
        assertInventoryError(try Inventory.fromTriples(Data("[{\"product\": \"C\", \"vendor\": \"\(long)\"}]".utf8)),
                             path: "[0].vendor", contains: "at most 512")
        assertInventoryError(try Inventory.fromTriples(Data("[{\"product\": \"A\\u0007B\"}]".utf8)),
                             path: "[0].product", contains: "control")
        assertInventoryError(try Inventory.fromTriples(Data("[{\"product\": \"A\", \"cpe\": \"cpe:2.3:a:v\"}]".utf8)),
                             path: "[0].cpe", contains: "11 attributes")
        assertInventoryError(try Inventory.fromTriples(Data("[{\"product\": \"A\", \"purl\": \"maven/x/y\"}]".utf8)),
                             path: "[0].purl", contains: "package URL")
        assertInventoryError(try Inventory.fromTriples(Data("[{\"product\": \"A\"".utf8)), path: "", contains: "not valid JSON")
        assertInventoryError(try Inventory.fromTriples(Data()), path: "", contains: "empty")
        let many = "[" + Array(repeating: "{\"product\": \"A\"}", count: 4).joined(separator: ",") + "]"
        assertInventoryError(try Inventory.fromTriples(Data(many.utf8), limits: InventoryLimits(maximumItems: 3)),
                             path: "", contains: "more than 3 items")
        assertInventoryError(try Inventory.fromTriples(Data("[]".utf8), limits: InventoryLimits(maximumBytes: 1)),
                             path: "", contains: "at most 1")
    }

    func testNestingBombIsRefusedWithoutCrashing() {
        let bomb = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try Inventory.fromTriples(Data(bomb.utf8)))
        XCTAssertThrowsError(try Inventory.fromCycloneDX(Data(("{\"components\": " + bomb + "}").utf8)))
    }

    func testTenThousandTriplesAreAccepted() throws {
        let many = "[" + (0..<10_000).map { "{\"vendor\": \"V\($0 % 7)\", \"product\": \"P\($0)\", \"version\": \"1.\($0)\"}" }
            .joined(separator: ",") + "]"
        XCTAssertEqual(try Inventory.fromTriples(Data(many.utf8)).count, 10_000)
    }

    // MARK: - CycloneDX

    /// A hospital device's SBOM as a manufacturer might publish it (CycloneDX 1.6: `manufacturer`), with nested
    /// components, a duplicate and a file entry.
    static let sbom = Data("""
    {
      "bomFormat": "CycloneDX",
      "specVersion": "1.6",
      "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
      "version": 1,
      "metadata": {
        "component": {
          "type": "device", "bom-ref": "device", "name": "IntelliBridge EC40", "version": "B.00.21",
          "manufacturer": {"name": "Philips"}
        }
      },
      "components": [
        {
          "type": "firmware", "name": "EC40 base image", "version": "B.00.21",
          "supplier": {"name": "Philips"},
          "components": [
            {
              "type": "library", "name": "openssl", "version": "3.0.13", "publisher": "OpenSSL Software Foundation",
              "cpe": "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*", "purl": "pkg:generic/openssl@3.0.13"
            },
            {
              "type": "library", "group": "org.apache.zookeeper", "name": "zookeeper", "version": "3.8.3",
              "purl": "pkg:maven/org.apache.zookeeper/zookeeper@3.8.3"
            }
          ]
        },
        {
          "type": "library", "group": "org.apache.zookeeper", "name": "zookeeper", "version": "3.8.3",
          "purl": "pkg:maven/org.apache.zookeeper/zookeeper@3.8.3"
        },
        {"type": "file", "name": "config.xml"},
        {"type": "application", "name": "Vue PACS", "version": "12.2.8.400", "supplier": {"name": "Philips"}}
      ]
    }
    """.utf8)

    func testCycloneDXComponentsAreReadRecursively() throws {
        let items = try Inventory.fromCycloneDX(Self.sbom)
        XCTAssertEqual(items.map(\.product), ["IntelliBridge EC40", "EC40 base image", "openssl", "zookeeper", "Vue PACS"],
                       "the device first, nested components in order, the duplicate and the file skipped")
        XCTAssertEqual(items[0], InventoryItem(vendor: "Philips", product: "IntelliBridge EC40", version: "B.00.21"))
        XCTAssertEqual(items[2].vendor, "OpenSSL Software Foundation", "publisher when no supplier")
        XCTAssertEqual(items[2].cpe, "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*")
        XCTAssertNil(items[3].vendor, "a group is a namespace, not a vendor")
        XCTAssertEqual(items[3].purl, "pkg:maven/org.apache.zookeeper/zookeeper@3.8.3")
        XCTAssertEqual(items[4].vendor, "Philips")
    }

    func testCycloneDXErrorsNameTheComponent() {
        func sbom(_ components: String, spec: String = "1.5") -> Data {
            Data("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"\(spec)\", \"components\": \(components)}".utf8)
        }
        assertInventoryError(try Inventory.fromCycloneDX(sbom("[{\"name\": \"a\"}, {\"name\": \"b\", \"components\": [{\"name\": \"c\", \"cpe\": \"cpe:2.3:a:x\"}]}]")),
                             path: "components[1].components[0].cpe", contains: "11 attributes")
        assertInventoryError(try Inventory.fromCycloneDX(sbom("[{\"version\": \"1.0\"}]")),
                             path: "components[0].product", contains: "required")
        assertInventoryError(try Inventory.fromCycloneDX(sbom("[{\"name\": \"a\", \"supplier\": \"Philips\"}]")),
                             path: "components[0].supplier", contains: "object")
        assertInventoryError(try Inventory.fromCycloneDX(sbom("[{\"name\": \"a\", \"supplier\": {\"name\": 4}}]")),
                             path: "components[0].supplier.name", contains: "string")
        assertInventoryError(try Inventory.fromCycloneDX(sbom("{}")), path: "components", contains: "array")
        assertInventoryError(try Inventory.fromCycloneDX(sbom("[]", spec: "2.0")), path: "specVersion", contains: "1.4 to 1.6")
        assertInventoryError(try Inventory.fromCycloneDX(Data("{\"bomFormat\": \"SPDX\"}".utf8)), path: "bomFormat", contains: "CycloneDX")
        assertInventoryError(try Inventory.fromCycloneDX(Data("{\"spdxVersion\": \"SPDX-2.3\"}".utf8)), path: "bomFormat", contains: "missing")
        assertInventoryError(try Inventory.fromCycloneDX(Data("[]".utf8)), path: "", contains: "CycloneDX JSON object")
        // Nesting bomb: bounded depth.
        var nested = "{\"name\": \"leaf\"}"
        for _ in 0..<5 { nested = "{\"name\": \"n\", \"components\": [\(nested)]}" }
        assertInventoryError(try Inventory.fromCycloneDX(sbom("[\(nested)]"), limits: InventoryLimits(maximumDepth: 3)),
                             path: "components[0].components[0].components[0].components[0]", contains: "deeper than 3")
        let many = "[" + (0..<5).map { "{\"name\": \"c\($0)\"}" }.joined(separator: ",") + "]"
        assertInventoryError(try Inventory.fromCycloneDX(sbom(many), limits: InventoryLimits(maximumItems: 4)),
                             path: "components[4]", contains: "more than 4 items")
    }
}
