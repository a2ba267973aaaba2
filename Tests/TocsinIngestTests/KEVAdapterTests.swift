import Foundation
import TocsinCore
@testable import TocsinIngest
import TocsinTestSupport
import XCTest

final class KEVAdapterTests: XCTestCase {
    func testTheFullCatalogGivesOneMarkExploitedAlertPerEntry() throws {
        let data = try Fixtures.data("cve/kev/known_exploited_vulnerabilities.json")
        XCTAssertTrue(KEVAdapter.recognises(data))
        XCTAssertFalse(CSAFAdapter.recognises(data))
        XCTAssertFalse(CVERecordAdapter.recognises(data))
        XCTAssertFalse(KEVAdapter.recognises(try Fixtures.data("cve/kev/known_exploited_vulnerabilities_schema.json")), "the schema is not a catalog")
        let start = Date()
        let alerts = try KEVAdapter().parse(data, options: IngestOptions())
        print("KEV catalog: \(alerts.count) entries parsed in \(String(format: "%.1f", Date().timeIntervalSince(start) * 1000)) ms")
        XCTAssertEqual(alerts.count, 1404, "the catalog's count")
        for alert in alerts {
            XCTAssertEqual(alert.action, .markExploited)
            XCTAssertTrue(alert.draft.knownExploited)
            XCTAssertNoThrow(try alert.draft.validated(), alert.draft.sourceRef ?? "")
        }
        XCTAssertEqual(Set(alerts.compactMap(\.draft.sourceRef)).count, 1404)
        XCTAssertEqual(alerts.filter { $0.draft.attributes["kev.ransomware"] == "Known" }.count, 293)

        let first = try XCTUnwrap(alerts.first).draft
        XCTAssertEqual(first.sourceRef, "KEV:CVE-2025-48384")
        XCTAssertEqual(first.cves, ["CVE-2025-48384"])
        XCTAssertEqual(first.title, "CVE-2025-48384: Git Link Following Vulnerability")
        XCTAssertEqual(first.affectedProducts, [AffectedProduct(vendor: "Git", product: "Git", status: .affected)])
        XCTAssertEqual(first.sourcePublishedAt, RFC3339.parse("2025-08-25T00:00:00Z"))
        XCTAssertEqual(first.attributes["kev.ransomware"], "Unknown")
        XCTAssertTrue(first.body?.contains("Due date: 2025-09-15") == true)
        XCTAssertTrue(first.body?.contains("Required action: Apply mitigations per vendor instructions") == true)
        XCTAssertTrue(first.references.contains(Reference(url: "https://github.com/git/git/security/advisories/GHSA-vwqx-4fm8-6qc9")))
        XCTAssertEqual(first.tlp, .clear)

        let last = try XCTUnwrap(alerts.last).draft
        XCTAssertEqual(last.sourceRef, "KEV:CVE-2020-29583")
        XCTAssertEqual(last.affectedProducts.first?.vendor, "Zyxel")
        XCTAssertEqual(last.affectedProducts.first?.product, "Multiple Products")
    }

    func testTheEntryDigestChangesOnlyWithTheEntry() throws {
        let entry = #"{"cveID":"CVE-2024-3400","vendorProject":"Palo Alto Networks","product":"PAN-OS","vulnerabilityName":"PAN-OS Command Injection","dateAdded":"2024-04-12","shortDescription":"x","requiredAction":"Patch.","dueDate":"2024-04-19","knownRansomwareCampaignUse":"Unknown"}"#
        func version(_ entry: String, catalog: String = "2024.04.12") throws -> String? {
            let json = #"{"catalogVersion":"\#(catalog)","vulnerabilities":[\#(entry)]}"#
            return try KEVAdapter().parse(Data(json.utf8), options: IngestOptions()).first?.draft.sourceVersion
        }
        XCTAssertEqual(try version(entry), try version(entry, catalog: "2024.05.01"))
        XCTAssertNotEqual(try version(entry), try version(entry.replacingOccurrences(of: "\"Unknown\"", with: "\"Known\"")))
    }

    func testABadEntryRejectsTheCatalogWithItsPath() {
        let json = #"{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2024-3400","vendorProject":"a","product":"b","vulnerabilityName":"c","dateAdded":"2024-04-12","shortDescription":"d","requiredAction":"e","dueDate":"2024-04-19"},{"cveID":"CVE-2024-3401","vendorProject":"a","product":"b","vulnerabilityName":"c","dateAdded":"2024-04-12","shortDescription":"d","requiredAction":"e"}]}"#
        XCTAssertThrowsError(try KEVAdapter().parse(Data(json.utf8), options: IngestOptions())) { error in
            XCTAssertEqual((error as? IngestError)?.path, "vulnerabilities[1].dueDate")
        }
        let badID = #"{"catalogVersion":"1","vulnerabilities":[{"cveID":"KEV-1","vendorProject":"a","product":"b","vulnerabilityName":"c","dateAdded":"2024-04-12","shortDescription":"d","requiredAction":"e","dueDate":"2024-04-19"}]}"#
        XCTAssertThrowsError(try KEVAdapter().parse(Data(badID.utf8), options: IngestOptions())) { error in
            XCTAssertEqual((error as? IngestError)?.path, "vulnerabilities[0].cveID")
        }
    }
}
