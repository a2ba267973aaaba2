import XCTest
import TocsinCore
@testable import TocsinIngest
import TocsinTestSupport

final class STIXAdapterTests: XCTestCase {
    private let adapter = STIXAdapter()

    private func parse(_ path: String, options: IngestOptions = IngestOptions(), file: StaticString = #filePath, line: UInt = #line) throws -> [AlertDraft] {
        try adapter.parse(Fixtures.data(path, file: file, line: line), options: options).map(\.draft)
    }

    private func single(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> AlertDraft {
        let drafts = try parse(path, file: file, line: line)
        XCTAssertEqual(drafts.count, 1, file: file, line: line)
        return try XCTUnwrap(drafts.first, file: file, line: line)
    }

    private func date(_ text: String) -> Date? { RFC3339.parse(text) }

    /// The TLP 2.0 marking-definition files hold a lone marking definition each: nothing to alert on.
    private static let markingOnly = "tlp2-markings/"

    // MARK: The whole corpus

    func testEveryFixtureParsesIntoValidDraftsOrIsAMarkingDefinitionOnly() throws {
        let files = try Fixtures.files(in: "stix", extensions: [".json"])
        XCTAssertEqual(files.count, 24)
        var alerts = 0
        for url in files {
            let data = try Data(contentsOf: url)
            XCTAssertTrue(STIXAdapter.recognises(data), "\(url.lastPathComponent) not recognised")
            XCTAssertFalse(MISPAdapter.recognises(data), "\(url.lastPathComponent) taken for MISP")
            XCTAssertFalse(NativeAdapter.recognises(data), "\(url.lastPathComponent) taken for native")
            if url.path.contains(Self.markingOnly) {
                XCTAssertThrowsError(try adapter.parse(data, options: IngestOptions()), url.lastPathComponent) { error in
                    XCTAssertEqual((error as? IngestError)?.message, "the document holds only marking-definition objects: nothing to alert on")
                }
                continue
            }
            do {
                for alert in try adapter.parse(data, options: IngestOptions()) {
                    XCTAssertNoThrow(try alert.draft.validated(), url.lastPathComponent)
                    XCTAssertEqual(alert.action, .publish)
                    XCTAssertEqual(alert.draft.source, "stix")
                    XCTAssertNotNil(alert.draft.sourceRef, url.lastPathComponent)
                    XCTAssertNotNil(alert.draft.sourceVersion, url.lastPathComponent)
                    XCTAssertEqual(alert.draft.attributes["tocsin.severitySource"], "default")
                    XCTAssertNotNil(alert.draft.attributes["stix.types"], url.lastPathComponent)
                    alerts += 1
                }
            } catch {
                XCTFail("\(url.lastPathComponent): \(error)")
            }
        }
        // 19 single-alert documents, plus two groupings in each of the two misp-stix event exports.
        XCTAssertEqual(alerts, 23)
    }

    // MARK: Reports

    func testAPT1Report() throws {
        let draft = try single("stix/oasis-examples/apt1.json")
        XCTAssertEqual(draft.sourceRef, "report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf")
        XCTAssertEqual(draft.title, "APT1: Exposing One of China's Cyber Espionage Units")
        XCTAssertEqual(draft.sourceVersion, "2015-05-15T09:12:16.432Z")
        XCTAssertEqual(draft.sourceUpdatedAt, date("2015-05-15T09:12:16.432Z"))
        XCTAssertEqual(draft.sourcePublishedAt, date("2013-02-19T00:00:00Z"))
        XCTAssertEqual(draft.tlp, .amber, "unmarked: the STIX default")
        XCTAssertEqual(draft.severity, .medium)
        XCTAssertTrue(draft.summary.hasPrefix("Since 2004, Mandiant has investigated computer security breaches"))
        XCTAssertLessThanOrEqual(draft.summary.count, ThreatDraftSupport.summaryLength)
        XCTAssertTrue(draft.body?.hasSuffix("from which APT1 activity appears to originate.") == true)
        // 12 indicators: 4 networks, 3 domains, 3 MD5 hashes; the 2 x509 certificate patterns name no indicator.
        XCTAssertEqual(draft.indicators.count, 10)
        XCTAssertEqual(draft.indicators.first, Indicator(type: .ipv4, value: "223.166.0.0/15", toIds: true, comment: "HTRAN Hop Point Accessor"))
        XCTAssertEqual(draft.indicators.filter { $0.type == .md5 }.map(\.value),
                       ["001dd76872d80801692ff942308c64e6", "002325a0a67fded0381b5648d7fe9b8e", "00dbb9e1c09dbdafb360f3163ba5a3de"])
        XCTAssertEqual(draft.cves, [])
        XCTAssertEqual(draft.attributes["stix.report_types"], "threat-report\nthreat-actor")
        XCTAssertEqual(draft.attributes["stix.intrusion_sets"], "APT1")
        XCTAssertEqual(draft.attributes["stix.malware_types"], "backdoor\ndropper\nremote-access-trojan\nkeylogger")
        XCTAssertEqual(draft.attributes["stix.types"], "attack-pattern\nidentity\nindicator\nintrusion-set\nmalware\nrelationship\nreport\nthreat-actor\ntool")
        XCTAssertEqual(draft.attributes["stix.container"], "report")
    }

    func testPoisonIvyReportWithVulnerabilities() throws {
        let draft = try single("stix/oasis-examples/poisonivy.json")
        XCTAssertEqual(draft.sourceRef, "report--f2b63e80-b523-4747-a069-35c002c690db")
        XCTAssertEqual(draft.title, "Poison Ivy: Assessing Damage and Extracting Intelligence")
        XCTAssertEqual(draft.cves, ["CVE-2012-0158", "CVE-2009-4324", "CVE-2013-0422", "CVE-2013-1347", "CVE-2011-3544", "CVE-2010-3333"])
        // 25 indicators with 67 equality tests over 45 distinct values.
        XCTAssertEqual(draft.indicators.count, 45)
        XCTAssertEqual(draft.indicators.first, Indicator(type: .ipv4, value: "219.76.208.163", toIds: true, comment: "IP address: 219.76.208.163"))
        // `domain-name:value = 'domain autuo.xicp.net'` is no domain name; it is kept, as `other`.
        let odd = draft.indicators.filter { $0.type == .other }
        XCTAssertEqual(odd.map(\.value), ["domain autuo.xicp.net"])
        XCTAssertTrue(odd.first?.comment?.hasPrefix("domain-name:value") == true)
        XCTAssertEqual(draft.attributes["stix.created_by"], "FireEye, Inc.")
        XCTAssertEqual(draft.attributes["stix.campaigns"], "admin@338\nth3bug\nmenuPass")
        XCTAssertEqual(draft.sourcePublishedAt, date("2013-08-21T00:00:00Z"))
    }

    func testMISPExportGroupingsBecomeOneAlertEach() throws {
        let drafts = try parse("stix/misp-stix/test_event2_stix21.json")
        XCTAssertEqual(drafts.map(\.sourceRef), ["grouping--50bf87fc-d134-499f-9e26-806cbe89ed37", "grouping--71356f2b-eefe-48db-a93a-4aa2233e3a59"])
        XCTAssertEqual(drafts.map(\.title), ["MISP-STIX-Converter test event with domain|ip attribute", "MISP-STIX-Converter test event with filename attribute"])
        // The indicator and the observed data state the same values: the detection-flagged copy is kept.
        XCTAssertEqual(drafts[0].indicators, [
            Indicator(type: .domain, value: "circl.lu", toIds: true, comment: "Domain|ip test attribute"),
            Indicator(type: .ipv4, value: "149.13.33.14", toIds: true, comment: "Domain|ip test attribute"),
        ])
        XCTAssertEqual(drafts[1].indicators, [Indicator(type: .filename, value: "test_file_name", toIds: true, comment: "Filename test attribute")])
        XCTAssertEqual(drafts[0].attributes["stix.labels"], "Threat-Report\nmisp:tool=\"MISP-STIX-Converter\"")
        XCTAssertEqual(drafts[0].attributes["stix.context"], "suspicious-activity")
        XCTAssertEqual(drafts[0].attributes["stix.bundle_id"], "bundle--71356f2b-eefe-48db-a93a-4aa2233e3a59")
    }

    // MARK: Bundles without report

    func testIndicatorOnlyBundle() throws {
        let draft = try single("stix/oasis-examples/indicator-for-c2-ip-address.json")
        XCTAssertEqual(draft.sourceRef, "bundle--44af6c39-c09b-49c5-9de2-394224b04982")
        XCTAssertEqual(draft.title, "IP Address for known C2 channel")
        XCTAssertEqual(draft.summary, "Test description C2 channel.")
        XCTAssertEqual(draft.indicators, [Indicator(type: .ipv4, value: "10.0.0.0", toIds: true, comment: "IP Address for known C2 channel")])
        XCTAssertEqual(draft.attributes["stix.container"], "bundle")
    }

    func testCampaignNamesTheBundle() throws {
        let draft = try single("stix/oasis-examples/indicator-to-campaign-relationship.json")
        XCTAssertEqual(draft.title, "Operation Omega")
        XCTAssertEqual(draft.indicators.map(\.value), ["10.0.0.0"])
        XCTAssertEqual(try single("stix/oasis-cti-documentation/defining-campaigns-threat-actors-intrusion-sets.json").title, "Operation Bran Flakes")
        XCTAssertEqual(try single("stix/oasis-cti-documentation/identifying-a-threat-actor-profile.json").title, "Disco Team Threat Actor Group")
    }

    func testMalwareAttributesAndURLIndicator() throws {
        let draft = try single("stix/oasis-cti-documentation/indicator-for-malicious-url.json")
        XCTAssertEqual(draft.title, "x4z9arb backdoor")
        XCTAssertEqual(draft.indicators, [Indicator(type: .url, value: "http://x4z9arb.cn/4712/", toIds: true, comment: "Malicious site hosting downloader")])
        XCTAssertEqual(draft.attributes["stix.malware_types"], "backdoor\nremote-access-trojan")
        XCTAssertEqual(draft.attributes["stix.malware_names"], "x4z9arb backdoor")
    }

    func testObservablesAreNotFlaggedForDetection() throws {
        let infrastructure = try single("stix/oasis-examples/infrastructure.json")
        XCTAssertEqual(infrastructure.indicators, [
            Indicator(type: .ipv4, value: "198.51.100.3", toIds: false),
            Indicator(type: .domain, value: "example.com", toIds: false),
        ])
        let sighting = try single("stix/oasis-cti-documentation/sighting-of-observed-data.json")
        XCTAssertEqual(sighting.indicators, [
            Indicator(type: .filename, value: "resume.pdf", toIds: false),
            Indicator(type: .md5, value: "1717b7fff97d37a1e1a0029d83492de1", toIds: false),
            Indicator(type: .sha1, value: "c79a326f8411e9488bdc3779753e1e3489aaedea", toIds: false),
        ])
    }

    func testMISPObjectsExport() throws {
        let draft = try single("stix/misp-stix/test_objects_collection_stix21.json")
        XCTAssertEqual(draft.sourceRef, "bundle--c1bc67e0-634f-4858-96f0-136370687d88")
        XCTAssertEqual(draft.title, "STIX bundle bundle--c1bc67e0-634f-4858-96f0-136370687d88", "no object of the bundle has a name")
        XCTAssertEqual(draft.indicators.first, Indicator(type: .email, value: "donald.duck@disney.com", toIds: true))
        XCTAssertEqual(draft.indicators.count, 8)
        XCTAssertEqual(draft.indicators.last, Indicator(type: .email, value: "jdoe@random.org", toIds: false))
    }

    func testRegularExpressionPatternsGiveNoIndicator() throws {
        let draft = try single("stix/oasis-examples/malicious-email-indicator-with-attachment.json")
        XCTAssertEqual(draft.title, "Malicious E-mail")
        XCTAssertEqual(draft.indicators, [])
    }

    // MARK: Markings

    func testSingleTopLevelObjectWithTLP1RedMarking() throws {
        let draft = try single("stix/oasis-examples/interop-objectmarking-test.json")
        XCTAssertEqual(draft.sourceRef, "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061")
        XCTAssertEqual(draft.title, "Spear Phishing")
        XCTAssertEqual(draft.tlp, .red, "marking-definition--5e57c739-…-d5ed is TLP:RED; the …-d5ec reference is unknown and ignored")
        XCTAssertNil(draft.attributes["stix.bundle_id"])
        XCTAssertEqual(draft.attributes["stix.container"], "object")
    }

    func testMostRestrictiveObjectMarkingWithoutReport() throws {
        // The threat actor is TLP:RED; the indicator's granular markings are GREEN, AMBER and RED.
        XCTAssertEqual(try single("stix/oasis-cti-documentation/using-granular-markings.json").tlp, .red)
        // A TLP 1.0 definition object in the bundle, next to a copyright statement.
        XCTAssertEqual(try single("stix/oasis-cti-documentation/using-marking-definitions.json").tlp, .amber)
    }

    func testTLP2MarkingObjectsReferencedByTheReport() throws {
        for (file, expected) in [("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003.json", TLP.amberStrict),
                                 ("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb.json", .green),
                                 ("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1.json", .red)] {
            let marking = try markingObject(file)
            let standardID = try XCTUnwrap(marking["id"] as? String)
            // Referenced by its standard id, and under another id so that only the TLP 2.0 extension can tell.
            for id in [standardID, "marking-definition--00000000-0000-4000-8000-000000000001"] {
                var copy = marking
                copy["id"] = id
                let draft = try XCTUnwrap(adapter.parse(reportBundle(marking: copy, reference: id), options: IngestOptions()).first?.draft)
                XCTAssertEqual(draft.tlp, expected, "\(file) as \(id)")
                XCTAssertEqual(draft.sourceRef, "report--6b3e0ee4-9f0a-4c57-8a5b-8bbd5ad5d31e")
            }
        }
    }

    func testTLPWhiteIsClearAndUnmarkedTakesTheConfiguredDefault() throws {
        let white = try reportBundle(marking: nil, reference: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9")
        XCTAssertEqual(try adapter.parse(white, options: IngestOptions()).first?.draft.tlp, .clear)
        let unmarked = try reportBundle(marking: nil, reference: nil)
        XCTAssertEqual(try adapter.parse(unmarked, options: IngestOptions(defaultTLP: .green)).first?.draft.tlp, .green)
        XCTAssertEqual(try adapter.parse(unmarked, options: IngestOptions()).first?.draft.tlp, .amber)
    }

    func testUnknownTLP2LevelIsRefused() throws {
        var marking = try markingObject("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb.json")
        marking["id"] = "marking-definition--00000000-0000-4000-8000-000000000002"
        marking["extensions"] = [STIXMarkings.tlp2Extension: ["extension_type": "property-extension", "tlp_2_0": "purple"]]
        let data = try reportBundle(marking: marking, reference: "marking-definition--00000000-0000-4000-8000-000000000002")
        XCTAssertThrowsError(try adapter.parse(data, options: IngestOptions())) { error in
            let error = error as? IngestError
            XCTAssertEqual(error?.path, "objects[1].extensions.\(STIXMarkings.tlp2Extension).tlp_2_0")
            XCTAssertTrue(error?.message.contains("'purple' is not a TLP 2.0 level") == true)
        }
    }

    // MARK: Errors

    func testMalformedPatternNamesTheObject() throws {
        let bundle = """
        {"type": "bundle", "id": "bundle--1", "objects": [
          {"type": "indicator", "id": "indicator--a", "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix"},
          {"type": "indicator", "id": "indicator--b", "pattern": "[ipv4-addr:value = '198.51.100.2'", "pattern_type": "stix"}
        ]}
        """
        XCTAssertThrowsError(try adapter.parse(Data(bundle.utf8), options: IngestOptions())) { error in
            let error = error as? IngestError
            XCTAssertEqual(error?.path, "objects[1].pattern")
            XCTAssertEqual(error?.format, .stix)
            XCTAssertEqual(error?.message, "is not a valid STIX pattern: expected ']' closing the observation, found the end of the pattern (at character 33)")
        }
    }

    func testOtherPatternLanguagesAreNotRead() throws {
        let bundle = """
        {"type": "bundle", "id": "bundle--2", "objects": [
          {"type": "indicator", "id": "indicator--a", "name": "Snort rule", "pattern": "alert tcp any any -> any 80", "pattern_type": "snort"}
        ]}
        """
        let draft = try XCTUnwrap(adapter.parse(Data(bundle.utf8), options: IngestOptions()).first?.draft)
        XCTAssertEqual(draft.title, "Snort rule")
        XCTAssertEqual(draft.indicators, [])
    }

    func testStructuralErrorsHavePaths() {
        func failure(_ json: String) -> IngestError? {
            do {
                _ = try adapter.parse(Data(json.utf8), options: IngestOptions())
                return nil
            } catch { return error }
        }
        XCTAssertEqual(failure(#"{"type": "bundle", "objects": [{"id": "indicator--x"}]}"#)?.path, "objects[0].type")
        XCTAssertEqual(failure(#"{"type": "bundle", "objects": [{"type": "indicator", "id": "x"}]}"#)?.path, "objects[0].id")
        XCTAssertEqual(failure(#"{"type": "bundle", "objects": [{"type": "indicator", "id": "indicator--x"}]}"#)?.path, "objects[0].pattern")
        XCTAssertEqual(failure(#"{"type": "bundle", "objects": [{"type": "report", "id": "report--x", "published": "yesterday"}]}"#)?.path, "objects[0].published")
        XCTAssertEqual(failure(#"{"type": "bundle", "objects": 3}"#)?.path, "objects")
        XCTAssertEqual(failure(#"[1, 2]"#)?.message.hasPrefix("expected a STIX bundle"), true)
        XCTAssertEqual(failure(#"{"type": "bundle", "objects": []}"#)?.message, "the document holds no objects: nothing to alert on")
        XCTAssertEqual(failure("not json")?.message, "the document is not valid JSON")
        XCTAssertEqual(failure(String(repeating: "[", count: 100) + String(repeating: "]", count: 100))?.message.hasPrefix("the JSON nests deeper than 64 levels"), true)
    }

    func testLatestVersionOfAReportWins() throws {
        let bundle = """
        {"type": "bundle", "id": "bundle--3", "objects": [
          {"type": "report", "id": "report--r", "name": "First", "published": "2024-01-01T00:00:00Z", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "object_refs": []},
          {"type": "report", "id": "report--r", "name": "Revised", "published": "2024-01-01T00:00:00Z", "created": "2024-01-01T00:00:00Z", "modified": "2024-02-01T00:00:00Z", "object_refs": []}
        ]}
        """
        let drafts = try adapter.parse(Data(bundle.utf8), options: IngestOptions(sourceName: "partner-cti")).map(\.draft)
        XCTAssertEqual(drafts.map(\.title), ["Revised"])
        XCTAssertEqual(drafts.first?.sourceVersion, "2024-02-01T00:00:00Z")
        XCTAssertEqual(drafts.first?.source, "partner-cti")
    }

    func testRevokedReportCancelsItsAlert() throws {
        let bundle = """
        {"type": "bundle", "id": "bundle--4", "objects": [
          {"type": "report", "id": "report--w", "name": "Withdrawn", "published": "2024-01-01T00:00:00Z", "created": "2024-01-01T00:00:00Z", "modified": "2024-03-01T00:00:00Z", "revoked": true, "object_refs": []}
        ]}
        """
        let alert = try XCTUnwrap(adapter.parse(Data(bundle.utf8), options: IngestOptions()).first)
        XCTAssertEqual(alert.action, .cancel)
        XCTAssertEqual(alert.supersedes, ["report--w"])
    }

    // MARK: Helpers

    private func markingObject(_ file: String) throws -> [String: Any] {
        let bundle = try JSONSerialization.jsonObject(with: Fixtures.data("stix/tlp2-markings/\(file)")) as? [String: Any]
        return try XCTUnwrap((bundle?["objects"] as? [[String: Any]])?.first)
    }

    /// A bundle with one report referencing one indicator, the report marked with `reference` and the bundle
    /// carrying `marking` (a marking-definition object) when given.
    private func reportBundle(marking: [String: Any]?, reference: String?) throws -> Data {
        var report: [String: Any] = [
            "type": "report", "spec_version": "2.1", "id": "report--6b3e0ee4-9f0a-4c57-8a5b-8bbd5ad5d31e",
            "created": "2024-05-01T08:00:00.000Z", "modified": "2024-05-02T08:00:00.000Z", "published": "2024-05-01T08:00:00.000Z",
            "name": "Marked report", "report_types": ["threat-report"], "object_refs": ["indicator--5a1bb1c5-0c63-4c2b-8a0c-2f5cbe1a5b11"],
        ]
        if let reference { report["object_marking_refs"] = [reference] }
        let indicator: [String: Any] = [
            "type": "indicator", "spec_version": "2.1", "id": "indicator--5a1bb1c5-0c63-4c2b-8a0c-2f5cbe1a5b11",
            "created": "2024-05-01T08:00:00.000Z", "modified": "2024-05-01T08:00:00.000Z",
            "pattern": "[ipv4-addr:value = '198.51.100.1/32']", "pattern_type": "stix", "valid_from": "2024-05-01T08:00:00Z",
        ]
        var objects: [[String: Any]] = [report]
        if let marking { objects.append(marking) }
        objects.append(indicator)
        return try JSONSerialization.data(withJSONObject: ["type": "bundle", "id": "bundle--6b3e0ee4-0000-4c57-8a5b-8bbd5ad5d31e", "objects": objects])
    }
}
