import Foundation
import TocsinCore
@testable import TocsinIngest
import TocsinTestSupport
import XCTest

final class CVERecordAdapterTests: XCTestCase {
    private let adapter = CVERecordAdapter()

    private func parse(_ path: String) throws -> AlertDraft {
        let alerts = try adapter.parse(try Fixtures.data(path), options: IngestOptions())
        XCTAssertEqual(alerts.count, 1)
        return try XCTUnwrap(alerts.first).draft
    }

    func testEveryRecordOfTheCorpusParsesIntoAValidDraft() throws {
        let files = try Fixtures.files(in: "cve/cvelistV5", extensions: [".json"]) + Fixtures.files(in: "cve/revisions", extensions: [".json"])
        let start = Date()
        var parsed = 0
        for url in files {
            let data = try Data(contentsOf: url)
            XCTAssertTrue(CVERecordAdapter.recognises(data), url.lastPathComponent)
            XCTAssertFalse(CSAFAdapter.recognises(data), url.lastPathComponent)
            XCTAssertFalse(KEVAdapter.recognises(data), url.lastPathComponent)
            do {
                let alerts = try adapter.parse(data, options: IngestOptions())
                XCTAssertEqual(alerts.count, 1)
                for alert in alerts {
                    XCTAssertNoThrow(try alert.draft.validated(), url.lastPathComponent)
                    XCTAssertEqual(alert.draft.sourceRef, url.lastPathComponent.components(separatedBy: ".").first)
                    XCTAssertEqual(alert.draft.cves, [alert.draft.sourceRef])
                    XCTAssertEqual(alert.draft.tlp, .clear)
                    XCTAssertNotNil(alert.draft.sourceVersion)
                    XCTAssertNotNil(alert.draft.attributes["cve.state"])
                }
                parsed += 1
            } catch {
                XCTFail("\(url.lastPathComponent): \(error)")
            }
        }
        print("CVE corpus: \(parsed) records parsed in \(String(format: "%.1f", Date().timeIntervalSince(start) * 1000)) ms")
        XCTAssertEqual(parsed, 32)
    }

