import Foundation
import TocsinCore
import TocsinEnrich
import TocsinPipeline
import XCTest

/// What an ingested document does to the alert log, without I/O.
final class IngestPolicyTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let enricher = Enricher()

    func stored(_ draft: AlertDraft) -> Alert {
        var draft = draft
        draft.attributes["tocsin.fingerprint"] = IngestPolicy.fingerprint(draft)
        return Alert.first(from: draft, source: "csaf", now: now)
    }

    func ingested(_ draft: AlertDraft) -> AlertDraft {
        var draft = draft
        draft.attributes["tocsin.fingerprint"] = IngestPolicy.fingerprint(draft)
        return draft
    }

    func testTheFingerprintIgnoresWhereADocumentCameFromButNotWhatItSays() {
        var draft = AlertDraft(title: "Avis", summary: "Texte", severity: .high, tlp: .clear, source: "cert-fr",
                               attributes: ["tocsin.shape": "certfr/json"])
        let base = IngestPolicy.fingerprint(draft)
        draft.source = "another-name"
        draft.categories = ["vulnerability"]
        draft.attributes["tocsin.shape"] = "certfr/xml"
        XCTAssertEqual(IngestPolicy.fingerprint(draft), base)
        draft.summary = "Texte corrigé"
        XCTAssertNotEqual(IngestPolicy.fingerprint(draft), base)
    }

    func testALateCopyOrAnotherShapeOfTheSameVersionIsStale() {
        var current = Alert.first(from: AlertDraft(title: "Avis", summary: "", severity: .high, tlp: .clear, source: "cert-fr",
                                                   sourcePublishedAt: now, attributes: ["tocsin.shape": "certfr/json"]), now: now)
        current.source = "cert-fr"
        var incoming = AlertDraft(title: "Avis", summary: "", severity: .high, tlp: .clear, sourcePublishedAt: now - 3600)
        XCTAssertTrue(IngestPolicy.isStale(incoming, than: current))
        incoming.sourcePublishedAt = now
        incoming.attributes["tocsin.shape"] = "certfr/xml"
        XCTAssertTrue(IngestPolicy.isStale(incoming, than: current))
        incoming.attributes["tocsin.shape"] = "certfr/json"
        XCTAssertFalse(IngestPolicy.isStale(incoming, than: current))
        incoming.sourceUpdatedAt = now + 3600
        XCTAssertFalse(IngestPolicy.isStale(incoming, than: current))
    }

    func testTheMarkingFloorRaisesButNeverLowers() {
        let clear = AlertDraft(title: "Avis", summary: "", severity: .high, tlp: .clear)
        XCTAssertEqual(IngestPolicy.floored(clear, at: .amber).tlp, .amber)
        XCTAssertEqual(IngestPolicy.floored(clear, at: nil).tlp, .clear)
        XCTAssertEqual(IngestPolicy.floored(AlertDraft(title: "Avis", summary: "", severity: .high, tlp: .red), at: .green).tlp, .red)
    }

    func testARevisionFromASourceNeverLowersTheMarkingNorForgetsExploitation() throws {
        var first = AlertDraft(title: "Avis", summary: "v1", severity: .high, tlp: .amber, cves: ["CVE-2024-3400"], sourceRef: "A-1",
                               sourcePublishedAt: now)
        first.knownExploited = true
        let current = stored(first)
        var update = AlertDraft(title: "Avis", summary: "v2", severity: .medium, tlp: .clear, cves: ["CVE-2024-3400"], sourceRef: "A-1",
                                sourcePublishedAt: now, sourceUpdatedAt: now + 3600)
        update = ingested(update)
        let next = try XCTUnwrap(try IngestPolicy.revision(of: current, by: update, enricher: enricher, publishedBy: "poller", now: now + 3600))
        XCTAssertEqual(next.revision, 2)
        XCTAssertEqual(next.tlp, .amber)
        XCTAssertTrue(next.knownExploited)
        XCTAssertEqual(next.summary, "v2")
        // The same document again, or one for a cancelled alert, says nothing new.
        XCTAssertNil(try IngestPolicy.revision(of: next, by: update, enricher: enricher, publishedBy: "poller", now: now + 7200))
        let cancelled = try AlertLifecycle.cancel(current, reason: "retiré", by: nil, now: now + 60)
        XCTAssertNil(try IngestPolicy.revision(of: cancelled, by: update, enricher: enricher, publishedBy: "poller", now: now + 7200))
    }

    func testAKnownExploitedFlagTellsOnlyNewlyMatchingSubscriptionsAndABackfillNoOne() throws {
        let current = stored(AlertDraft(title: "Avis", summary: "", severity: .medium, tlp: .clear, cves: ["CVE-2024-3400"]))
        let flagged = try XCTUnwrap(try IngestPolicy.flaggedExploited(current, enricher: enricher, quiet: false, publishedBy: "kev", now: now + 60))
        XCTAssertTrue(flagged.knownExploited)
        XCTAssertTrue(flagged.notifiesNewlyMatchingOnly)
        XCTAssertFalse(flagged.isBackfilled)
        XCTAssertGreaterThanOrEqual(flagged.severity, current.severity)
        XCTAssertNil(try IngestPolicy.flaggedExploited(flagged, enricher: enricher, quiet: false, publishedBy: "kev", now: now + 120))
        let quiet = try XCTUnwrap(try IngestPolicy.flaggedExploited(current, enricher: enricher, quiet: true, publishedBy: "kev", now: now + 60))
        XCTAssertTrue(quiet.isBackfilled)
    }
}
