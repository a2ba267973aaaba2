import TocsinCore
import XCTest

@testable import TocsinEnrich

/// Behaviour of the public scoring API beyond the reference scores of the fixture walks.
final class CVSSScoringTests: XCTestCase {
    func testV31BaseOnlyHasNoTemporalOrEnvironmentalScore() throws {
        let result = try CVSS.score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H")
        XCTAssertEqual(result.version, .v3_1)
        XCTAssertEqual(result.baseScore, 9.6)
        XCTAssertNil(result.temporalScore)
        XCTAssertNil(result.environmentalScore)
        XCTAssertEqual(result.overallScore, 9.6)
    }

    func testV30WithTemporalAndEnvironmental() throws {
        // vectors_calculator3: (9.3, 8.9, 9.5), checked there against the FIRST calculator.
        let result = try CVSS.score(
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H"
        )
        XCTAssertEqual(result.version, .v3_0)
        XCTAssertEqual(result.baseScore, 9.3)
        XCTAssertEqual(result.temporalScore, 8.9)
        XCTAssertEqual(result.environmentalScore, 9.5)
        XCTAssertEqual(result.severity, .critical)
    }

    func testTemporalOnlyVectorHasNoEnvironmentalScore() throws {
        let result = try CVSS.score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C")
        XCTAssertEqual(result.baseScore, 9.8)
        XCTAssertEqual(result.temporalScore, 8.8)  // Roundup(9.8 × 0.94 × 0.95 × 1) = Roundup(8.7514)
        XCTAssertNil(result.environmentalScore)
    }