    func testFortiOSRecordWithSemverRangesAndKEV() throws {
        let draft = try parse("cve/cvelistV5/CVE-2024-21762.json")
        XCTAssertEqual(draft.sourceRef, "CVE-2024-21762")
        XCTAssertEqual(draft.sourceVersion, "2024-08-01T22:27:36.250Z")
        XCTAssertEqual(draft.sourceUpdatedAt, RFC3339.parse("2024-08-01T22:27:36.250Z"))
        XCTAssertEqual(draft.sourcePublishedAt, RFC3339.parse("2024-02-09T08:14:25.954Z"))
        XCTAssertEqual(draft.attributes["cve.state"], "PUBLISHED")
        XCTAssertTrue(draft.knownExploited, "CISA ADP: SSVC Exploitation active and a KEV entry")
        XCTAssertEqual(draft.cvss, [CVSSScore(version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:H/RL:W/RC:C", baseScore: 9.6, severity: .critical, source: "fortinet")])
        XCTAssertEqual(draft.severity, .critical)
        let first = try XCTUnwrap(draft.affectedProducts.first)
        XCTAssertEqual(first.vendor, "Fortinet")
        XCTAssertEqual(first.product, "FortiProxy")
        XCTAssertEqual(first.status, .affected)
        XCTAssertEqual(first.ranges.first, VersionRange(version: "7.4.0", lessThanOrEqual: "7.4.2", versionType: "semver", status: .affected))
        XCTAssertEqual(first.versions.first, "7.4.0 to <=7.4.2")
        // The nine CISA ADP entries add CPEs.
        XCTAssertTrue(draft.affectedProducts.contains { $0.cpe == "cpe:2.3:o:fortinet:fortios:7.4.0:*:*:*:*:*:*:*" && $0.product == "fortios" })
        XCTAssertEqual(draft.attributes["cve.ssvc"], "Exploitation: active\nAutomatable: yes\nTechnical Impact: total")
    }

    func testPANOSRecordSplitsRangesAtChanges() throws {
        let draft = try parse("cve/cvelistV5/CVE-2024-3400.json")
        XCTAssertEqual(draft.title, "CVE-2024-3400: PAN-OS: Arbitrary File Creation Leads to OS Command Injection Vulnerability in GlobalProtect")
        XCTAssertEqual(draft.cvss.map(\.baseScore), [10])
        XCTAssertTrue(draft.knownExploited)
        let panos = try XCTUnwrap(draft.affectedProducts.first)
        XCTAssertEqual(panos.ranges[0], VersionRange(version: "9.0.0", status: .notAffected))
        XCTAssertEqual(panos.ranges[4], VersionRange(version: "10.2.0", lessThan: "10.2.9-h1", versionType: "custom", status: .affected))
        XCTAssertEqual(panos.versions[4], "10.2.0 to <10.2.9-h1, not affected from 10.2.9-h1")
        // The ADP's "10.2.9-h1 " (trailing space) is trimmed.
        XCTAssertTrue(draft.affectedProducts.contains { $0.ranges.contains(VersionRange(version: "10.2.0", lessThan: "10.2.9-h1", versionType: "custom", status: .affected)) && $0.cpe != nil })
    }

    func testRevisionPairKeepsTheIdentityAndChangesTheVersion() throws {
        let earlier = try parse("cve/revisions/CVE-2024-3400.2024-05-08.json")
        let later = try parse("cve/cvelistV5/CVE-2024-3400.json")
        XCTAssertEqual(earlier.sourceRef, later.sourceRef)
        XCTAssertEqual(earlier.sourceVersion, "2024-04-19T22:27:27.179Z")
        XCTAssertEqual(later.sourceVersion, "2024-08-01T20:12:06.667Z")
        XCTAssertNotEqual(earlier.sourceVersion, later.sourceVersion)
        XCTAssertEqual(earlier.sourcePublishedAt, later.sourcePublishedAt)
    }

    func testRejectedRecordsStillParse() throws {
        let old = try parse("cve/cvelistV5/CVE-2023-47691.json")
        XCTAssertEqual(old.attributes["cve.state"], "REJECTED")
        XCTAssertEqual(old.title, "CVE-2023-47691 rejected")
        XCTAssertEqual(old.severity, .info)
        XCTAssertEqual(old.summary, "This CVE ID has been rejected or withdrawn by its CVE Numbering Authority.")
        let mitre = try parse("cve/cvelistV5/CVE-2024-42992.json")
        XCTAssertEqual(mitre.attributes["cve.state"], "REJECTED")
        XCTAssertEqual(mitre.sourceVersion, "2024-08-26T14:33:05.281221")
        XCTAssertEqual(mitre.sourcePublishedAt, RFC3339.parse("2024-08-23T00:00:00Z"), "a date-time without a zone is UTC")
        XCTAssertEqual(mitre.affectedProducts, [])
    }

    func testEveryCVSSVersionIsRead() throws {
        let vuldb = try parse("cve/cvelistV5/CVE-2018-25101.json")
        XCTAssertEqual(vuldb.cvss.map(\.version), ["3.1", "3.0", "2.0"])
        XCTAssertEqual(vuldb.cvss.map(\.baseScore), [3.5, 3.5, 4.0])
        XCTAssertEqual(vuldb.severity, .medium, "the highest score (v2 4.0) gives the band")
        XCTAssertEqual(vuldb.summary.prefix(12), "A vulnerabil", "English is preferred over German")
        let expedition = try parse("cve/cvelistV5/CVE-2024-5910.json")
        XCTAssertEqual(expedition.cvss.map(\.version), ["4.0"])
        XCTAssertEqual(expedition.cvss.map(\.baseScore), [9.3])
        XCTAssertEqual(expedition.affectedProducts.first?.ranges, [VersionRange(version: "1.2", lessThan: "1.2.92", versionType: "custom", status: .affected)])
        let jenkins = try parse("cve/cvelistV5/CVE-2024-23897.json")
        XCTAssertEqual(jenkins.cvss.map(\.source), ["CISA-ADP"])
        XCTAssertEqual(jenkins.cvss.map(\.baseScore), [9.8])
        XCTAssertEqual(jenkins.affectedProducts.first?.ranges.first, VersionRange(version: "0", lessThan: "1.606", versionType: "maven", status: .notAffected))
        XCTAssertEqual(jenkins.affectedProducts.first?.status, .affected, "defaultStatus affected")
    }

    func testEveryVersionTypeBecomesARange() throws {
        let linux = try parse("cve/cvelistV5/CVE-2024-46725.json")
        XCTAssertEqual(linux.affectedProducts.first?.ranges.first, VersionRange(version: "1da177e4c3f4", lessThan: "c253b87c7c37", versionType: "git", status: .affected))
        XCTAssertTrue(linux.affectedProducts.last?.ranges.contains(VersionRange(version: "6.11", lessThanOrEqual: "*", versionType: "original_commit_for_fix", status: .notAffected)) == true)
        let openssh = try parse("cve/cvelistV5/CVE-2024-6387.json")
        XCTAssertEqual(openssh.affectedProducts.first?.product, "OpenSSH")
        XCTAssertNil(openssh.affectedProducts.first?.vendor)
        XCTAssertEqual(openssh.affectedProducts.first?.ranges, [VersionRange(version: "8.5p1", lessThanOrEqual: "9.7p1", versionType: "custom", status: .affected)])
        XCTAssertTrue(openssh.affectedProducts.contains { $0.ranges.contains { $0.versionType == "rpm" && $0.lessThan == "*" } })
        XCTAssertEqual(openssh.severity, .high, "Red Hat's own rating, Important")
        XCTAssertEqual(openssh.attributes["tocsin.severitySource"], "source")
        let zookeeper = try parse("cve/cvelistV5/CVE-2024-23944.json")
        XCTAssertEqual(zookeeper.affectedProducts.first?.purl, "pkg:maven/org.apache.zookeeper/zookeeper")
        let windows = try parse("cve/cvelistV5/CVE-2024-38063.json")
        XCTAssertEqual(windows.affectedProducts.first?.cpe, "cpe:2.3:o:microsoft:windows_10_1809:10.0.17763.6293:*:*:*:*:*:x86:*")
        XCTAssertEqual(windows.affectedProducts.first?.ranges, [VersionRange(version: "10.0.0", lessThan: "10.0.17763.6293", versionType: "custom", status: .affected)])
    }

    func testBadRecordsAreRejectedWithThePath() throws {
        func reject(_ json: String) -> IngestError? {
            do { _ = try adapter.parse(Data(json.utf8), options: IngestOptions()); return nil } catch { return error }
        }
        XCTAssertEqual(reject(#"{"dataType":"CVE_RECORD","dataVersion":"5.1","containers":{"cna":{}}}"#)?.path, "cveMetadata")
        XCTAssertEqual(reject(#"{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-24-1","state":"PUBLISHED"},"containers":{"cna":{}}}"#)?.path, "cveMetadata.cveId")
        XCTAssertEqual(reject(#"{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2024-1234","state":"PUBLISHED"},"containers":{"cna":{"affected":[{"product":"x","versions":[{"version":1,"status":"affected"}]}]}}}"#)?.path,
                       "containers.cna.affected[0].versions[0].version")
        XCTAssertEqual(reject(#"{"dataType":"CVE_RECORD","dataVersion":"4.0","cveMetadata":{"cveId":"CVE-2024-1234","state":"PUBLISHED"},"containers":{"cna":{}}}"#)?.path, "dataVersion")
    }

    func testNVDAPIPagesGiveOneAlertPerCVE() throws {
        let data = try Fixtures.data("cve/nvd-api2/full-page.json")
        XCTAssertTrue(CVERecordAdapter.recognises(data))
        let alerts = try adapter.parse(data, options: IngestOptions())
        XCTAssertEqual(alerts.count, 38)
        for alert in alerts { XCTAssertNoThrow(try alert.draft.validated(), alert.draft.sourceRef ?? "") }
        let first = try XCTUnwrap(alerts.first).draft
        XCTAssertEqual(first.sourceRef, "CVE-2023-27314")
        XCTAssertEqual(first.sourceVersion, "2023-10-18T18:00:24.900")
        XCTAssertEqual(first.cvss.first?.baseScore, 7.5)
        XCTAssertEqual(first.cvss.first?.source, "NVD")
        XCTAssertEqual(first.affectedProducts.first?.vendor, "netapp")
        XCTAssertEqual(first.affectedProducts.first?.ranges.first, VersionRange(version: "9.0", lessThan: "9.8"))
        let single = try XCTUnwrap(adapter.parse(try Fixtures.data("cve/nvd-api2/single-entry.json"), options: IngestOptions()).first).draft
        XCTAssertEqual(single.sourceRef, "CVE-2022-1576")
        XCTAssertEqual(single.cvss.map(\.version), ["3.1", "2.0"])
        XCTAssertEqual(single.affectedProducts.first?.ranges, [VersionRange(version: "0", lessThan: "2.4.5")])
    }
}
