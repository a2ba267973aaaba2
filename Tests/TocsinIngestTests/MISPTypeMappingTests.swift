import XCTest
import TocsinCore
@testable import TocsinIngest
import TocsinTestSupport

final class MISPTypeMappingTests: XCTestCase {
    private func mapped(_ type: String, _ value: String) -> [String] {
        MISPTypeMapping.indicators(type: type, value: value).map { "\($0.kind.rawValue):\($0.value)" }
    }

    func testAddressesAreTypedByTheirForm() {
        XCTAssertEqual(mapped("ip-src", "198.51.100.1"), ["ipv4:198.51.100.1"])
        XCTAssertEqual(mapped("ip-dst", "2001:db8::10"), ["ipv6:2001:db8::10"])
        XCTAssertEqual(mapped("ip-dst", "203.0.113.0/24"), ["ipv4:203.0.113.0/24"])
        XCTAssertEqual(mapped("ip-dst", "198.51.100.1/32"), ["ipv4:198.51.100.1"])
        XCTAssertEqual(mapped("ip-src|port", "1.2.3.4|1234"), ["ipv4:1.2.3.4"])
        XCTAssertEqual(mapped("ip-dst|port", "2001:db8::1|443"), ["ipv6:2001:db8::1"])
        XCTAssertEqual(mapped("ip-dst", "not-an-address"), ["other:not-an-address"])
        XCTAssertEqual(MISPTypeMapping.indicators(type: "ip-dst", value: "not-an-address").first?.note, "ip-dst")
    }

    func testNamesAndLinks() {
        XCTAssertEqual(mapped("domain", "circl.lu"), ["domain:circl.lu"])
        XCTAssertEqual(mapped("hostname", "www.circl.lu"), ["domain:www.circl.lu"])
        XCTAssertEqual(mapped("domain|ip", "circl.lu|149.13.33.14"), ["domain:circl.lu", "ipv4:149.13.33.14"])
        XCTAssertEqual(mapped("hostname|port", "circl.lu|8443"), ["domain:circl.lu"])
        XCTAssertEqual(mapped("url", "https://vm.misp-project.org/latest/"), ["url:https://vm.misp-project.org/latest/"])
        XCTAssertEqual(mapped("uri", "https://vm.misp-project.org/latest/MISP_v2.4.155@ca03678.ova"), ["url:https://vm.misp-project.org/latest/MISP_v2.4.155@ca03678.ova"])
        XCTAssertEqual(mapped("uri", "/dp/B074WC4NHW/ref=gbps_img_m-9_62c3_750e6b35"), ["other:/dp/B074WC4NHW/ref=gbps_img_m-9_62c3_750e6b35"])
        XCTAssertEqual(mapped("link", "https://misp-project.org/download/"), [])
        XCTAssertTrue(MISPTypeMapping.isReference(type: "link"))
        for type in ["email", "email-src", "email-dst", "email-reply-to", "target-email", "whois-registrant-email"] {
            XCTAssertEqual(mapped(type, "src@email.test"), ["email:src@email.test"], type)
        }
    }

