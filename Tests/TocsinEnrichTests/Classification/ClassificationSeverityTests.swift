import TocsinCore
import XCTest
@testable import TocsinEnrich

final class ClassificationSeverityTests: XCTestCase {
    private func draft(_ severity: Severity, source: String?, cvss: [Double] = [], knownExploited: Bool = false,
                       extra: [String: String] = [:]) -> AlertDraft {
        var attributes = extra
        attributes["tocsin.severitySource"] = source
        let scores = cvss.map { score in
            CVSSScore(version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", baseScore: score,
                      severity: score >= 9 ? .critical : score >= 7 ? .high : score >= 4 ? .medium : score > 0 ? .low : .info)
        }
        return AlertDraft(title: "Bulletin", summary: "", severity: severity, tlp: .clear, cvss: scores,
                          knownExploited: knownExploited, attributes: attributes)
    }

    func testDefaultSeverityTakesTheHighestCVSSBand() {
        let up = Classification.classify(draft(.medium, source: "default", cvss: [5.3, 9.8, 7.5]))
        XCTAssertEqual(up.severity, .critical)
        XCTAssertEqual(up.severityRaisedBecause, "CVSS 3.1 base score 9.8 (critical) replaces the default severity")

        let down = Classification.classify(draft(.medium, source: "default", cvss: [3.1]))
        XCTAssertEqual(down.severity, .low, "a default is not a statement: the score replaces it")

        let none = Classification.classify(draft(.medium, source: "default"))
        XCTAssertEqual(none.severity, .medium)
        XCTAssertNil(none.severityRaisedBecause)
    }

    func testStatedSeverityIsNeverReplacedByCVSS() {
        for source in ["source", "cvss", nil] {
            let result = Classification.classify(draft(.high, source: source, cvss: [3.1]))
            XCTAssertEqual(result.severity, .high, String(describing: source))
            XCTAssertNil(result.severityRaisedBecause)
        }
    }

    func testCAPImmediateAndObservedOrLikelyRaisesOneLevel() {
        let table: [(String, String, Severity, Severity)] = [
            ("Immediate", "Observed", .high, .critical),
            ("Immediate", "Likely", .medium, .high),
            ("Immediate", "Observed", .critical, .critical),
            ("Immediate", "Possible", .high, .high),
            ("Expected", "Observed", .high, .high),
            ("Past", "Observed", .low, .low),
        ]
        for (urgency, certainty, stated, expected) in table {
            let result = Classification.classify(draft(stated, source: "source", extra: ["cap.urgency": urgency, "cap.certainty": certainty]))
            XCTAssertEqual(result.severity, expected, "\(urgency)/\(certainty) from \(stated)")
            if expected != stated {
                XCTAssertEqual(result.severityRaisedBecause, "CAP urgency Immediate and certainty \(certainty) raise it one level")
            }
        }
    }

    func testKnownExploitedIsAtLeastHighAndAddsExploited() {
        let low = Classification.classify(draft(.low, source: "source", knownExploited: true))
        XCTAssertEqual(low.severity, .high)
        XCTAssertEqual(low.severityRaisedBecause, "known exploited in the wild (KEV) raises it to at least high")
        XCTAssertEqual(low.categories, ["exploited"])

        let critical = Classification.classify(draft(.critical, source: "source", knownExploited: true))
        XCTAssertEqual(critical.severity, .critical)
        XCTAssertNil(critical.severityRaisedBecause)
    }

    func testRulesCombine() {
        let result = Classification.classify(draft(.medium, source: "default", cvss: [5.0], knownExploited: true,
                                                    extra: ["cap.urgency": "Immediate", "cap.certainty": "Observed"]))
        XCTAssertEqual(result.severity, .high)
        XCTAssertEqual(result.severityRaisedBecause,
                       "CAP urgency Immediate and certainty Observed raise it one level")
    }

    func testApplyingTwiceGivesTheSameDraft() {
        let original = draft(.high, source: "source", knownExploited: true,
                             extra: ["cap.urgency": "Immediate", "cap.certainty": "Observed"])
        let once = original.classified()
        XCTAssertEqual(once.severity, .critical, "high, one level up for CAP")
        XCTAssertEqual(once.attributes["tocsin.severityBeforeClassification"], "high")
        XCTAssertEqual(once.attributes["tocsin.severityRaisedBecause"], "CAP urgency Immediate and certainty Observed raise it one level")
        XCTAssertEqual(once.categories, ["exploited"])
        XCTAssertEqual(once.classified(), once)
    }

    func testReclassifyingAfterTheReasonWentAwayRestoresTheSourceSeverity() {
        var once = draft(.low, source: "source", knownExploited: true).classified()
        XCTAssertEqual(once.severity, .high)
        once.knownExploited = false
        let again = once.classified()
        XCTAssertEqual(again.severity, .low)
        XCTAssertNil(again.attributes["tocsin.severityBeforeClassification"])
        XCTAssertNil(again.attributes["tocsin.severityRaisedBecause"])
    }

    func testStoredAlertsClassifyTheSameWay() throws {
        let draft = draft(.low, source: "source", knownExploited: true)
        let alert = Alert.first(from: draft, id: "01TEST", now: Date(timeIntervalSince1970: 1_700_000_000))
        let classified = alert.classified()
        XCTAssertEqual(classified.severity, .high)
        XCTAssertEqual(classified.categories, ["exploited"])
        XCTAssertEqual(Classification.classify(alert), Classification.classify(draft))
    }
}
