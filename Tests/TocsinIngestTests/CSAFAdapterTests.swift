import Foundation
import TocsinCore
@testable import TocsinIngest
import TocsinTestSupport
import XCTest

final class CSAFAdapterTests: XCTestCase {
    private let adapter = CSAFAdapter()
    /// Discovery documents of the corpus, tested by CSAFDiscoveryTests, and the two negative validator tests.
    private let notAdvisories: Set<String> = [
        "cisa-csaf-it-feed-tlp-white.json", "example-01-aggregator.json", "example-01-category.json", "example-01-feed-tlp-white.json",
        "example-01-provider-metadata.json", "example-01-service.json", "provider-metadata.json",
    ]
    private let invalid: Set<String> = ["oasis_csaf_tc-csaf_2_0-2021-6-1-01-01.json", "oasis_csaf_tc-csaf_2_0-2021-6-1-08-01.json"]

    private func parse(_ path: String, options: IngestOptions = IngestOptions()) throws -> AlertDraft {
        let alerts = try adapter.parse(try Fixtures.data(path), options: options)
        XCTAssertEqual(alerts.count, 1)
        XCTAssertEqual(alerts.first?.action, .publish)
        return try XCTUnwrap(alerts.first).draft
    }

    func testEveryAdvisoryAndVEXOfTheCorpusParsesIntoAValidDraft() throws {
        let files = try Fixtures.files(in: "csaf", extensions: [".json"]).filter { !notAdvisories.contains($0.lastPathComponent) }
        var parsed = 0
        let start = Date()
        for url in files where !invalid.contains(url.lastPathComponent) {
            let data = try Data(contentsOf: url)
            XCTAssertTrue(CSAFAdapter.recognises(data), url.lastPathComponent)
            XCTAssertFalse(CVERecordAdapter.recognises(data), url.lastPathComponent)
            XCTAssertFalse(KEVAdapter.recognises(data), url.lastPathComponent)
            do {
                let alerts = try adapter.parse(data, options: IngestOptions())
                XCTAssertEqual(alerts.count, 1, url.lastPathComponent)
                for alert in alerts {
                    XCTAssertNoThrow(try alert.draft.validated(), url.lastPathComponent)
                    XCTAssertNotNil(alert.draft.sourceRef)
                    XCTAssertNotNil(alert.draft.sourceVersion)
                    XCTAssertNotNil(alert.draft.sourcePublishedAt)
                    XCTAssertNotNil(alert.draft.attributes["csaf.category"])
                }
                parsed += 1
            } catch {
                XCTFail("\(url.lastPathComponent): \(error)")
            }
        }
        print("CSAF corpus: \(parsed) documents parsed in \(String(format: "%.1f", Date().timeIntervalSince(start) * 1000)) ms")
        XCTAssertEqual(parsed, 26)
    }

    func testTheTwoInvalidValidatorExamplesAreRejectedWithThePathAtFault() throws {
        XCTAssertThrowsError(try adapter.parse(try Fixtures.data("csaf/oasis/oasis_csaf_tc-csaf_2_0-2021-6-1-01-01.json"), options: IngestOptions())) { error in
            let error = error as? IngestError
            XCTAssertEqual(error?.format, .csaf)
            XCTAssertEqual(error?.path, "product_tree.product_groups[0].product_ids[0]")
            XCTAssertTrue(error?.message.contains("CSAFPID-9080700") == true, error?.message ?? "")
        }
        XCTAssertThrowsError(try adapter.parse(try Fixtures.data("csaf/oasis/oasis_csaf_tc-csaf_2_0-2021-6-1-08-01.json"), options: IngestOptions())) { error in
            let error = error as? IngestError
            XCTAssertEqual(error?.path, "vulnerabilities[0].scores[0].cvss_v3.baseSeverity")
            XCTAssertEqual(error?.message, "is required")
        }
    }

