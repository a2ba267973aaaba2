import Crypto
import Foundation
import TocsinTestSupport
import XCTest

/// The MISP feed of a feed subscription (`/feeds/{token}/misp/`): its shape against MISP's core format (misp-rfc)
/// and the MISP events of the fixture corpus, and PyMISP's `MISPEvent().load()` reading every event.
final class MISPFeedTests: XCTestCase {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/misp_feed.py").path

    func testTheFeedHasMISPsCoreFormatAndPyMISPReadsEveryEvent() async throws {
        let broker = try await BrokerProcess.start()
        defer { broker.stop() }
        let org = try await broker.createOrg("CHU", clearance: "AMBER")
        let feed = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "feed"])
        let token = try XCTUnwrap(feed.json["feedToken"] as? String, feed.text)
        var alert = alertJSON(title: "Rançongiciel", tlp: "AMBER")
        alert["indicators"] = [
            ["type": "ipv4", "value": "203.0.113.7"],
            ["type": "sha256", "value": String(repeating: "cd", count: 32)],
            ["type": "domain", "value": "extrait.example.org", "origin": "extracted", "confidence": 0.5],
            ["type": "url", "value": "https://example.org/pas-pour-bloquer", "toIds": false],
        ]
        let id = try await broker.publish(alert)
        let red = try await broker.publish(alertJSON(title: "Rouge", tlp: "RED"))
        // The MISP events of the corpus, ingested: they come out as events too.
        for fixture in try Fixtures.files(in: "misp/pymisp", extensions: ["json"]).prefix(3) {
            _ = try broker.cli(["import", "--tlp", "GREEN", fixture.path])
        }

        let base = "/feeds/\(token)/misp"
        let manifest = try await broker.request("GET", "\(base)/manifest.json", token: nil)
        XCTAssertEqual(manifest.status, 200, manifest.text)
        XCTAssertTrue(manifest.json.keys.contains(id))
        XCTAssertFalse(manifest.json.keys.contains(red), "above the organisation's clearance")
        let entry = try XCTUnwrap(manifest.json[id] as? [String: Any])
        for key in ["info", "Orgc", "analysis", "threat_level_id", "date", "timestamp", "Tag"] { XCTAssertNotNil(entry[key], key) }
        let hidden = try await broker.request("GET", "\(base)/\(red).json", token: nil)
        XCTAssertEqual(hidden.status, 404)
        let unknown = try await broker.request("GET", "/feeds/wrong/misp/manifest.json", token: nil)
        XCTAssertEqual(unknown.status, 401)

        // misp-rfc's core format: an Event object with uuid, info, date, threat_level_id, analysis, timestamp, Orgc,
        // Tag and Attribute; attributes with uuid, type, category, value, to_ids, timestamp; as the corpus's events have.
        let answer = try await broker.request("GET", "\(base)/\(id).json", token: nil)
        XCTAssertEqual(answer.status, 200)
        let event = try XCTUnwrap(answer.json["Event"] as? [String: Any])
        let corpus = try XCTUnwrap((try JSONSerialization.jsonObject(with: Fixtures.data("misp/pymisp/circl-osint-xorist-57c4445b.json")) as? [String: Any])?["Event"] as? [String: Any])
        for key in ["uuid", "info", "date", "threat_level_id", "analysis", "timestamp", "published", "Orgc", "Tag", "Attribute"] {
            XCTAssertNotNil(event[key], key)
            XCTAssertEqual(String(describing: type(of: event[key]!)) == String(describing: type(of: corpus[key] ?? event[key]!)), true, key)
        }
        XCTAssertEqual(event["uuid"] as? String, id)
        XCTAssertEqual((event["Tag"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["tlp:amber"])
        let attributes = try XCTUnwrap(event["Attribute"] as? [[String: Any]])
        func attribute(_ value: String) -> [String: Any]? { attributes.first { $0["value"] as? String == value } }
        XCTAssertEqual(attribute("203.0.113.7")?["type"] as? String, "ip-dst")
        XCTAssertEqual(attribute("203.0.113.7")?["category"] as? String, "Network activity")
        XCTAssertEqual(attribute("203.0.113.7")?["to_ids"] as? Bool, true)
        XCTAssertEqual(attribute(String(repeating: "cd", count: 32))?["category"] as? String, "Payload delivery")
        XCTAssertEqual(attribute("extrait.example.org")?["to_ids"] as? Bool, false, "an extracted indicator is never to_ids")
        XCTAssertEqual(attribute("https://example.org/pas-pour-bloquer")?["to_ids"] as? Bool, false)
        XCTAssertEqual(attribute("CVE-2024-3400")?["type"] as? String, "vulnerability")
        for attribute in attributes {
            for key in ["uuid", "type", "category", "value", "to_ids", "timestamp"] { XCTAssertNotNil(attribute[key], key) }
        }

        // A revision keeps the uuid and moves the timestamp; hashes.csv lists md5(value),uuid.
        try await Task.sleep(for: .milliseconds(1_100))
        let revision = try await broker.post("/api/v1/alerts/\(id)/revisions", ["severity": "critical"])
        XCTAssertEqual(revision.status, 201)
        let again = try await broker.request("GET", "\(base)/\(id).json", token: nil)
        let revised = try XCTUnwrap(again.json["Event"] as? [String: Any])
        XCTAssertGreaterThan(Int(revised["timestamp"] as! String)!, Int(event["timestamp"] as! String)!)
        let hashes = try await broker.request("GET", "\(base)/hashes.csv", token: nil)
        XCTAssertTrue(hashes.text.contains("\(Self.md5("203.0.113.7")),\(id)"), hashes.text)

        // PyMISP reads every event of the feed.
        let python = try PythonTool.requireModule("pymisp", package: "pymisp")
        let result = try PythonTool.run(python, [Self.script, "http://127.0.0.1:\(broker.port)\(base)"])
        XCTAssertEqual(result.status, 0, result.output)
        let read = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.output.split(separator: "\n").last.map { Array($0.utf8) } ?? [])) as? [String: Any])
        let events = try XCTUnwrap(read["events"] as? [String: [String: Any]])
        XCTAssertEqual(Set(events.keys), Set(manifest.json.keys))
        XCTAssertEqual(events[id]?["tags"] as? [String], ["tlp:amber"])
        let loaded = try XCTUnwrap(events[id]?["attributes"] as? [[Any]])
        XCTAssertTrue(loaded.contains { $0[2] as? String == "extrait.example.org" && $0[3] as? Bool == false })
    }

    static func md5(_ text: String) -> String {
        Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
