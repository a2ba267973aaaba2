import Foundation
@testable import TocsinCore
import TocsinTestSupport
import XCTest

final class StrictJSONDecoderTests: XCTestCase {
    private let minimalDraft = #"{"title":"x","severity":"high","tlp":"GREEN""#

    private func draft(_ json: String, decoder: StrictJSONDecoder = StrictJSONDecoder()) throws -> AlertDraft {
        try decoder.decode(AlertDraft.self, from: Data(json.utf8))
    }

    private func assertStrictError<T>(
        _ expression: @autoclosure () throws -> T, _ expected: StrictJSONError, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            XCTAssertEqual(error as? StrictJSONError, expected, "\(error)", file: file, line: line)
        }
    }

    private func assertDecodingError<T>(
        _ expression: @autoclosure () throws -> T, field: String, file: StaticString = #filePath, line: UInt = #line,
        _ check: (DecodingError) -> Bool = { _ in true }
    ) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            guard let decodingError = error as? DecodingError else { return XCTFail("not a DecodingError: \(error)", file: file, line: line) }
            XCTAssertEqual(decodingError.fieldAndReason.field, field, "\(decodingError)", file: file, line: line)
            XCTAssertTrue(check(decodingError), "\(decodingError)", file: file, line: line)
        }
    }

    private func syntaxOffset<T>(_ expression: @autoclosure () throws -> T) -> Int? {
        do {
            _ = try expression()
            return nil
        } catch StrictJSONError.syntax(let offset, _) {
            return offset
        } catch {
            return nil
        }
    }

    private func isTypeMismatch(_ error: DecodingError) -> Bool { if case .typeMismatch = error { true } else { false } }
    private func isDataCorrupted(_ error: DecodingError) -> Bool { if case .dataCorrupted = error { true } else { false } }
    private func isValueNotFound(_ error: DecodingError) -> Bool { if case .valueNotFound = error { true } else { false } }

    // MARK: Duplicate keys

    func testADuplicateTopLevelKeyIsRefusedWithItsPath() {
        XCTAssertThrowsError(try draft(#"{"title":"x","severity":"high","tlp":"RED","tlp":"CLEAR"}"#)) { error in
            XCTAssertEqual(error as? StrictJSONError, .duplicateKey(path: "tlp"))
            XCTAssertEqual((error as? StrictJSONError)?.field, "tlp")
            XCTAssertEqual("\(error)", "key 'tlp' appears twice")
        }
    }

    func testADuplicateKeyInsideAnArrayElementIsRefusedWithTheElementPath() {
        let json = minimalDraft + #","indicators":[{"type":"ipv4","value":"1.2.3.4"},{"type":"ipv4","value":"1.2.3.4","value":"5.6.7.8"}]}"#
        assertStrictError(try draft(json), .duplicateKey(path: "indicators[1].value"))
    }

    func testDuplicateKeysAreFoundInBigObjectsAndByCanonicalEquivalence() {
        let many = (0..<40).map { #""k\#($0)":"v""# }.joined(separator: ",")
        assertStrictError(try draft(minimalDraft + #","attributes":{\#(many),"k7":"again"}}"#), .duplicateKey(path: "attributes.k7"))
        // Swift string keys compare by canonical equivalence, so these two would collapse into one dictionary entry.
        assertStrictError(try draft(minimalDraft + #","attributes":{"caf\u00e9":"1","cafe\u0301":"2"}}"#), .duplicateKey(path: "attributes.cafe\u{301}"))
    }

    // MARK: Unknown keys

    func testAnUnknownTopLevelKeyIsRefusedAfterDecoding() {
        XCTAssertThrowsError(try draft(minimalDraft + #","region":"28"}"#)) { error in
            XCTAssertEqual(error as? StrictJSONError, .unknownKey(path: "region"))
            XCTAssertEqual((error as? StrictJSONError)?.field, "region")
            XCTAssertEqual("\(error)", "unknown key 'region'")
        }
    }

    func testAnUnknownNestedKeyIsRefusedWithItsPath() {
        let json = #"""
            {"id":"s1","orgId":"o1","channel":"webhook","target":"https://example.org/hook",
             "filter":{"minSeverty":"high","regions":["28"]},
             "createdAt":"2024-04-12T08:30:00Z","updatedAt":"2024-04-12T08:30:00.250Z"}
            """#
        assertStrictError(try StrictJSONDecoder().decode(Subscription.self, from: Data(json.utf8)), .unknownKey(path: "filter.minSeverty"))
        assertStrictError(try draft(minimalDraft + #","indicators":[{"type":"ipv4","value":"1.2.3.4","toIDs":true}]}"#),
                          .unknownKey(path: "indicators[0].toIDs"))
    }

    func testTheFirstUnknownKeyInDocumentOrderIsReported() {
        assertStrictError(try draft(#"{"zeta":1,"title":"x","severity":"high","tlp":"GREEN","alpha":2}"#), .unknownKey(path: "zeta"))
    }

    func testTypeErrorsComeBeforeUnknownKeysAndSyntaxBeforeBoth() {
        assertDecodingError(try draft(#"{"title":"x","severity":"high","tlp":"GREEN","extra":1,"cves":"CVE-2024-1"}"#), field: "cves")
        assertStrictError(try draft(#"{"title":5,"extra":1,"extra":2}"#), .duplicateKey(path: "extra"))
    }

    func testDictionaryFieldsAcceptAnyKey() throws {
        let decoded = try draft(minimalDraft + #","attributes":{"28":"Normandie","a.b":"dotted","":"empty"}}"#)
        XCTAssertEqual(decoded.attributes, ["28": "Normandie", "a.b": "dotted", "": "empty"])
        let counts = try StrictJSONDecoder().decode([String: Int].self, from: Data(#"{"1":1,"x":2}"#.utf8))
        XCTAssertEqual(counts, ["1": 1, "x": 2])
    }

    func testUnknownKeysPassWhenAllowedButDuplicatesStillFail() throws {
        let lenient = StrictJSONDecoder(refusesUnknownKeys: false)
        let decoded = try draft(minimalDraft + #","region":"28","indicators":[{"type":"md5","value":"x","extra":{}}]}"#, decoder: lenient)
        XCTAssertEqual(decoded.indicators.first?.value, "x")
        assertStrictError(try draft(minimalDraft + #","region":"28","region":"11"}"#, decoder: lenient), .duplicateKey(path: "region"))
    }

    // MARK: Types

    func testOptionalFieldsMayBeAbsentOrNull() throws {
        let absent = try draft(minimalDraft + "}")
        XCTAssertNil(absent.body)
        XCTAssertNil(absent.sourcePublishedAt)
        let null = try draft(minimalDraft + #","body":null,"sourcePublishedAt":null,"indicators":[{"type":"url","value":"v","toIds":null}]}"#)
        XCTAssertNil(null.body)
        XCTAssertNil(null.sourcePublishedAt)
        XCTAssertNil(null.indicators.first?.toIds)
    }

    func testWrongTypesGiveDecodingErrorsWithThePath() {
        assertDecodingError(try draft(#"{"title":5,"severity":"high","tlp":"GREEN"}"#), field: "title", isTypeMismatch)
        assertDecodingError(try draft(#"{"title":null,"severity":"high","tlp":"GREEN"}"#), field: "title", isValueNotFound)
        assertDecodingError(try draft(#"{"title":"x","tlp":"GREEN"}"#), field: "severity")
        assertDecodingError(try draft(#"{"title":"x","severity":"high","tlp":"BLUE"}"#), field: "tlp", isDataCorrupted)
        assertDecodingError(try draft(minimalDraft + #","knownExploited":"true"}"#), field: "knownExploited", isTypeMismatch)
        assertDecodingError(try draft(minimalDraft + #","knownExploited":1}"#), field: "knownExploited", isTypeMismatch)
        assertDecodingError(try draft(minimalDraft + #","indicators":[{"type":"ipv4","value":"1"},{"type":7,"value":"2"}]}"#),
                            field: "indicators[1].type", isTypeMismatch)
        assertDecodingError(try draft(minimalDraft + #","indicators":{"type":"ipv4"}}"#), field: "indicators", isTypeMismatch)
        assertDecodingError(try draft(minimalDraft + #","cvss":[{"version":"3.1","vector":"v","baseScore":"9.8","severity":"high"}]}"#),
                            field: "cvss[0].baseScore", isTypeMismatch)
        assertDecodingError(try draft("[]"), field: "", isTypeMismatch)
    }

    func testIntegersMustBeExactAndInRange() throws {
        let decoder = StrictJSONDecoder()
        func number<I: Decodable>(_ type: I.Type, _ text: String) throws -> I {
            try decoder.decode(Box<I>.self, from: Data(#"{"value":\#(text)}"#.utf8)).value
        }
        XCTAssertEqual(try number(Int.self, "-0"), 0)
        XCTAssertEqual(try number(Int.self, "1.0"), 1)
        XCTAssertEqual(try number(Int.self, "1e2"), 100)
        XCTAssertEqual(try number(Int.self, "12.50e1"), 125)
        XCTAssertEqual(try number(Int.self, "0e999999999999999999999"), 0)
        XCTAssertEqual(try number(Int8.self, "-128"), -128)
        XCTAssertEqual(try number(UInt64.self, "18446744073709551615"), .max)
        XCTAssertEqual(try number(Int64.self, "-9223372036854775808"), .min)
        assertDecodingError(try number(Int.self, "1.5"), field: "value", isTypeMismatch)
        assertDecodingError(try number(Int.self, "1e-1"), field: "value", isTypeMismatch)
        assertDecodingError(try number(Int.self, "1e400"), field: "value", isDataCorrupted)
        assertDecodingError(try number(Int.self, "9223372036854775808"), field: "value", isDataCorrupted)
        assertDecodingError(try number(Int8.self, "128"), field: "value", isDataCorrupted)
        assertDecodingError(try number(UInt.self, "-1"), field: "value", isDataCorrupted)
        assertDecodingError(try number(UInt8.self, "2.56e2"), field: "value", isDataCorrupted)
        assertDecodingError(try number(Int.self, #""1""#), field: "value", isTypeMismatch)
        assertDecodingError(try number(Int.self, "true"), field: "value", isTypeMismatch)
        assertDecodingError(try number(Int.self, "null"), field: "value", isValueNotFound)
    }

    func testFloatingPointNumbersThatOverflowAreRefused() throws {
        let decoder = StrictJSONDecoder()
        assertDecodingError(try decoder.decode(Box<Double>.self, from: Data(#"{"value":1e400}"#.utf8)), field: "value") { error in
            guard case .dataCorrupted(let context) = error else { return false }
            return context.debugDescription.contains("is out of range")
        }
        assertDecodingError(try decoder.decode(Box<Double>.self, from: Data(#"{"value":-1e309}"#.utf8)), field: "value", isDataCorrupted)
        assertDecodingError(try decoder.decode(Box<Float>.self, from: Data(#"{"value":1e39}"#.utf8)), field: "value", isDataCorrupted)
        XCTAssertEqual(try decoder.decode(Box<Double>.self, from: Data(#"{"value":-1e308}"#.utf8)).value, -1e308)
        XCTAssertEqual(try decoder.decode(Box<Double>.self, from: Data(#"{"value":1e-400}"#.utf8)).value, 0)
        XCTAssertEqual(try decoder.decode(Box<Double>.self, from: Data(#"{"value":7}"#.utf8)).value, 7)
        XCTAssertEqual(try decoder.decode(Box<Float>.self, from: Data(#"{"value":0.1}"#.utf8)).value, 0.1)
        assertDecodingError(try decoder.decode(Box<Double>.self, from: Data(#"{"value":"1"}"#.utf8)), field: "value", isTypeMismatch)
    }

    func testDatesAreReadAsRFC3339() throws {
        let decoded = try draft(minimalDraft + #","sourcePublishedAt":"2024-04-12T10:30:00+02:00","sourceUpdatedAt":"2024-04-12T08:30:00.250Z"}"#)
        XCTAssertEqual(decoded.sourcePublishedAt, Date(timeIntervalSince1970: 1_712_910_600))
        XCTAssertEqual(decoded.sourceUpdatedAt, Date(timeIntervalSince1970: 1_712_910_600.25))
        XCTAssertThrowsError(try draft(minimalDraft + #","sourcePublishedAt":"yesterday"}"#)) { error in
            let (field, reason) = (error as? DecodingError)?.fieldAndReason ?? ("", "")
            XCTAssertEqual(field, "sourcePublishedAt")
            XCTAssertEqual(reason, "'yesterday' is not an RFC 3339 date-time")
        }
        assertDecodingError(try draft(minimalDraft + #","sourcePublishedAt":1712910600}"#), field: "sourcePublishedAt", isTypeMismatch)
    }

    func testTheStrictDecoderReadsValidDraftsAsFoundationDoes() throws {
        let json = #"""
            {"title":"Rançongiciel LockBit","summary":"…","severity":"critical","tlp":"amber",
             "categories":["Ransomware"],"cves":["cve-2024-3400"],"regions":["28"],"knownExploited":true,
             "indicators":[{"type":"ipv4","value":"203.0.113.7","toIds":false,"comment":"C2"}],
             "affectedProducts":[{"vendor":"Palo Alto","product":"PAN-OS","versions":["< 10.2.9"],
               "ranges":[{"version":"10.2.0","lessThan":"10.2.9","versionType":"semver","status":"affected"}],"status":"affected"}],
             "references":[{"url":"https://example.org/a","title":"Bulletin"}],
             "cvss":[{"version":"3.1","vector":"CVSS:3.1/AV:N","baseScore":10.0,"severity":"critical","source":"NVD"}],
             "sourcePublishedAt":"2024-04-12T08:30:00Z","attributes":{"misp:event":"42"}}
            """#
        XCTAssertEqual(try draft(json), try TocsinJSON.decoder().decode(AlertDraft.self, from: Data(json.utf8)))
        XCTAssertEqual(try TocsinJSON.strictDecoder().decode(AlertDraft.self, from: Data(json.utf8)).cvss.first?.baseScore, 10)
    }

    func testNestedContainersAndSuperDecodersTrackKeysAndPaths() throws {
        let decoder = StrictJSONDecoder()
        let good = #"{"name":"n","outer":{"rows":[{"x":1},{"x":2}],"flag":null},"base":{"id":7},"super":{"id":8}}"#
        let decoded = try decoder.decode(Derived.self, from: Data(good.utf8))
        XCTAssertEqual(decoded.name, "n")
        XCTAssertEqual(decoded.rows, [1, 2])
        XCTAssertEqual(decoded.parentID, 7)
        XCTAssertEqual(decoded.id, 8)
        let badRow = #"{"name":"n","outer":{"rows":[{"x":1},{"x":"2"}]},"base":{"id":7},"super":{"id":8}}"#
        assertDecodingError(try decoder.decode(Derived.self, from: Data(badRow.utf8)), field: "outer.rows[1].x", isTypeMismatch)
        let extraInSuper = #"{"name":"n","outer":{"rows":[]},"base":{"id":7},"super":{"id":8,"ego":1}}"#
        assertStrictError(try decoder.decode(Derived.self, from: Data(extraInSuper.utf8)), .unknownKey(path: "super.ego"))
        let noBase = #"{"name":"n","outer":{"rows":[]},"super":{"id":8}}"#
        assertDecodingError(try decoder.decode(Derived.self, from: Data(noBase.utf8)), field: "base", isValueNotFound)
    }

    func testSetsNestedArraysAndEnumsWithIntRawValuesDecode() throws {
        let json = #"{"tags":["a","b"],"grid":[["x"],[],["y","z"]],"level":10,"numbers":[1,null,3]}"#
        let decoded = try StrictJSONDecoder().decode(Shapes.self, from: Data(json.utf8))
        XCTAssertEqual(decoded, Shapes(tags: ["a", "b"], grid: [["x"], [], ["y", "z"]], level: .high, numbers: [1, nil, 3]))
        assertDecodingError(try StrictJSONDecoder().decode(Shapes.self, from: Data(#"{"tags":[],"grid":[[1]],"level":1,"numbers":[]}"#.utf8)),
                            field: "grid[0][0]", isTypeMismatch)
        assertDecodingError(try StrictJSONDecoder().decode(Shapes.self, from: Data(#"{"tags":[],"grid":[],"level":2,"numbers":[]}"#.utf8)),
                            field: "level", isDataCorrupted)
    }

    // MARK: Syntax and limits

    func testNestingDeeperThanTheLimitIsRefused() throws {
        func nested(_ depth: Int) -> Data { Data((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8) }
        XCTAssertNoThrow(try StrictJSONDecoder().decode(AnyJSON.self, from: nested(64)))
        assertStrictError(try StrictJSONDecoder().decode(AnyJSON.self, from: nested(65)), .tooDeep(limit: 64, offset: 64))
        assertStrictError(try StrictJSONDecoder().decode(AnyJSON.self, from: nested(1_000_000)), .tooDeep(limit: 64, offset: 64))
        let objects = Data((String(repeating: #"{"a":"#, count: 4) + "1" + String(repeating: "}", count: 4)).utf8)
        assertStrictError(try StrictJSONDecoder(maximumDepth: 3).decode(AnyJSON.self, from: objects), .tooDeep(limit: 3, offset: 15))
    }

    func testInvalidUTF8IsRefused() {
        func bytes(_ prefix: String, _ bad: [UInt8], _ suffix: String = #""}"#) -> Data { Data(Array(prefix.utf8) + bad + Array(suffix.utf8)) }
        let prefix = #"{"title":""#
        for bad: [UInt8] in [[0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82]] {
            assertStrictError(try StrictJSONDecoder().decode(AlertDraft.self, from: bytes(prefix, bad)), .invalidUTF8(offset: 10))
        }
        assertStrictError(try StrictJSONDecoder().decode(AlertDraft.self, from: bytes(#"{"title":"x"}"#, [0xFF], "")), .invalidUTF8(offset: 13))
        assertStrictError(try StrictJSONDecoder().decode([Int].self, from: bytes("[1", [0xC3], "]")), .invalidUTF8(offset: 2))
        assertStrictError(try StrictJSONDecoder().decode([Int].self, from: bytes("[1", [0xC3, 0xA9], "]")),
                          .syntax(offset: 2, reason: "expected ',' or ']' in an array"))
        XCTAssertEqual(try StrictJSONDecoder().decode(String.self, from: bytes(#"""#, [0xF0, 0x9F, 0x98, 0x80], #"""#)), "😀")
    }

    func testLoneSurrogateEscapesAreRefused() {
        for escape in [#"\ud800"#, #"\udc00"#, #"\ud800\u0041"#, #"\ud800x"#, #"\uDBFF\uDBFF"#] {
            XCTAssertThrowsError(try StrictJSONDecoder().decode(String.self, from: Data("\"a\(escape)\"".utf8)), escape) { error in
                guard case .syntax(let offset, let reason)? = error as? StrictJSONError else { return XCTFail("\(error)") }
                XCTAssertEqual(offset, 2, escape)
                XCTAssertTrue(reason.contains("surrogate"), reason)
            }
        }
    }

    func testValidEscapesIncludingSurrogatePairsDecode() throws {
        let json = #""\"\\\/\b\f\n\r\t\u00e9\u00E9\ud83d\ude00\u0000 plain é""#
        XCTAssertEqual(try StrictJSONDecoder().decode(String.self, from: Data(json.utf8)), "\"\\/\u{8}\u{C}\n\r\té\u{E9}😀\u{0} plain é")
        for bad in [#""\x""#, #""\u12""#, #""\u12G4""#, "\"tab\there\"", #""unterminated"#] {
            XCTAssertNotNil(syntaxOffset(try StrictJSONDecoder().decode(String.self, from: Data(bad.utf8))), bad)
        }
    }

    func testTrailingDataIsRefusedButWhitespaceIsNot() throws {
        XCTAssertNoThrow(try draft(" \n\t" + minimalDraft + "} \r\n"))
        for json in [minimalDraft + "} x", minimalDraft + "}{}", minimalDraft + "}}", minimalDraft + "},"] {
            XCTAssertEqual(syntaxOffset(try draft(json)), minimalDraft.utf8.count + (json.hasSuffix(" x") ? 2 : 1), json)
        }
        XCTAssertNotNil(syntaxOffset(try StrictJSONDecoder().decode(Int.self, from: Data("1 2".utf8))))
        XCTAssertNotNil(syntaxOffset(try StrictJSONDecoder().decode(AnyJSON.self, from: Data([0xEF, 0xBB, 0xBF] + Array("{}".utf8)))))
    }

    func testNumbersFollowTheRFC8259Grammar() throws {
        for text in ["01", "-01", "00", "+1", ".5", "1.", "1e", "1e+", "-", "NaN", "Infinity", "-Infinity", "0x10", "1.e5", "--1"] {
            XCTAssertNotNil(syntaxOffset(try StrictJSONDecoder().decode(Double.self, from: Data(text.utf8))), text)
        }
        XCTAssertEqual(syntaxOffset(try StrictJSONDecoder().decode([Int].self, from: Data("[1,012]".utf8))), 3)
        for (text, value) in [("0", 0.0), ("-0.5", -0.5), ("1E3", 1000), ("2e-2", 0.02), ("10.25e+1", 102.5)] {
            XCTAssertEqual(try StrictJSONDecoder().decode(Double.self, from: Data(text.utf8)), value, text)
        }
    }

    func testEmptyAndTruncatedInputsAreRefused() {
        XCTAssertEqual(try? draft(""), nil)
        assertStrictError(try draft(""), .syntax(offset: 0, reason: "unexpected end of input"))
        assertStrictError(try draft("   "), .syntax(offset: 3, reason: "unexpected end of input"))
        for json in [minimalDraft, #"{"title""#, #"{"title":"#, "[1,", "tru", "nul", #"{"a" 1}"#, "{1:2}", "[1 2]"] {
            XCTAssertNotNil(syntaxOffset(try draft(json)), json)
        }
        XCTAssertEqual("\(StrictJSONError.syntax(offset: 4, reason: "invalid literal"))", "the body is not valid JSON: invalid literal at byte 4")
        XCTAssertNil(StrictJSONError.tooDeep(limit: 64, offset: 64).field)
    }

    func testALargeDocumentDecodesQuickly() throws {
        let indicators = (0..<12_000).map { Indicator(type: .sha256, value: String(repeating: "ab", count: 32) + "\($0)", comment: "n° \($0)") }
        let big = AlertDraft(title: "big", summary: "s", severity: .low, tlp: .clear, indicators: indicators,
                             attributes: Dictionary(uniqueKeysWithValues: (0..<2_000).map { ("key\($0)", "value \($0)") }))
        let data = try TocsinJSON.encoder().encode(big)
        XCTAssertGreaterThan(data.count, 1_000_000)
        let start = Date()
        let decoded = try StrictJSONDecoder().decode(AlertDraft.self, from: data)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(decoded, big)
        // Generous, so that a loaded CI machine does not fail it; a quadratic step would blow well past it.
        XCTAssertLessThan(elapsed, 5, "decoded \(data.count) bytes in \(elapsed) s")
    }

    // MARK: Round trip

    func testRandomValuesRoundTripThroughJSONEncoder() throws {
        var generator = SplitMix64(seed: 0x70C5_1A)
        let encoder = TocsinJSON.encoder()
        let decoder = StrictJSONDecoder()
        for round in 0..<200 {
            let value = Sample.random(using: &generator, depth: 0)
            let data = try encoder.encode(value)
            let decoded: Sample
            do {
                decoded = try decoder.decode(Sample.self, from: data)
            } catch {
                return XCTFail("round \(round): \(error) decoding \(String(decoding: data, as: UTF8.self))")
            }
            XCTAssertEqual(decoded, value, "round \(round): \(String(decoding: data, as: UTF8.self))")
        }
    }
}

// MARK: - Test types

private struct Box<Value: Decodable>: Decodable {
    var value: Value
}

private struct Shapes: Decodable, Equatable {
    enum Level: Int, Decodable { case low = 1, high = 10 }
    var tags: Set<String>
    var grid: [[String]]
    var level: Level
    var numbers: [Int?]
}

/// Any JSON value, decoded by trying each shape in turn as free-form content decoders do.
private enum AnyJSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([AnyJSON].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: AnyJSON].self))
        }
    }
}

private class Base: Decodable {
    let id: Int

    private enum CodingKeys: String, CodingKey { case id }

    required init(from decoder: any Decoder) throws {
        id = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .id)
    }
}

