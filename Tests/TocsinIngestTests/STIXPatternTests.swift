import XCTest
import TocsinCore
@testable import TocsinIngest

final class STIXPatternTests: XCTestCase {
    private func indicators(_ pattern: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Indicator] {
        try STIXPattern.parse(pattern).indicators(comment: nil, toIds: true)
    }

    private func assertRejected(_ pattern: String, containing fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try STIXPattern.parse(pattern)
            XCTFail("accepted malformed pattern \(pattern)", file: file, line: line)
        } catch {
            XCTAssertTrue(error.message.contains(fragment), "\(error) should mention \(fragment)", file: file, line: line)
        }
    }

    // MARK: Comparison forms

    func testIPv4SingleHostPrefixIsDropped() throws {
        XCTAssertEqual(try indicators("[ipv4-addr:value = '198.51.100.1/32']"), [Indicator(type: .ipv4, value: "198.51.100.1", toIds: true)])
    }

    func testIPv4NetworkKeepsItsPrefix() throws {
        XCTAssertEqual(try indicators("[ipv4-addr:value = '203.0.113.0/24']").map(\.value), ["203.0.113.0/24"])
    }

    func testIPv6() throws {
        let found = try indicators("[ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128']")
        XCTAssertEqual(found, [Indicator(type: .ipv6, value: "2001:0db8:dead:beef:dead:beef:dead:0001", toIds: true)])
        XCTAssertEqual(try indicators("[ipv6-addr:value = '2001:db8::/32']").map(\.type), [.ipv6])
    }

    func testDomainURLAndEmail() throws {
        XCTAssertEqual(try indicators("[domain-name:value = 'example.com']").map(\.type), [.domain])
        XCTAssertEqual(try indicators("[url:value = 'http://x4z9arb.cn/4712/']"), [Indicator(type: .url, value: "http://x4z9arb.cn/4712/", toIds: true)])
        XCTAssertEqual(try indicators("[email-addr:value = 'jdoe@example.com']"), [Indicator(type: .email, value: "jdoe@example.com", toIds: true)])
    }

    func testFileHashesAndName() throws {
        let sha256 = "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c"
        XCTAssertEqual(try indicators("[file:hashes.'SHA-256' = '\(sha256)']"), [Indicator(type: .sha256, value: sha256, toIds: true)])
        XCTAssertEqual(try indicators("[file:hashes.MD5 = '1717b7fff97d37a1e1a0029d83492de1']").map(\.type), [.md5])
        XCTAssertEqual(try indicators("[file:hashes.md5 = '001dd76872d80801692ff942308c64e6']").map(\.type), [.md5])
        XCTAssertEqual(try indicators("[file:hashes.'SHA-1' = 'c79a326f8411e9488bdc3779753e1e3489aaedea']").map(\.type), [.sha1])
        let sha512 = String(repeating: "ab", count: 64)
        XCTAssertEqual(try indicators("[file:hashes.'SHA-512' = '\(sha512)']").map(\.type), [.sha512])
        XCTAssertEqual(try indicators("[file:name = 'CBricksDoc']"), [Indicator(type: .filename, value: "CBricksDoc", toIds: true)])
    }

    func testHashOfTheWrongLengthIsKeptAsOther() throws {
        let found = try indicators("[file:hashes.MD5 = 'abc']")
        XCTAssertEqual(found.map(\.type), [.other])
        XCTAssertEqual(found.first?.comment, "file:hashes.MD5")
    }

    func testReferenceValuesAreTypedByTheirForm() throws {
        XCTAssertEqual(try indicators("[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '5.6.7.8']"),
                       [Indicator(type: .ipv4, value: "5.6.7.8", toIds: true)])
        XCTAssertEqual(try indicators("[email-message:from_ref.value = 'donald.duck@disney.com']").map(\.type), [.email])
        XCTAssertEqual(try indicators("[domain-name:value = 'circl.lu' AND domain-name:resolves_to_refs[*].value = '149.13.33.14']").map(\.type),
                       [.domain, .ipv4])
        XCTAssertEqual(try indicators("[email-message:body_multipart[*].body_raw_ref.name = 'invoice.exe']").map(\.type), [.filename])
    }

    func testPropertiesOutsideTheMappingGiveNoIndicator() throws {
        XCTAssertEqual(try indicators("[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b']"), [])
        XCTAssertEqual(try indicators("[x509-certificate:hashes.MD5 = '8764605c6f388c89096b534d33565802']"), [])
        XCTAssertEqual(try indicators("[autonomous-system:number = 174]"), [])
    }

    // MARK: Combinations

    func testOrAndAndCombinations() throws {
        let pattern = try STIXPattern.parse("[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '203.0.113.5' AND url:value = 'http://a.example/'] AND [domain-name:value = 'evil.example']")
        guard case .and(let observations) = pattern.expression, observations.count == 2,
              case .observation(.or(let alternatives)) = observations[0], alternatives.count == 2,
              case .and(let conjunction) = alternatives[1], conjunction.count == 2 else {
            return XCTFail("AND must bind tighter than OR: \(pattern.expression)")
        }
        XCTAssertEqual(pattern.indicators().map(\.value), ["198.51.100.1", "203.0.113.5", "http://a.example/", "evil.example"])
    }

    func testLongOrListFromThePoisonIvyReport() throws {
        let found = try indicators("[domain-name:value = 'nkr.iphone.qpoe.com' OR ipv4-addr:value = '180.210.206.96' OR ipv4-addr:value = '101.78.151.179']")
        XCTAssertEqual(found.map(\.type), [.domain, .ipv4, .ipv4])
    }

    func testObservationOperatorsAndQualifiers() throws {
        let pattern = try STIXPattern.parse("([file:hashes.MD5 = '1717b7fff97d37a1e1a0029d83492de1'] REPEATS 5 TIMES WITHIN 1800 SECONDS) FOLLOWEDBY [url:value = 'https://b.example/'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'")
        guard case .followedBy(let steps) = pattern.expression, steps.count == 2,
              case .qualified(.qualified(_, .repeats(times: 5)), .within(seconds: 1800)) = steps[0],
              case .qualified(_, .startStop(start: "2016-06-01T00:00:00Z", stop: "2016-07-01T00:00:00Z")) = steps[1] else {
            return XCTFail("unexpected tree \(pattern.expression)")
        }
        XCTAssertEqual(pattern.indicators().map(\.type), [.md5, .url])
    }

    func testSetMembershipGivesEveryMember() throws {
        XCTAssertEqual(try indicators("[ipv4-addr:value IN ('198.51.100.1', '198.51.100.2')]").map(\.value), ["198.51.100.1", "198.51.100.2"])
    }

    func testNegationsAndRegularExpressionsGiveNoIndicator() throws {
        XCTAssertEqual(try indicators("[ipv4-addr:value NOT = '198.51.100.1']"), [])
        XCTAssertEqual(try indicators("[ipv4-addr:value != '198.51.100.1']"), [])
        XCTAssertEqual(try indicators("[email-message:subject MATCHES '^[IMPORTANT] Please Review Before']"), [])
        XCTAssertEqual(try indicators("[url:value LIKE 'http://%.example/']"), [])
        let comparison = try STIXPattern.parse("[ipv4-addr:value NOT IN ('198.51.100.1')]").comparisons.first
        XCTAssertEqual(comparison?.negated, true)
        XCTAssertEqual(comparison?.op, .in)
    }

    func testOtherLiteralsAndOperators() throws {
        let comparisons = try STIXPattern.parse("[file:size >= 1024 AND file:size < 2.5 AND artifact:payload_bin = b'ZWNobw==' AND file:magic_number_hex = h'ffd8' AND EXISTS windows-registry-key:values AND user-account:is_admin == true AND file:created > t'2016-01-01T00:00:00Z']").comparisons
        XCTAssertEqual(comparisons.map(\.op), [.greaterOrEqual, .less, .equal, .equal, .exists, .equal, .greater])
        XCTAssertEqual(comparisons.map(\.value), [.integer(1024), .float(2.5), .binary("ZWNobw=="), .hex("ffd8"), nil, .boolean(true), .timestamp("2016-01-01T00:00:00Z")])
    }

    // MARK: Strings

    func testQuotedStringEscapes() throws {
        XCTAssertEqual(try indicators(#"[file:name = 'it\'s a \\ test.exe']"#).map(\.value), [#"it's a \ test.exe"#])
        // The MISP export of a regkey|value: JSON `\\\\%DATA\\\\%` is the pattern text `\\%DATA\\%`.
        let comparison = try STIXPattern.parse(#"[windows-registry-key:values.data = '\\%DATA\\%\\1234567890']"#).comparisons.first
        XCTAssertEqual(comparison?.value, .string(#"\%DATA\%\1234567890"#))
    }

    func testQuotedPropertyNamesAndIndexes() throws {
        let path = try STIXPattern.parse("[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'Mozilla' AND email-message:to_refs[0].value = 'a@b.example']").comparisons.map(\.path)
        XCTAssertEqual(path[0].properties, ["extensions", "http-request-ext", "request_header", "User-Agent"])
        XCTAssertEqual(path[1].components, [.property("to_refs"), .index(0), .property("value")])
        XCTAssertEqual(path[1].description, "email-message:to_refs[0].value")
    }

    func testWhitespaceAndKeywordCase() throws {
        XCTAssertEqual(try indicators("[ ipv4-addr:value = '10.0.0.0' ]").map(\.value), ["10.0.0.0"])
        XCTAssertEqual(try indicators("[ipv4-addr:value = '10.0.0.1' or ipv4-addr:value = '10.0.0.2']").count, 2)
    }

    // MARK: Malformed patterns

    func testMalformedPatternsAreRejectedWithAClearError() {
        assertRejected("", containing: "empty")
        assertRejected("ipv4-addr:value = '1.2.3.4'", containing: "expected '[' opening an observation")
        assertRejected("[ipv4-addr:value = '1.2.3.4'", containing: "expected ']' closing the observation")
        assertRejected("[ipv4-addr:value = '1.2.3.4]", containing: "not closed")
        assertRejected("[ipv4-addr:value '1.2.3.4']", containing: "expected a comparison operator")
        assertRejected("[ipv4-addr = '1.2.3.4']", containing: "expected ':' after the object type")
        assertRejected(#"[file:name = 'a\x']"#, containing: "invalid escape")
        assertRejected("[file:name = 'a'] AND", containing: "expected '[' opening an observation, found the end of the pattern")
        assertRejected("[file:name = 'a'] WITHIN -5 SECONDS", containing: "WITHIN needs a positive number")
        assertRejected("[file:name MATCHES 5]", containing: "a quoted string after MATCHES")
        assertRejected("[file:name = 'a' ; file:size = 1]", containing: "unexpected character ';'")
        assertRejected(String(repeating: "(", count: 40) + "[file:name = 'a']" + String(repeating: ")", count: 40), containing: "nests deeper")
        assertRejected("[file:name = 'a'] [file:name = 'b']", containing: "expected the end of the pattern")
        // The sigma rule misp-stix exports with pattern_type "sigma" is not STIX patterning.
        assertRejected("[title: Ps.exe Renamed SysInternals Tool]", containing: "expected a comparison operator after title:Ps.exe")
    }

    func testErrorCarriesTheOffset() {
        do {
            _ = try STIXPattern.parse("[ipv4-addr:value = '1.2.3.4' AND ]")
            XCTFail("accepted")
        } catch {
            XCTAssertEqual(error.offset, 33)
            XCTAssertEqual(error.description, "expected an object path such as ipv4-addr:value, found ']' (at character 33)")
        }
    }
}