    func testHashesAndFiles() {
        XCTAssertEqual(mapped("md5", "b2a5abfeef9e36964281a31e17b57c97"), ["md5:b2a5abfeef9e36964281a31e17b57c97"])
        XCTAssertEqual(mapped("sha1", "2920d5e6c579fce772e5506caf03af65579088bd"), ["sha1:2920d5e6c579fce772e5506caf03af65579088bd"])
        XCTAssertEqual(mapped("sha256", "7fa3abc229fd3cb9a0a6f07d9da15e35528c630d0ad5902d5422b305cae7eaa4").first?.hasPrefix("sha256:"), true)
        XCTAssertEqual(mapped("sha512", String(repeating: "28", count: 64)).first?.hasPrefix("sha512:"), true)
        XCTAssertEqual(mapped("sha1", "tooshort"), ["other:tooshort"])
        XCTAssertEqual(mapped("filename", "test_file_name"), ["filename:test_file_name"])
        XCTAssertEqual(mapped("filename|md5", "filename1|b2a5abfeef9e36964281a31e17b57c97"), ["filename:filename1", "md5:b2a5abfeef9e36964281a31e17b57c97"])
        XCTAssertEqual(mapped("filename|imphash", "filename9|68f013d7437aa653a8a98a05807afeb1"), ["filename:filename9", "other:68f013d7437aa653a8a98a05807afeb1"])
        XCTAssertEqual(MISPTypeMapping.indicators(type: "filename|imphash", value: "f|68f013d7437aa653a8a98a05807afeb1").last?.note, "imphash")
        XCTAssertEqual(mapped("malware-sample", "oui|8764605c6f388c89096b534d33565802"), ["filename:oui", "md5:8764605c6f388c89096b534d33565802"])
        XCTAssertEqual(mapped("ssdeep", "96:QRWkwoBevsL0JsIQ3pq8dxbuTet7eU/uEzAfue9atn0JbIi:QRWktBe80JsIIq8dxKyPew0JbIi").first?.hasPrefix("other:"), true)
    }

    func testVulnerabilitiesAndTypesWithoutIndicator() {
        XCTAssertEqual(mapped("vulnerability", "CVE-2017-11774"), ["cve:CVE-2017-11774"])
        XCTAssertEqual(mapped("vulnerability", "MS17-010"), ["other:MS17-010"])
        for type in ["text", "comment", "other", "port", "datetime", "size-in-bytes", "yara", "snort", "sigma", "email-subject", "campaign-name"] {
            XCTAssertEqual(mapped(type, "anything"), [], type)
        }
        XCTAssertEqual(mapped("regkey", #"HKLM\Software\mthjk"#), [#"other:HKLM\Software\mthjk"#])
        XCTAssertEqual(mapped("domain", "  "), [])
    }

    /// misp-stix documents, for each MISP attribute type, an example attribute and the STIX 2.1 objects it exports
    /// it as. Both sides must give Tocsin the same indicators (leaving aside `other`, which only MISP names), except
    /// where the two deliberately differ.
    func testMISPAndSTIXReadingsOfTheMISPSTIXMappingAgree() throws {
        let document = try JSONSerialization.jsonObject(with: Fixtures.data("misp/misp-stix/misp_attributes_to_stix21.json")) as? [String: [String: Any]]
        let entries = try XCTUnwrap(document)
        XCTAssertEqual(entries.count, 80)
        let differences: [String: String] = [
            "link": "a MISP link is a reference to read, STIX exports it as a url observable",
            "filename|sha512/256": "misp-stix writes SHA-512/256 digests under 'SHA-256'",
            "sha512/256": "misp-stix writes SHA-512/256 digests under 'SHA-256'",
        ]
        var compared = 0
        for (type, entry) in entries.sorted(by: { $0.key < $1.key }) where differences[type] == nil {
            let misp = try XCTUnwrap(entry["MISP"] as? [String: Any], type)
            let value = try XCTUnwrap(misp["value"] as? String, type)
            let stixObjects = (entry["STIX"] as? [[String: Any]]) ?? [(entry["STIX"] as? [String: Any]) ?? [:]]
            let bundle = try JSONSerialization.data(withJSONObject: ["type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": stixObjects])
            let draft = try XCTUnwrap(STIXAdapter().parse(bundle, options: IngestOptions()).first?.draft, type)

            let fromMISP = MISPTypeMapping.indicators(type: type, value: value).filter { $0.kind != .other && $0.kind != .cve }
            XCTAssertEqual(Set(draft.indicators.filter { $0.type != .other }.map { "\($0.type.rawValue):\($0.value)" }),
                           Set(fromMISP.map { "\($0.kind.rawValue):\($0.value)" }), type)
            XCTAssertEqual(draft.cves, MISPTypeMapping.indicators(type: type, value: value).filter { $0.kind == .cve }.map(\.value), type)
            compared += 1
        }
        XCTAssertEqual(compared, 77)
    }
}