/// Reads through nested keyed and unkeyed containers, `superDecoder(forKey:)` and `superDecoder()`.
private final class Derived: Base {
    let name: String
    let rows: [Int]
    let parentID: Int

    private enum CodingKeys: String, CodingKey { case name, outer, base }
    private enum OuterKeys: String, CodingKey { case rows, flag }
    private enum RowKeys: String, CodingKey { case x }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        let outer = try container.nestedContainer(keyedBy: OuterKeys.self, forKey: .outer)
        _ = outer.contains(.flag)
        var list = try outer.nestedUnkeyedContainer(forKey: .rows)
        var rows: [Int] = []
        while !list.isAtEnd {
            rows.append(try list.nestedContainer(keyedBy: RowKeys.self).decode(Int.self, forKey: .x))
        }
        self.rows = rows
        parentID = try Base(from: container.superDecoder(forKey: .base)).id
        try super.init(from: container.superDecoder())
    }
}

/// A value with every shape the project's models use, for the round-trip test.
private struct Sample: Codable, Equatable {
    enum Colour: String, Codable, CaseIterable { case red, green, blue = "bleu" }
    enum Level: Int, Codable, CaseIterable { case low = 1, high = 10 }

    var text: String
    var count: Int
    var small: Int8
    var big: UInt64
    var ratio: Double
    var single: Float
    var flag: Bool
    var note: String?
    var colour: Colour
    var level: Level?
    var tags: Set<String>
    var grid: [[String]]
    var counts: [String: Int]
    var labels: [String: String]
    var when: Date
    var sometimes: [Int?]
    var children: [Sample]