    func testNotDefinedMetricsDoNotCountAsPresent() throws {
        let result = try CVSS.score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/MAV:X")
        XCTAssertNil(result.temporalScore)
        XCTAssertNil(result.environmentalScore)
        XCTAssertEqual(result.vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    }

    func testNormalisedVectorIsInSpecificationOrderAndScoresTheSame() throws {
        let given = "CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X"
        let result = try CVSS.score(given)
        XCTAssertEqual(result.vector, "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F")
        XCTAssertEqual(result.baseScore, 3.8)
        XCTAssertEqual(result.temporalScore, 3.7)
        let again = try CVSS.score(result.vector)
        XCTAssertEqual(again, result)
    }

    func testV2WithAndWithoutParenthesesAndWhitespace() throws {
        let plain = try CVSS.score("AV:N/AC:L/Au:N/C:P/I:P/A:P")
        XCTAssertEqual(plain.version, .v2_0)
        XCTAssertEqual(plain.baseScore, 7.5)
        XCTAssertEqual(plain.vector, "AV:N/AC:L/Au:N/C:P/I:P/A:P")
        XCTAssertEqual(try CVSS.score("(AV:N/AC:L/Au:N/C:P/I:P/A:P)"), plain)
        XCTAssertEqual(try CVSS.score("  \n(AV:N/AC:L/Au:N/C:P/I:P/A:P)\t"), plain)
        XCTAssertNil(plain.nomenclature)
    }

    func testV2TemporalAndEnvironmentalFromTheGuide() throws {
        // "A Complete Guide to CVSS v2.0", section 3.3.1, CVE-2002-0392: base 7.8, temporal 6.4, environmental 9.2.
        let result = try CVSS.score("AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H")
        XCTAssertEqual(result.baseScore, 7.8)
        XCTAssertEqual(result.temporalScore, 6.4)
        XCTAssertEqual(result.environmentalScore, 9.2)
        XCTAssertEqual(result.severity, .high)
    }

    func testV4NomenclatureAndScoreOfTheVectorAsGiven() throws {
        let base = "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"
        // vectors_threat4 and vectors_security4.
        XCTAssertEqual(try CVSS.score(base).baseScore, 7.3)
        XCTAssertEqual(try CVSS.score(base).nomenclature, "CVSS-B")
        XCTAssertEqual(try CVSS.score(base + "/E:U").baseScore, 4.1)
        XCTAssertEqual(try CVSS.score(base + "/E:U").nomenclature, "CVSS-BT")
        XCTAssertEqual(try CVSS.score(base + "/CR:H/IR:H/AR:M").baseScore, 7.2)
        XCTAssertEqual(try CVSS.score(base + "/CR:H/IR:H/AR:M").nomenclature, "CVSS-BE")
        XCTAssertEqual(try CVSS.score(base + "/E:P/CR:L").nomenclature, "CVSS-BTE")
        // Supplemental metrics change neither the score nor the nomenclature.
        let supplemental = try CVSS.score(base + "/S:P/AU:Y/R:I/V:C/RE:H/U:Red")
        XCTAssertEqual(supplemental.baseScore, 7.3)
        XCTAssertEqual(supplemental.nomenclature, "CVSS-B")
        XCTAssertNil(supplemental.temporalScore)
        XCTAssertNil(supplemental.environmentalScore)
    }

    func testV4ModifiedSafetyImpact() throws {
        // MSI:S puts the vector in EQ4 level 0 (safety impact on the subsequent system).
        let vector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MSI:S"
        let parsed = try CVSS.parse(vector[...])
        XCTAssertEqual(CVSS4.macroVector(CVSS4.Effective(parsed)), [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try CVSS.score(vector).baseScore, 10.0)
    }

    func testV4OutOfOrderMetricsAreAcceptedAndReordered() throws {
        let result = try CVSS.score("CVSS:4.0/E:U/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N")
        XCTAssertEqual(result.vector, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U")
        XCTAssertEqual(result.baseScore, try CVSS.score(result.vector).baseScore)
    }

    func testLookupTableHasTheOfficial270Entries() {
        let table = CVSS4Lookup.macroVectorScores
        XCTAssertEqual(table.count, 270)
        // The sum of all entries of cvss_lookup.js, as a guard against an accidental edit.
        XCTAssertEqual(table.values.reduce(0, +), 1656.3, accuracy: 1e-9)
        for (key, score) in table {
            let digits = key.compactMap(\.wholeNumberValue)
            XCTAssertEqual(digits.count, 6, key)
            XCTAssertEqual(CVSS4Lookup.score(digits[0], digits[1], digits[2], digits[3], digits[4], digits[5]), score, key)
            XCTAssert((0...10).contains(score), key)
        }
        XCTAssertNil(CVSS4Lookup.score(0, 0, 2, 0, 0, 0))  // EQ3 = 2 implies EQ6 = 1
        XCTAssertNil(CVSS4Lookup.score(3, 0, 0, 0, 0, 0))
        XCTAssertEqual(CVSS4Lookup.score(0, 0, 0, 0, 0, 0), 10)
        XCTAssertEqual(CVSS4Lookup.score(2, 1, 2, 2, 2, 1), 0.1)
        XCTAssertEqual(CVSS4Lookup.score(1, 1, 2, 1, 1, 1), 2.6)
    }

    /// A lower MacroVector (one EQ level further down) never scores higher: a transcription slip in the table
    /// would most likely break this, and the interpolation relies on it.
    func testLookupTableDecreasesAlongEveryEquivalenceClass() {
        for (key, score) in CVSS4Lookup.macroVectorScores {
            let d = key.compactMap(\.wholeNumberValue)
            var lower = [
                CVSS4Lookup.score(d[0] + 1, d[1], d[2], d[3], d[4], d[5]),
                CVSS4Lookup.score(d[0], d[1] + 1, d[2], d[3], d[4], d[5]),
                CVSS4Lookup.score(d[0], d[1], d[2] + 1, d[3], d[4], d[5]),
                CVSS4Lookup.score(d[0], d[1], d[2], d[3] + 1, d[4], d[5]),
                CVSS4Lookup.score(d[0], d[1], d[2], d[3], d[4] + 1, d[5]),
            ]
            if d[2] < 2 { lower.append(CVSS4Lookup.score(d[0], d[1], d[2], d[3], d[4], d[5] + 1)) }
            for case let next? in lower {
                XCTAssertLessThanOrEqual(next, score, "a MacroVector below \(key) scores more than it")
            }
        }
    }

    func testRoundUpFunctions() {
        XCTAssertEqual(CVSS3.roundUp31(4.000000000000001), 4.0)  // v3.1 absorbs binary noise
        XCTAssertEqual(CVSS3.roundUp31(4.02), 4.1)
        XCTAssertEqual(CVSS3.roundUp31(4.0), 4.0)
        XCTAssertEqual(CVSS3.roundUp30(4.02), 4.1)
        XCTAssertEqual(CVSS3.roundUp30(4.0), 4.0)
    }

    func testCoreScoreFromVector() throws {
        let score = try CVSSScore(computing: "  CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ", source: "CISA-ADP")
        XCTAssertEqual(score, CVSSScore(
            version: "3.1",
            vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            baseScore: 9.8,
            severity: .critical,
            source: "CISA-ADP"
        ))
        let none = try CVSSScore(computing: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", source: nil)
        XCTAssertEqual(none.baseScore, 0)
        XCTAssertEqual(none.severity, .info)
        XCTAssertThrowsError(try CVSSScore(computing: "CVSS:3.1/AV:N", source: nil))
    }
}