    func testCISAMedicalAdvisory() throws {
        let draft = try parse("csaf/cisa/icsma-24-163-01.json")
        XCTAssertEqual(draft.sourceRef, "ICSMA-24-163-01")
        XCTAssertEqual(draft.sourceVersion, "1")
        XCTAssertEqual(draft.title, "MicroDicom DICOM Viewer")
        XCTAssertEqual(draft.tlp, .clear, "TLP:WHITE is read as CLEAR")
        XCTAssertEqual(draft.cves, ["CVE-2024-33606", "CVE-2024-28877"])
        XCTAssertEqual(draft.sourcePublishedAt, RFC3339.parse("2024-06-11T06:00:00Z"))
        XCTAssertEqual(draft.attributes["csaf.category"], "csaf_security_advisory")
        XCTAssertEqual(draft.cvss, [CVSSScore(version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", baseScore: 8.8, severity: .high, source: "CISA")])
        XCTAssertEqual(draft.severity, .high)
        XCTAssertEqual(draft.attributes["tocsin.severitySource"], "cvss")
        XCTAssertTrue(draft.summary.hasPrefix("Successful exploitation of these vulnerabilities"))
        XCTAssertEqual(draft.affectedProducts, [AffectedProduct(
            vendor: "MicroDicom", product: "DICOM Viewer", versions: ["<2024.2"],
            ranges: [VersionRange(version: "0", lessThan: "2024.2", status: .affected)], status: .affected)])
        XCTAssertTrue(draft.body?.contains("Vendor fix: MicroDicom recommends users upgrade to DICOM Viewer version 2024.2.") == true)
        XCTAssertTrue(draft.references.contains(Reference(url: "https://www.microdicom.com/downloads.html", title: "vendor fix")))
        XCTAssertFalse(draft.knownExploited)
    }

    func testCiscoAdvisoryWithALargeProductTree() throws {
        let start = Date()
        let draft = try parse("csaf/oasis/cisco-sa-20180328-smi2.json")
        let elapsed = Date().timeIntervalSince(start)
        print("Cisco CSAF (130 KB) parsed in \(String(format: "%.1f", elapsed * 1000)) ms")
        XCTAssertLessThan(elapsed, 2, "a 130 KB product tree must parse in well under a second")
        XCTAssertEqual(draft.sourceRef, "cisco-sa-20180328-smi2")
        XCTAssertEqual(draft.sourceVersion, "3.0.0")
        XCTAssertEqual(draft.tlp, .amber, "no TLP marking: the CSAF default, AMBER")
        XCTAssertEqual(draft.cves, ["CVE-2018-0171"])
        XCTAssertEqual(draft.cvss.first?.baseScore, 9.8)
        XCTAssertEqual(draft.cvss.first?.version, "3.0")
        XCTAssertEqual(draft.severity, .critical)
        XCTAssertEqual(draft.sourcePublishedAt, RFC3339.parse("2018-03-28T16:00:00Z"))
        XCTAssertEqual(draft.sourceUpdatedAt, RFC3339.parse("2018-04-17T15:08:41Z"))
        XCTAssertEqual(draft.attributes["csaf.category"], "Cisco Security Advisory")
        // 259 known_affected product ids collapse into one product per product_name branch.
        XCTAssertEqual(draft.affectedProducts.map(\.product), ["IOS", "Cisco IOS XE Software"])
        XCTAssertEqual(draft.affectedProducts.reduce(0) { $0 + $1.ranges.count }, 259)
        let ios = try XCTUnwrap(draft.affectedProducts.first)
        XCTAssertEqual(ios.vendor, "Cisco")
        XCTAssertEqual(ios.status, .affected)
        // The service_pack under the 12.2SE train is the version, not the train.
        XCTAssertTrue(ios.ranges.contains(VersionRange(version: "12.2(55)SE", status: .affected)))
        XCTAssertFalse(ios.versions.contains("12.2SE"))
    }

    func testRedHatAdvisoryJoinsRelationshipsToComponentAndPlatform() throws {
        let draft = try parse("csaf/redhat/rhsa-2024_6163.json")
        XCTAssertEqual(draft.sourceRef, "RHSA-2024:6163")
        XCTAssertEqual(draft.sourceVersion, "3")
        XCTAssertEqual(draft.severity, .medium, "aggregate_severity Moderate")
        XCTAssertEqual(draft.attributes["tocsin.severitySource"], "source")
        XCTAssertEqual(draft.cves, ["CVE-2024-8088"])
        XCTAssertEqual(draft.cvss.map(\.baseScore), [5.3])
        XCTAssertEqual(draft.sourceUpdatedAt, RFC3339.parse("2026-03-26T18:50:03Z"))
        let first = try XCTUnwrap(draft.affectedProducts.first)
        XCTAssertEqual(first.product, "python3.9")
        XCTAssertEqual(first.vendor, "Red Hat")
        XCTAssertEqual(first.status, .fixed)
        XCTAssertEqual(first.cpe, "cpe:/a:redhat:enterprise_linux:9::appstream")
        XCTAssertEqual(first.purl, "pkg:rpm/redhat/python3.9@3.9.18-3.el9_4.5?arch=src")
        XCTAssertEqual(first.ranges, [VersionRange(version: "3.9.18-3.el9_4.5", status: .fixed)])
        XCTAssertEqual(first.versions, ["python3.9-0:3.9.18-3.el9_4.5.src (default component of Red Hat Enterprise Linux AppStream (v. 9))"])
        XCTAssertEqual(draft.affectedProducts.count, 3, "one per platform: AppStream, BaseOS, CRB")
    }

    func testInformationalAdvisoryWithoutVulnerabilitiesListsItsProducts() throws {
        let draft = try parse("csaf/oasis/rhsa-2019_1862.json")
        XCTAssertEqual(draft.sourceRef, "RHSA-2019:1862")
        XCTAssertEqual(draft.attributes["csaf.category"], "csaf_informational_advisory")
        XCTAssertEqual(draft.cves, [])
        XCTAssertEqual(draft.severity, .low)
        XCTAssertEqual(draft.affectedProducts.map(\.product), ["Red Hat OpenShift Enterprise"])
        XCTAssertNil(draft.affectedProducts.first?.status)
    }

    func testCSAF21ClearAndCSAF20WhiteAreBothClear() throws {
        let v21 = try parse("csaf/oasis/oasis_csaf_tc-csaf_2_1-2024-d-11.json")
        XCTAssertEqual(v21.tlp, .clear)
        XCTAssertEqual(v21.attributes["csaf.version"], "2.1")
        XCTAssertEqual(v21.sourceRef, "OASIS_CSAF_TC-CSAF_2.1-2024-D-11")
        XCTAssertEqual(v21.affectedProducts.first?.product, "Product A")
        XCTAssertEqual(v21.affectedProducts.first?.versions, ["1.0.0", "1.1.0"])
        let v20 = try parse("csaf/oasis/bsi-2022-0001.json")
        XCTAssertEqual(v20.tlp, .clear)
        XCTAssertEqual(v20.attributes["csaf.version"], "2.0")
        // An unmarked document takes the configured default.
        let unmarked = try parse("csaf/oasis/2022-evd-uc-01-f-001.json", options: IngestOptions(defaultTLP: .green))
        XCTAssertEqual(unmarked.tlp, .green)
    }

    func testBSIAdvisoryKeepsFirstFixedAndAffectedVersions() throws {
        let draft = try parse("csaf/oasis/bsi-2022-0001.json")
        XCTAssertEqual(draft.sourceRef, "BSI-2022-0001")
        XCTAssertEqual(draft.sourceVersion, "1")
        XCTAssertEqual(draft.severity, .medium, "aggregate_severity Moderate")
        XCTAssertEqual(draft.cvss.map(\.baseScore), [6.1])
        let first = try XCTUnwrap(draft.affectedProducts.first)
        XCTAssertEqual(first.vendor, "CSAF Tools")
        XCTAssertEqual(first.product, "CVRF-CSAF-Converter")
        XCTAssertEqual(first.cpe, "cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha")
        XCTAssertEqual(first.ranges, [VersionRange(version: "1.0.0-alpha", status: .affected)])
        let fixed = draft.affectedProducts.filter { $0.status == .fixed }
        XCTAssertEqual(fixed.map(\.ranges), [[VersionRange(version: "1.0.0-rc2", status: .fixed)]])
    }

    func testVEXDocumentsKeepTheirStatuses() throws {
        XCTAssertEqual(try parse("csaf/oasis/2022-evd-uc-01-f-001.json").affectedProducts,
                       [AffectedProduct(vendor: "Example Company", product: "DEF", versions: ["1.1"], ranges: [VersionRange(version: "1.1", status: .fixed)], status: .fixed)])
        XCTAssertEqual(try parse("csaf/oasis/2022-evd-uc-01-na-001.json").affectedProducts.map(\.status), [.notAffected])
        XCTAssertEqual(try parse("csaf/oasis/2022-evd-uc-01-ui-001.json").affectedProducts.map(\.status), [.underInvestigation])
        XCTAssertEqual(try parse("csaf/oasis/2022-evd-uc-01-a-001.json").affectedProducts.map(\.status), [.affected])
        let mixed = try parse("csaf/oasis/2022-evd-uc-03-ms-001.json")
        XCTAssertEqual(mixed.cves.count, 19)
        XCTAssertEqual(Set(mixed.affectedProducts.compactMap(\.status)), [.affected, .fixed, .notAffected, .underInvestigation])

        let secvisogram = try parse("csaf/oasis/sec-vex-2022-0001.json")
        XCTAssertEqual(secvisogram.affectedProducts, [AffectedProduct(
            vendor: "Secvisogram", product: "Secvisogram", versions: ["<=1.14.0"],
            ranges: [VersionRange(version: "0", lessThanOrEqual: "1.14.0", status: .notAffected)], status: .notAffected)])

        let stackable = try parse("csaf/stackable/cve-2022-1471.json")
        XCTAssertEqual(stackable.sourceRef, "CVE-2022-1471")
        XCTAssertEqual(stackable.attributes["csaf.category"], "csaf_vex")
        XCTAssertEqual(stackable.affectedProducts.map(\.status), [.fixed, .notAffected])
        XCTAssertEqual(stackable.affectedProducts.first?.product, "snakeyaml")
        XCTAssertEqual(stackable.affectedProducts.first?.purl, "pkg:maven/org.yaml/snakeyaml@1.33")
        XCTAssertEqual(stackable.affectedProducts.first?.versions, ["1.33 (default component of hbase:2.6.2-stackable25.11.0-amd64)"])
        XCTAssertEqual(stackable.affectedProducts.last?.versions.count, 4)
    }

    func testCISAVersionRangesInFreeTextAndVERS() throws {
        let osisoft = try parse("csaf/cisa/icsa-17-010-01a.json")
        XCTAssertEqual(osisoft.sourceRef, "ICSA-17-010-01A")
        XCTAssertEqual(osisoft.sourceVersion, "2")
        XCTAssertEqual(osisoft.affectedProducts.map(\.product), ["PI Web API", "PI Coresight"])
        XCTAssertEqual(osisoft.affectedProducts.last?.ranges, [VersionRange(version: "0", lessThan: "2016 R2", status: .affected)])
        XCTAssertEqual(osisoft.affectedProducts.last?.versions, ["< 2016 R2"])

        let siemens = try parse("csaf/cisa/icsa-24-165-02.json")
        let first = try XCTUnwrap(siemens.affectedProducts.first)
        XCTAssertEqual(first.versions, ["vers:all/*"])
        XCTAssertEqual(first.ranges, [VersionRange(version: "0", lessThan: "*", status: .affected)])
        XCTAssertEqual(siemens.cvss.map(\.baseScore), [8.2])
    }

    func testMandatoryFieldsAndBadValuesAreRejectedWithTheirPath() throws {
        let base = try JSONSerialization.jsonObject(with: try Fixtures.data("csaf/oasis/2022-evd-uc-01-f-001.json")) as? [String: Any]
        func reject(_ change: (inout [String: Any]) -> Void) throws -> IngestError? {
            var object = try XCTUnwrap(base)
            change(&object)
            let data = try JSONSerialization.data(withJSONObject: object)
            do {
                _ = try adapter.parse(data, options: IngestOptions())
                return nil
            } catch {
                return error
            }
        }
        func edit(_ object: inout [String: Any], _ path: [String], _ value: Any?) {
            guard let key = path.first else { return }
            if path.count == 1 { object[key] = value; return }
            var child = object[key] as? [String: Any] ?? [:]
            edit(&child, Array(path.dropFirst()), value)
            object[key] = child
        }
        XCTAssertEqual(try reject { edit(&$0, ["document", "tracking", "id"], nil) }?.path, "document.tracking.id")
        XCTAssertEqual(try reject { edit(&$0, ["document", "tracking", "id"], 42) }?.path, "document.tracking.id")
        XCTAssertEqual(try reject { edit(&$0, ["document", "tracking", "version"], nil) }?.path, "document.tracking.version")
        XCTAssertEqual(try reject { edit(&$0, ["document", "tracking", "status"], "published") }?.path, "document.tracking.status")
        XCTAssertEqual(try reject { edit(&$0, ["document", "tracking", "initial_release_date"], "yesterday") }?.path, "document.tracking.initial_release_date")
        XCTAssertEqual(try reject { edit(&$0, ["document", "category"], nil) }?.path, "document.category")
        XCTAssertEqual(try reject { edit(&$0, ["document", "csaf_version"], "1.2") }?.path, "document.csaf_version")
        XCTAssertEqual(try reject { edit(&$0, ["document", "publisher"], nil) }?.path, "document.publisher")
        XCTAssertEqual(try reject { edit(&$0, ["document", "title"], nil) }?.path, "document.title")
        XCTAssertEqual(try reject { edit(&$0, ["document", "distribution"], ["tlp": ["label": "PURPLE"]]) }?.path, "document.distribution.tlp.label")
        XCTAssertEqual(try reject { $0["vulnerabilities"] = [["cve": "CVE-2021-44228"], ["cve": "log4shell"]] }?.path, "vulnerabilities[1].cve")
        XCTAssertEqual(try reject { $0["vulnerabilities"] = [["product_status": ["fixed": ["CSAFPID-0404"]]]] }?.path, "vulnerabilities[0].product_status.fixed[0]")
        XCTAssertNil(try reject { $0["vulnerabilities"] = nil }, "a document without vulnerabilities is valid")
    }

    func testHostileInputIsRejectedNotCrashed() {
        let deep = Data((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8)
        XCTAssertThrowsError(try adapter.parse(deep, options: IngestOptions())) { error in
            XCTAssertTrue((error as? IngestError)?.message.contains("deeper than") == true)
        }
        XCTAssertThrowsError(try adapter.parse(Data(), options: IngestOptions()))
        XCTAssertThrowsError(try adapter.parse(Data("{\"document\": ".utf8), options: IngestOptions()))
        XCTAssertThrowsError(try adapter.parse(Data("[1,2]".utf8), options: IngestOptions()))
    }

    func testExploitStatusThreatMarksKnownExploited() throws {
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: try Fixtures.data("csaf/oasis/2022-evd-uc-01-a-001.json")) as? [String: Any])
        var vulnerabilities = try XCTUnwrap(object["vulnerabilities"] as? [[String: Any]])
        vulnerabilities[0]["threats"] = [["category": "exploit_status", "details": "This vulnerability is actively exploited in the wild."]]
        object["vulnerabilities"] = vulnerabilities
        XCTAssertTrue(try adapter.parse(try JSONSerialization.data(withJSONObject: object), options: IngestOptions())[0].draft.knownExploited)
        vulnerabilities[0]["threats"] = [["category": "exploit_status", "details": "No known exploitation in the wild."]]
        object["vulnerabilities"] = vulnerabilities
        XCTAssertFalse(try adapter.parse(try JSONSerialization.data(withJSONObject: object), options: IngestOptions())[0].draft.knownExploited)
    }
}
