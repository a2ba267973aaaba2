import Foundation
import TocsinCore
import TocsinTestSupport
import XCTest

/// The STIX writer without I/O: stable ids, patterns only for indicators meant for detection, revocation, and the
/// official TLP 2.0 marking-definitions byte for byte.
final class STIXWriterTests: XCTestCase {
    let writer = STIXWriter(producer: STIXProducer(contact: "https://tocsin.example.org"))

    func alert(_ indicators: [Indicator], status: AlertStatus = .published, revision: Int = 1, updated: TimeInterval = 0) -> Alert {
        let draft = AlertDraft(title: "Rançongiciel", summary: "Résumé", severity: .high, tlp: .amber, cves: ["CVE-2024-3400"], indicators: indicators)
        var alert = Alert.first(from: draft, id: "5b0c3f0e-8a53-4b4e-9d2a-0c7f3b9e1a11", now: Date(timeIntervalSince1970: 1_800_000_000))
        alert.revision = revision
        alert.status = status
        alert.updatedAt = alert.publishedAt.addingTimeInterval(updated)
        return alert
    }

    func objects(_ alert: Alert) -> [String: [String: Any]] {
        var byId: [String: [String: Any]] = [:]
        for object in writer.alertObjects(alert) {
            byId[object.id] = try? JSONSerialization.jsonObject(with: Data(object.json.utf8)) as? [String: Any]
        }
        return byId
    }

    func testARevisionKeepsTheIdsAndACancellationRevokes() {
        let indicators = [Indicator(type: .ipv4, value: "203.0.113.7"), Indicator(type: .sha256, value: String(repeating: "a", count: 64))]
        let first = objects(alert(indicators))
        let revised = objects(alert(indicators, status: .updated, revision: 2, updated: 60))
        XCTAssertEqual(Set(first.keys), Set(revised.keys))
        for (id, object) in revised where object["modified"] != nil {
            XCTAssertGreaterThan(object["modified"] as! String, first[id]!["modified"] as! String, id)
        }
        let cancelled = objects(alert(indicators, status: .cancelled, revision: 3, updated: 120))
        XCTAssertTrue(cancelled.values.filter { $0["created"] != nil }.allSatisfy { $0["revoked"] as? Bool == true })
    }

    func testOnlyIndicatorsMeantForDetectionGetAPattern() {
        let objects = objects(alert([
            Indicator(type: .domain, value: "stated.example.org"),
            Indicator(type: .domain, value: "extracted.example.org", origin: .extracted, confidence: 0.4),
            Indicator(type: .url, value: "https://example.org/x", toIds: false),
            Indicator(type: .md5, value: String(repeating: "b", count: 32), origin: .extracted),
        ]))
        let patterns = objects.values.compactMap { $0["pattern"] as? String }
        XCTAssertEqual(patterns, ["[domain-name:value = 'stated.example.org']"])
        XCTAssertTrue(objects.values.contains { $0["type"] as? String == "domain-name" && $0["value"] as? String == "extracted.example.org" })
        XCTAssertTrue(objects.values.contains { $0["type"] as? String == "url" })
        XCTAssertTrue(objects.values.contains { ($0["content"] as? String)?.contains(String(repeating: "b", count: 32)) == true },
                      "a hash not meant for detection is in the note")
    }

    func testPatternsEscapeQuotesAndBackslashes() {
        XCTAssertEqual(STIXPattern.pattern(Indicator(type: .url, value: #"http://x/it's\a"#)), #"[url:value = 'http://x/it\'s\\a']"#)
        XCTAssertEqual(STIXPattern.pattern(Indicator(type: .sha1, value: "ab")), "[file:hashes.'SHA-1' = 'ab']")
    }

    func testObservableIdsAreTheVersion5IdsSTIXDefines() {
        // Python's uuid.uuid5(STIX namespace, '{"value":"198.51.100.3"}'), the canonical JSON of its contributing property.
        XCTAssertEqual(STIXIdentifier.observable("ipv4-addr", contributing: ["value": "198.51.100.3"]),
                       "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4")
    }

    func testTheMarkingDefinitionsAreTheOfficialFilesByteForByte() throws {
        for tlp in [TLP.green, .amberStrict, .red] {
            let file = try Fixtures.data("stix/tlp2-markings/\(STIXMarkings.id(tlp)).json")
            XCTAssertEqual(Data(STIXMarkings.publishedBundle(tlp).utf8), file, tlp.label)
        }
        for tlp in TLP.allCases {
            let object = STIXMarkings.object(tlp)
            XCTAssertEqual(object["id"] as? String, STIXMarkings.id(tlp))
            XCTAssertEqual(object["name"] as? String, tlp.label)
            XCTAssertEqual(object["created"] as? String, "2022-10-01T00:00:00.000Z")
            let extensions = object["extensions"] as? [String: [String: String]]
            XCTAssertEqual(extensions?[STIXMarkings.extensionDefinitionId]?["tlp_2_0"], tlp.rawValue.lowercased())
        }
    }
}
