import Foundation
import TocsinCore
import TocsinPipeline
import TocsinTestSupport
import XCTest

/// A declaration's attachments read through the ingest adapters, on real documents: every indicator found is the
/// victim's own (`stated`), and a document that does not read is reported, never a refusal.
final class IncidentAttachmentsTests: XCTestCase {
    func testAStixBundleAndAMispEventGiveTheirIndicatorsAsStated() throws {
        let stix = String(decoding: try Fixtures.data("stix/oasis-examples/indicator-for-c2-ip-address.json"), as: UTF8.self)
        let misp = String(decoding: try Fixtures.data("misp/pymisp/circl-osint-xorist-57c4445b.json"), as: UTF8.self)
        let outcome = IncidentAttachments.read([.init(format: .stix, content: stix), .init(format: .misp, content: misp)])
        XCTAssertFalse(outcome.indicators.isEmpty)
        XCTAssertEqual(Set(outcome.indicators.map(\.origin)), [.stated])
        XCTAssertTrue(outcome.indicators.contains { $0.type == .ipv4 }, "the C2 address of the STIX example")
        XCTAssertTrue(outcome.indicators.contains { [.md5, .sha1, .sha256].contains($0.type) }, "the hashes of the MISP event")
    }

    func testADocumentThatDoesNotReadIsReportedAndTheOthersKept() {
        let outcome = IncidentAttachments.read([.init(format: .stix, content: "{not json"), .init(format: .csv, content: "ipv4,192.0.2.7\n")])
        XCTAssertEqual(outcome.indicators.map(\.value), ["192.0.2.7"])
        XCTAssertEqual(outcome.rejected.map(\.at), ["attachments[0]"])
        XCTAssertTrue(outcome.rejected[0].reason.contains("stix"), outcome.rejected[0].reason)
    }
}
