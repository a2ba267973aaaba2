import TocsinCore
import TocsinEnrich
import XCTest

final class IOCEvaluationTests: XCTestCase {
    func testScoresPerKindAndOverall() {
        let cases = [
            IOCEvaluationCase(id: "a", text: "one", expected: [.domain: ["Evil.com", "b.com"], .ipv4: ["1.2.3.4"]]),
            IOCEvaluationCase(id: "b", text: "two", expected: [:]),
        ]
        let answers: [String: [Indicator]] = [
            "one": [Indicator(type: .domain, value: "evil.com"), Indicator(type: .ipv4, value: "1.2.3.4"),
                    Indicator(type: .md5, value: "ignored: kind not evaluated")],
            "two": [Indicator(type: .domain, value: "spurious.com")],
        ]
        let evaluation = IOCEvaluation(cases: cases, kinds: [.domain, .ipv4], extract: { answers[$0] ?? [] })
        XCTAssertEqual(evaluation.kinds, [.ipv4, .domain])
        XCTAssertEqual(evaluation.perKind[.domain], IOCEvaluation.Score(truePositives: 1, falsePositives: 1, falseNegatives: 1))
        XCTAssertEqual(evaluation.perKind[.ipv4]?.precision, 1)
        XCTAssertEqual(evaluation.overall.truePositives, 2)
        XCTAssertEqual(evaluation.overall.precision, 2.0 / 3.0, accuracy: 1e-9)
        XCTAssertEqual(evaluation.overall.recall, 2.0 / 3.0, accuracy: 1e-9)
        XCTAssertEqual(evaluation.failures, [
            IOCEvaluation.Failure(caseID: "a", kind: .domain, value: "b.com", reason: .missed),
            IOCEvaluation.Failure(caseID: "b", kind: .domain, value: "spurious.com", reason: .spurious),
        ])
        let report = evaluation.report()
        XCTAssertTrue(report.contains("domain       1     1     1      50.0%    50.0%"), report)
        XCTAssertTrue(report.contains("overall      2     1     1      66.7%    66.7%"), report)
        XCTAssertTrue(report.contains("missed domain b.com [a]"), report)
    }

    func testEmptyScoresArePerfect() {
        let score = IOCEvaluation.Score()
        XCTAssertEqual(score.precision, 1)
        XCTAssertEqual(score.recall, 1)
    }

    func testNormalisation() {
        XCTAssertEqual(IOCNormalization.normalized("Evil[.]COM.", as: .domain), "evil.com")
        XCTAssertEqual(IOCNormalization.normalized("2001:0DB8:0000:0000:0000:FF00:0042:8329", as: .ipv6),
                       "2001:db8::ff00:42:8329")
        XCTAssertEqual(IOCNormalization.normalized("2001:db8:0:0::/32", as: .ipv6), "2001:db8::/32")
        XCTAssertEqual(IOCNormalization.normalized("hxxps://User@Evil[.]COM/Path?Q=A.", as: .url),
                       "https://User@evil.com/Path?Q=A")
        XCTAssertEqual(IOCNormalization.normalized("cve-2024-3400", as: .cve), "CVE-2024-3400")
        XCTAssertEqual(IOCNormalization.normalized(" D41D8CD98F00B204E9800998ECF8427E ", as: .md5),
                       "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(IOCAddress.canonicalIPv6("::FFFF:1.2.3.4"), "::ffff:1.2.3.4")
        XCTAssertEqual(IOCAddress.canonicalIPv6("1:0:0:2:0:0:0:3"), "1:0:0:2::3", "the longest run of zeros")
        XCTAssertNil(IOCAddress.canonicalIPv6("1.2.3.4"))
    }
}
