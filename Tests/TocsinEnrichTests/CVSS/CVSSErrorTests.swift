import TocsinEnrich
import XCTest

/// Malformed vectors are rejected with an error that says exactly what is wrong.
final class CVSSErrorTests: XCTestCase {
    private let v31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    private let v40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"

    func testEmpty() {
        assertThrows("", .empty)
        assertThrows(" \n\t ", .empty)
    }

    func testTooLong() {
        let vector = v31 + String(repeating: "/E:X", count: 300)
        assertThrows(vector, .tooLong(length: vector.utf8.count, limit: 1024))
    }

    func testUnknownPrefixOrVersion() {
        assertThrows("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .unknownVersion(prefix: "CVSS:3.2"))
        assertThrows("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", .unknownVersion(prefix: "CVSS:2.0"))
        assertThrows("cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .unknownVersion(prefix: "cvss:3.1"))
        assertThrows("CVSSv3/AV:N", .unknownVersion(prefix: "CVSSv3"))
        assertThrows("CVSS:/AV:N", .unknownVersion(prefix: "CVSS:"))
    }

    func testUnknownMetric() {
        assertThrows(v31 + "/XX:N", .unknownMetric("XX", version: .v3_1))
        // A v4-only metric in a v3.1 vector, and a v3 vector whose prefix was lost (read as v2.0).
        assertThrows(v31 + "/AT:N", .unknownMetric("AT", version: .v3_1))
        assertThrows("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .unknownMetric("PR", version: .v2_0))
        assertThrows(v40 + "/RL:O", .unknownMetric("RL", version: .v4_0))
    }

    func testInvalidValueNamesMetricAndValue() {
        assertThrows(
            "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            .invalidValue(metric: "AV", value: "Q", allowed: ["N", "A", "L", "P"])
        )
        assertThrows(
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:h/I:H/A:H",
            .invalidValue(metric: "C", value: "h", allowed: ["H", "L", "N"])
        )
        // Base metrics have no "not defined" value.
        assertThrows(
            "CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            .invalidValue(metric: "AV", value: "X", allowed: ["N", "A", "L", "P"])
        )
        // S (Safety) exists only for the modified subsequent-system metrics.
        assertThrows(
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",
            .invalidValue(metric: "SI", value: "S", allowed: ["H", "L", "N"])
        )
        assertThrows(
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:",
            .invalidValue(metric: "A", value: "", allowed: ["H", "L", "N"])
        )
        assertThrows(
            "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X",
            .invalidValue(metric: "E", value: "X", allowed: ["U", "POC", "F", "H", "ND"])
        )
        XCTAssertEqual(
            CVSSError.invalidValue(metric: "AV", value: "Q", allowed: ["N", "A", "L", "P"]).description,
            "'Q' is not a valid value for CVSS metric AV; expected one of N, A, L, P"
        )
    }

    func testDuplicatedMetric() {
        assertThrows(v31 + "/AV:N", .duplicateMetric("AV"))
        assertThrows(v31 + "/E:X/E:X", .duplicateMetric("E"))
        assertThrows("AV:N/AC:L/Au:N/C:P/I:P/A:P/A:C", .duplicateMetric("A"))
    }

    func testMissingMandatoryBaseMetricIsNamed() {
        assertThrows("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", .missingBaseMetrics(["S"], version: .v3_1))
        assertThrows(
            "CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
            .missingBaseMetrics(["AT", "SA"], version: .v4_0)
        )
        assertThrows("AV:N/AC:L/C:P/I:P/A:P", .missingBaseMetrics(["Au"], version: .v2_0))
        assertThrows("CVSS:3.0", .missingBaseMetrics(["AV", "AC", "PR", "UI", "S", "C", "I", "A"], version: .v3_0))
        XCTAssertEqual(
            CVSSError.missingBaseMetrics(["S"], version: .v3_1).description,
            "the CVSS v3.1 vector lacks the mandatory base metric S"
        )
    }

    func testEmptyComponent() {
        assertThrows("CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .emptyComponent(position: 2))
        assertThrows("CVSS:3.1//AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .emptyComponent(position: 1))
        assertThrows("/AV:N/AC:L/Au:N/C:P/I:P/A:P", .emptyComponent(position: 1))
    }

    func testMalformedComponent() {
        assertThrows("CVSS:3.1/AV:N/ACL/PR:N/UI:N/S:U/C:H/I:H/A:H", .malformedComponent("ACL", position: 2))
        assertThrows("CVSS:3.1/AV:N/:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .malformedComponent(":L", position: 2))
    }

    func testTrailingJunk() {
        assertThrows(v31 + "/", .trailingJunk("/"))
        assertThrows(v31 + " (CNA)", .trailingJunk("(CNA)"))
        assertThrows("(AV:N/AC:L/Au:N/C:P/I:P/A:P)x", .trailingJunk("x"))
        assertThrows(v40 + "\tscore 9.3", .trailingJunk("score 9.3"))
    }

    func testMisplacedCharacters() {
        assertThrows("CVSS:3.1/AV:N /AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", .unexpectedCharacter(" ", offset: 13))
        assertThrows("(AV:N/AC:L/Au:N/C:P/I:P/A:P", .unbalancedParenthesis)
    }

    func testErrorMessagesDoNotEchoHostileInput() {
        let hostile = String(repeating: "Z", count: 500) + ":N"
        do {
            _ = try CVSS.score("CVSS:3.1/" + hostile)
            XCTFail("accepted")
        } catch {
            XCTAssertLessThan(error.description.count, 200, error.description)
        }
        XCTAssertEqual(CVSSError.trailingJunk("a\u{1B}[31m").description, "unexpected text 'a\\u{1B}[31m' after the end of the CVSS vector")
    }

    private func assertThrows(_ vector: String, _ expected: CVSSError, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let result = try CVSS.score(vector)
            XCTFail("\(vector) scored \(result.baseScore) instead of throwing \(expected)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, expected, "\(vector): \(error)", file: file, line: line)
        }
    }
}
