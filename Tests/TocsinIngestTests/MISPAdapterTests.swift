import XCTest
import TocsinCore
@testable import TocsinIngest
import TocsinTestSupport

final class MISPAdapterTests: XCTestCase {
    private let adapter = MISPAdapter()

    private func parse(_ path: String, options: IngestOptions = IngestOptions(), file: StaticString = #filePath, line: UInt = #line) throws -> [AlertDraft] {
        try adapter.parse(Fixtures.data(path, file: file, line: line), options: options).map(\.draft)
    }

    private func single(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> AlertDraft {
        let drafts = try parse(path, file: file, line: line)
        XCTAssertEqual(drafts.count, 1, file: file, line: line)
        return try XCTUnwrap(drafts.first, file: file, line: line)
    }

    private func failure(_ json: String) -> IngestError? {
        do {
            _ = try adapter.parse(Data(json.utf8), options: IngestOptions())
            return nil
        } catch { return error }
    }

    /// `misp_attributes_to_stix21.json` is misp-stix's mapping documentation (one MISP attribute and its STIX
    /// equivalent per type), not an event: it is refused here and used by `MISPTypeMappingTests`.
    private static let mappingDocument = "misp_attributes_to_stix21.json"

    // MARK: The whole corpus

    func testEveryFixtureParsesIntoValidDraftsExceptTheMappingDocument() throws {
        let files = try Fixtures.files(in: "misp", extensions: [".json"])
        XCTAssertEqual(files.count, 13)
        var alerts = 0
        for url in files {
            let data = try Data(contentsOf: url)
            XCTAssertFalse(STIXAdapter.recognises(data), "\(url.lastPathComponent) taken for STIX")
            XCTAssertFalse(NativeAdapter.recognises(data), "\(url.lastPathComponent) taken for native")
            if url.lastPathComponent == Self.mappingDocument {
                XCTAssertFalse(MISPAdapter.recognises(data))
                XCTAssertThrowsError(try adapter.parse(data, options: IngestOptions())) { error in
                    XCTAssertTrue((error as? IngestError)?.message.hasPrefix("not a MISP event") == true)
                }
                continue
            }
            XCTAssertTrue(MISPAdapter.recognises(data), "\(url.lastPathComponent) not recognised")
            do {
                for alert in try adapter.parse(data, options: IngestOptions()) {
                    XCTAssertNoThrow(try alert.draft.validated(), url.lastPathComponent)
                    XCTAssertEqual(alert.draft.source, "misp")
                    XCTAssertNotNil(alert.draft.sourceRef)
                    XCTAssertNotNil(alert.draft.sourceVersion)
                    XCTAssertNotNil(alert.draft.sourcePublishedAt)
                    XCTAssertNotNil(alert.draft.attributes["misp.threat_level"], url.lastPathComponent)
                    alerts += 1
                }
            } catch {
                XCTFail("\(url.lastPathComponent): \(error)")
            }
        }
        // 11 one-event documents and the two-event REST response.
        XCTAssertEqual(alerts, 13)
    }

    // MARK: Envelopes and real events

    func testEventWrapper() throws {
        let draft = try single("misp/eset/sshdoor__misp-events__bespin.json")
        XCTAssertEqual(draft.title, "SSHDoor : Bespin")
        XCTAssertEqual(draft.sourceRef, "5bbe52cb-40b0-4bda-8140-79220a016219")
        XCTAssertEqual(draft.sourceVersion, "1539269748")
        XCTAssertEqual(draft.sourceUpdatedAt, Date(timeIntervalSince1970: 1_539_269_748))
        XCTAssertEqual(draft.sourcePublishedAt, RFC3339.parse("2018-10-10T00:00:00Z"))
        XCTAssertEqual(draft.tlp, .amber, "no tlp tag: the MISP default")
        XCTAssertEqual(draft.severity, .medium, "threat level 4, Undefined")
        XCTAssertEqual(draft.attributes["misp.threat_level"], "Undefined")
        XCTAssertEqual(draft.attributes["tocsin.severitySource"], "default")
        XCTAssertEqual(draft.attributes["misp.tags"], "SSHDoor")
        XCTAssertEqual(draft.attributes["misp.org"], "ESET")
        XCTAssertEqual(draft.attributes["misp.detections"], "Linux/SSHDoor.BE")
        XCTAssertEqual(draft.indicators, [
            Indicator(type: .sha1, value: "48bd2075313b1731938ee82282dc2562fbaa6cb1", toIds: false),
            Indicator(type: .filename, value: "/var/tmp/.pipe.sock", toIds: false),
        ])
    }

    func testResponseWrapper() throws {
        let draft = try single("misp/eset/signsight__signsight-misp-event.json")
        XCTAssertEqual(draft.sourceRef, "b5a79c58-fbd0-459c-8f19-8494f7f12b51")
        XCTAssertEqual(draft.title, "Operation SignSight: Supply-chain attack against a certification authority in Southeast Asia")
        XCTAssertEqual(draft.severity, .high)
        XCTAssertEqual(draft.attributes["tocsin.severitySource"], "source")
        // filename|sha1 gives both halves.
        XCTAssertEqual(Array(draft.indicators.prefix(2)), [
            Indicator(type: .filename, value: "gca01-client-v2-x64-8.3.msi", toIds: false, comment: "Trojanized installer"),
            Indicator(type: .sha1, value: "5c77a18880cf58df9fba102dd8267c3f369df449", toIds: false, comment: "Trojanized installer"),
        ])
        XCTAssertEqual(draft.indicators.count, 12)
        XCTAssertEqual(draft.references.count, 1)
        XCTAssertNil(draft.attributes["misp.tags"])
    }

    func testSeveralEventsInOneResponse() throws {
        let drafts = try parse("misp/misp-stix/test_events_collection_1.json")
        XCTAssertEqual(drafts.map(\.sourceRef), ["e2e6a6ea-f69b-4d93-8564-f51d67cafe51", "d402185f-c129-4f65-8678-43edb2cee1cf"])
        XCTAssertEqual(drafts.map(\.severity), [.medium, .medium])
        // An AS number is kept as `other`; the attribute says nothing of to_ids.
        XCTAssertEqual(drafts[0].indicators, [Indicator(type: .other, value: "AS174", toIds: nil, comment: "AS")])
        XCTAssertEqual(drafts[1].indicators, [Indicator(type: .domain, value: "circl.lu", toIds: true, comment: "Domain test attribute")])
    }

    func testBareEventWithTLPWhiteAndGalaxies() throws {
        let draft = try single("misp/pymisp/circl-osint-sednit-existing_event.json")
        XCTAssertEqual(draft.title, "OSINT - Sednit update: How Fancy Bear Spent the Year")
        XCTAssertEqual(draft.sourceRef, "5a3c2fcd-8328-42bb-a95e-4f4402de0b81")
        XCTAssertEqual(draft.tlp, .clear, "tlp:white")
        XCTAssertEqual(draft.severity, .low)
        XCTAssertEqual(draft.attributes["misp.threat_level"], "Low")
        XCTAssertEqual(draft.attributes["misp.org"], "CIRCL")
        XCTAssertTrue(draft.attributes["misp.galaxies"]?.split(separator: "\n").contains("misp-galaxy:threat-actor=\"Sofacy\"") == true)
        XCTAssertTrue(draft.attributes["misp.tags"]?.hasPrefix("tlp:white\nworkflow:state=\"incomplete\"") == true)
        // 83 indicator attributes (7 domains, then 49 objects' filenames, hashes, addresses and domains), 2 repeated.
        XCTAssertEqual(draft.indicators.count, 81)
        XCTAssertEqual(draft.indicators.first, Indicator(type: .domain, value: "movieultimate.com", toIds: true, comment: "Xagent Samples"))
        XCTAssertEqual(draft.references.map(\.url), ["https://www.welivesecurity.com/2017/12/21/sednit-update-fancy-bear-spent-year/"])
        XCTAssertTrue(draft.summary.hasPrefix("The Sednit group — also known as Strontium, APT28, Fancy Bear or Sofacy"))
    }

    func testToIdsCommentsLinksAndCompositeRegistryValue() throws {
        let draft = try single("misp/pymisp/circl-osint-xorist-57c4445b.json")
        XCTAssertEqual(draft.title, "Ransomware - Xorist")
        XCTAssertEqual(draft.tlp, .clear)
        XCTAssertEqual(draft.sourceVersion, "1472541011")
        XCTAssertEqual(draft.indicators.first, Indicator(type: .filename, value: "3Z4wnG9603it23y.exe", toIds: true, comment: "Imported via the Freetext Import Tool"))
        XCTAssertEqual(draft.indicators.map(\.type), [.filename, .md5, .sha1, .sha256, .other])
        XCTAssertEqual(draft.indicators.last?.comment, "regkey|value")
        XCTAssertEqual(draft.references.map(\.url), [
            "https://www.virustotal.com/file/b3c4ae251f8094fa15b510051835c657eaef2a6cea46075d3aec964b14a99f68/analysis/1469554268/",
            "http://www.xylibox.com/2011/06/have-fun-with-trojan-ransomwin32xorist.html",
        ])
        XCTAssertEqual(draft.summary, "UPX packed")
        XCTAssertTrue(draft.body?.contains("Algorithm: TEA") == true)
        XCTAssertEqual(draft.attributes["misp.tags"]?.split(separator: "\n").count, 4)
    }

    func testUnicodeEvent() throws {
        let draft = try single("misp/pymisp/event-japanese-unicode.json")
        XCTAssertEqual(draft.title, "Japanese Lorem Ipsum 条イ音態ぞゃご法説イシ技")
        XCTAssertEqual(draft.attributes["misp.org"], "ORGNAME 条イ音態ぞゃご法説イシ技")
        XCTAssertTrue(draft.attributes["misp.galaxies"]?.contains("misp-galaxy:mitre-intrusion-set=\"APT32 - G0050\"") == true)
        XCTAssertTrue(draft.attributes["misp.detections"]?.hasPrefix("条イ音態ぞゃご法説イシ技位ーイ能目門初ヱ変") == true)
        XCTAssertEqual(draft.indicators, [])
    }

    func testEventWithSightings() throws {
        let draft = try single("misp/pymisp/event-with-sightings.json")
        XCTAssertEqual(draft.title, "Ursnif, MALWAREMESSIAGH")
        XCTAssertEqual(draft.indicators.count, 5)
        XCTAssertEqual(draft.indicators.first, Indicator(type: .domain, value: "ooiasjdnqjwbeasdasd.com", toIds: true, comment: "Ursnif"))
        XCTAssertTrue(draft.indicators.allSatisfy { $0.toIds == true })
        XCTAssertEqual(draft.attributes["misp.galaxies"], "misp-galaxy:banker=\"Gozi\"")
        XCTAssertEqual(draft.sourcePublishedAt, RFC3339.parse("2018-08-01T00:00:00Z"))
    }

    func testObjectsOnlyEvent() throws {
        let draft = try single("misp/eset/cloudmensis__cloudmensis.misp.json")
        XCTAssertEqual(draft.title, "CloudMensis")
        XCTAssertEqual(draft.severity, .high)
        XCTAssertEqual(draft.indicators.count, 11)
        XCTAssertEqual(Dictionary(grouping: draft.indicators, by: \.type).mapValues(\.count), [.filename: 2, .md5: 3, .sha1: 3, .sha256: 3])
    }

    // MARK: Tolerance and strictness

    func testFieldTypesOfDifferentMISPVersions() throws {
        let json = """
        {"Event": {"info": "Typed differently", "uuid": "0b7a1d3c-1111-4a2b-9c3d-aaaaaaaaaaaa", "timestamp": 1700000000,
          "publish_timestamp": "1700000100", "date": "2023-11-14", "threat_level_id": 1, "distribution": 3, "analysis": "2",
          "Attribute": [
            {"type": "ip-dst", "value": "198.51.100.7", "to_ids": "1", "distribution": "5"},
            {"type": "ip-src", "value": "2001:db8::1", "to_ids": 0, "distribution": 5},
            {"type": "domain", "value": "evil.example", "to_ids": true},
            {"type": "url", "value": "https://evil.example/a", "to_ids": "false", "deleted": "1"},
            {"type": "vulnerability", "value": "cve-2024-3400", "to_ids": false, "comment": "PAN-OS"}
          ]}}
        """
        let draft = try XCTUnwrap(adapter.parse(Data(json.utf8), options: IngestOptions()).first?.draft)
        XCTAssertEqual(draft.sourceVersion, "1700000000")
        XCTAssertEqual(draft.severity, .high)
        XCTAssertEqual(draft.attributes["misp.analysis"], "complete")
        XCTAssertEqual(draft.indicators, [
            Indicator(type: .ipv4, value: "198.51.100.7", toIds: true),
            Indicator(type: .ipv6, value: "2001:db8::1", toIds: false),
            Indicator(type: .domain, value: "evil.example", toIds: true),
            Indicator(type: .cve, value: "CVE-2024-3400", toIds: false, comment: "PAN-OS"),
        ])
        XCTAssertEqual(draft.cves, ["CVE-2024-3400"])
    }

    func testMostRestrictiveTLPTagWins() throws {
        let json = """
        {"info": "Marked", "uuid": "0b7a1d3c-2222-4a2b-9c3d-aaaaaaaaaaaa", "date": "2024-01-02",
         "Tag": [{"name": "tlp:green"}, {"name": "TLP:AMBER+STRICT"}, {"name": "tlp:ex:chr"}],
         "Attribute": []}
        """
        XCTAssertEqual(try adapter.parse(Data(json.utf8), options: IngestOptions()).first?.draft.tlp, .amberStrict)
        let attributeRed = """
        {"Event": {"info": "Marked", "uuid": "0b7a1d3c-3333-4a2b-9c3d-aaaaaaaaaaaa", "Tag": [{"name": "tlp:clear"}],
         "Attribute": [{"type": "domain", "value": "a.example", "Tag": [{"name": "tlp:red"}]}]}}
        """
        XCTAssertEqual(try adapter.parse(Data(attributeRed.utf8), options: IngestOptions()).first?.draft.tlp, .red)
        let unmarked = #"{"Event": {"info": "Unmarked", "uuid": "0b7a1d3c-4444-4a2b-9c3d-aaaaaaaaaaaa"}}"#
        XCTAssertEqual(try adapter.parse(Data(unmarked.utf8), options: IngestOptions(defaultTLP: .green)).first?.draft.tlp, .green)
    }

    func testErrorsNameTheField() {
        XCTAssertEqual(failure(#"{"Event": {"info": "x", "uuid": "u", "threat_level_id": "7"}}"#)?.path, "Event.threat_level_id")
        XCTAssertEqual(failure(#"{"Event": {"info": "x", "uuid": "u", "Attribute": [{"type": "md5", "value": "a"}, {"type": "md5"}]}}"#)?.path, "Event.Attribute[1].value")
        XCTAssertEqual(failure(#"{"Event": {"info": "x", "uuid": "u", "Attribute": [{"type": "md5", "value": "a", "to_ids": "maybe"}]}}"#)?.path, "Event.Attribute[0].to_ids")
        XCTAssertEqual(failure(#"{"Event": {"info": "x", "uuid": "u", "Object": [{"Attribute": [{"value": "a"}]}]}}"#)?.path, "Event.Object[0].Attribute[0].type")
        XCTAssertEqual(failure(#"{"Event": {"info": "x", "uuid": "u", "date": "2024-02-30"}}"#)?.path, "Event.date")
        XCTAssertEqual(failure(#"{"Event": {"info": "x", "uuid": "u", "timestamp": "soon"}}"#)?.path, "Event.timestamp")
        XCTAssertEqual(failure(#"{"Event": {"uuid": "u"}}"#)?.path, "Event.info")
        XCTAssertEqual(failure(#"{"Event": {"info": "x"}}"#)?.path, "Event.uuid")
        XCTAssertEqual(failure(#"{"response": [{"Event": {"info": "a", "uuid": "u1"}}, {"Event": {"info": "b", "uuid": "u2", "Attribute": [{"value": "v"}]}}]}"#)?.path,
                       "response[1].Event.Attribute[0].type")
        XCTAssertEqual(failure(#"{"response": [{"event": {}}]}"#)?.path, "response[0]")
        XCTAssertEqual(failure(#"{"Event": "x"}"#)?.path, "Event")
        XCTAssertEqual(failure(#"{"name": "not an event"}"#)?.message.hasPrefix("not a MISP event"), true)
        XCTAssertEqual(failure(#"{"Event": {"info": "x", "uuid": "u", "Tag": "tlp:red"}}"#)?.path, "Event.Tag")
    }

    func testEmptyResponseHasNoAlert() throws {
        XCTAssertEqual(try adapter.parse(Data(#"{"response": []}"#.utf8), options: IngestOptions()), [])
    }

    func testConfiguredSourceAndCategories() throws {
        let json = #"{"Event": {"info": "x", "uuid": "u"}}"#
        let draft = try XCTUnwrap(adapter.parse(Data(json.utf8), options: IngestOptions(sourceName: "circl-osint", extraCategories: ["Malware"])).first?.draft)
        XCTAssertEqual(draft.source, "circl-osint")
        XCTAssertEqual(draft.categories, ["malware"])
    }
}