    static func random(using generator: inout SplitMix64, depth: Int) -> Sample {
        func string() -> String {
            let pool: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\u{0}", "\u{1F}", "\n", "\u{7F}", "é", "\u{2028}", "\u{FFFF}", "😀", "中", "\u{301}"]
            return String(String.UnicodeScalarView((0..<Int.random(in: 0...10, using: &generator)).map { _ in pool.randomElement(using: &generator)! }))
        }
        func finite<F: BinaryFloatingPoint>(_ make: () -> F) -> F {
            while true { let value = make(); if value.isFinite { return value } }
        }
        return Sample(
            text: string(),
            count: Int.random(in: .min ... .max, using: &generator),
            small: Int8.random(in: .min ... .max, using: &generator),
            big: UInt64.random(in: .min ... .max, using: &generator),
            ratio: finite { Double(bitPattern: generator.next()) },
            single: finite { Float(bitPattern: UInt32(truncatingIfNeeded: generator.next())) },
            flag: Bool.random(using: &generator),
            note: Bool.random(using: &generator) ? string() : nil,
            colour: Colour.allCases.randomElement(using: &generator)!,
            level: Bool.random(using: &generator) ? Level.allCases.randomElement(using: &generator)! : nil,
            tags: Set((0..<Int.random(in: 0...4, using: &generator)).map { _ in string() }),
            grid: (0..<Int.random(in: 0...3, using: &generator)).map { _ in (0..<Int.random(in: 0...3, using: &generator)).map { _ in string() } },
            counts: Dictionary((0..<Int.random(in: 0...20, using: &generator)).map { _ in
                (Bool.random(using: &generator) ? String(Int.random(in: -5...30, using: &generator)) : string(), Int.random(in: -1000...1000, using: &generator))
            }, uniquingKeysWith: { first, _ in first }),
            labels: Dictionary((0..<Int.random(in: 0...3, using: &generator)).map { _ in (string(), string()) }, uniquingKeysWith: { first, _ in first }),
            when: Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800_000, using: &generator)) / 1000),
            sometimes: (0..<Int.random(in: 0...4, using: &generator)).map { _ in Bool.random(using: &generator) ? nil : Int.random(in: -9...9, using: &generator) },
            children: depth >= 3 ? [] : (0..<Int.random(in: 0...3, using: &generator)).map { _ in random(using: &generator, depth: depth + 1) }
        )
    }
}

