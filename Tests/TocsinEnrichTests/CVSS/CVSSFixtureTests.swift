import Foundation
import TocsinTestSupport
import XCTest

@testable import TocsinEnrich

/// Every vector of the fixture corpus (`cvss/`) must score exactly what the reference implementation computed.
final class CVSSFixtureTests: XCTestCase {
    func testCVSS31BaseScoresTSV() throws {
        try walk("cvss/cvss31_base_scores.tsv", expecting: 2_592, header: true, separator: "\t") { vector, expected in
            compare(vector, try CVSS.score(vector).baseScore, expected)
        }
    }

    func testCVSS40ScoresTSV() throws {
        try walk("cvss/cvss40_scores.tsv", expecting: 1_694, header: true, separator: "\t") { vector, expected in
            compare(vector, try CVSS.score(vector).baseScore, expected)
        }
    }

    func testRedHatSimple2() throws {
        try walk("cvss/redhat-cvss/vectors_simple2.txt", expecting: 729) { vector, expected in
            let fields = tuple(expected)
            let result = try CVSS.score(vector)
            guard fields.count == 3, fields[1] == "None", fields[2] == "None" else { return "unexpected expectation" }
            return compare(vector, result.baseScore, fields[0])
                ?? (result.temporalScore == nil && result.environmentalScore == nil ? nil : "temporal/environmental set")
        }
    }

    func testRedHatCalculator3() throws {
        try walk("cvss/redhat-cvss/vectors_calculator3.txt", expecting: 2, check: checkV3)
    }

    func testRedHatCVSSLib3() throws {
        try walk("cvss/redhat-cvss/vectors_cvsslib3.txt", expecting: 29, check: checkV3)
    }

    func testRedHatSimple31() throws {
        try walk("cvss/redhat-cvss/vectors_simple31.txt", expecting: 2_592, check: checkV3)
    }

    func testRedHatSimple4() throws {
        try walk("cvss/redhat-cvss/vectors_simple4.txt", expecting: 1_058) { vector, expected in
            let fields = tuple(expected)
            guard fields.count == 1 else { return "unexpected expectation" }
            return compare(vector, try CVSS.score(vector).baseScore, fields[0])
        }
    }

    func testRedHatSecurity4() throws {
        try walk("cvss/redhat-cvss/vectors_security4.txt", expecting: 54, check: checkV4)
    }

    func testRedHatSupplemental4() throws {
        try walk("cvss/redhat-cvss/vectors_supplemental4.txt", expecting: 576, check: checkV4)
    }

    func testRedHatThreat4() throws {
        try walk("cvss/redhat-cvss/vectors_threat4.txt", expecting: 6, check: checkV4)
    }

    /// A file added to the folder must get its own walk above rather than be silently left out.
    func testEveryRedHatFileIsWalked() throws {
        let walked: Set = [
            "vectors_calculator3.txt", "vectors_cvsslib3.txt", "vectors_security4.txt", "vectors_simple2.txt",
            "vectors_simple31.txt", "vectors_simple4.txt", "vectors_supplemental4.txt", "vectors_threat4.txt",
        ]
        let present = Set(try Fixtures.files(in: "cvss/redhat-cvss").map(\.lastPathComponent))
        XCTAssertEqual(present, walked)
    }

    // MARK: - Helpers

    /// `VECTOR - (base, temporal, environmental)`, all three computed whether or not the vector has those metrics.
    private func checkV3(_ vector: String, _ expected: String) throws -> String? {
        let fields = tuple(expected)
        guard fields.count == 3 else { return "unexpected expectation" }
        let scores = CVSS3.scores(try CVSS.parse(vector[...]))
        let got = "(\(scores.base), \(scores.temporal), \(scores.environmental))"
        let matches = Double(fields[0]) == scores.base && Double(fields[1]) == scores.temporal
            && Double(fields[2]) == scores.environmental
        // The public result must agree with the full computation.
        let result = try CVSS.score(vector)
        guard result.baseScore == scores.base else { return "public base \(result.baseScore) differs" }
        return matches ? nil : "expected \(expected), got \(got)"
    }

    /// `VECTOR - score`.
    private func checkV4(_ vector: String, _ expected: String) throws -> String? {
        compare(vector, try CVSS.score(vector).baseScore, expected)
    }

    private func compare(_ vector: String, _ got: Double, _ expected: String) -> String? {
        guard let value = Double(expected) else { return "unreadable expectation \(expected)" }
        return value == got ? nil : "expected \(expected), got \(got)"
    }

    /// The fields of `(a, b, c)` or `(a,)`.
    private func tuple(_ text: String) -> [String] {
        text.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Runs `check` on every line of `path` (split into vector and expectation at `separator`), then fails once
    /// listing every mismatch, and fails if the number of vectors is not `expecting`.
    private func walk(
        _ path: String,
        expecting count: Int,
        header: Bool = false,
        separator: String = " - ",
        file: StaticString = #filePath,
        line: UInt = #line,
        check: (String, String) throws -> String?
    ) throws {
        let text = try XCTUnwrap(String(data: try Fixtures.data(path, file: file, line: line), encoding: .utf8))
        var lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        if header { lines.removeFirst() }
        var checked = 0
        var mismatches: [String] = []
        for entry in lines {
            guard let range = entry.range(of: separator, options: .backwards) else {
                mismatches.append("\(entry): no '\(separator)' separator")
                continue
            }
            let vector = String(entry[..<range.lowerBound])
            let expected = String(entry[range.upperBound...])
            checked += 1
            do {
                if let problem = try check(vector, expected) { mismatches.append("\(vector): \(problem)") }
            } catch {
                mismatches.append("\(vector): expected \(expected), threw \(error)")
            }
        }
        XCTAssertEqual(checked, count, "vectors checked in \(path)", file: file, line: line)
        XCTAssert(
            mismatches.isEmpty,
            "\(mismatches.count) of \(checked) vectors in \(path) mismatch:\n" + mismatches.joined(separator: "\n"),
            file: file, line: line
        )
        print("\(path): \(checked) vectors checked, \(mismatches.count) mismatches")
    }
}
