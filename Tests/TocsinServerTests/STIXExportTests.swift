import Foundation
import TocsinTestSupport
import XCTest

/// Alerts as STIX 2.1 bundles (`GET /api/v1/alerts/{id}` with `Accept: application/stix+json;version=2.1`, `tocsin
/// export --format stix`), checked by OASIS's `stix2-validator` with `--version 2.1 --strict --enforce-refs --interop`
/// on alerts made from the whole fixture corpus (CSAF, MISP, CAP, STIX, CERT-FR, CVE, feeds) and native JSON.
final class STIXExportTests: XCTestCase {
    /// stix2-validator 3.3.2's interoperability schema for `vulnerability` requires a property spelled
    /// `external_references:` (with the colon, a typo in `schemas-2.1/interop/vulnerability.json`), which no object
    /// can have: that one message is the only one tolerated, and the test checks on its own that each vulnerability
    /// has its `external_references` with `source_name: cve`.
    static let knownValidatorTypo = "'external_references:' is a required property"

    func testBundlesFromTheWholeCorpusPassTheValidator() async throws {
        guard let validator = PythonTool.executable("stix2_validator") else {
            throw PythonTool.skip("stix2-validator is not installed: run make test-deps (or pip install stix2-validator)")
        }
        let broker = try await BrokerProcess.start()
        defer { broker.stop() }
        var files: [String] = []
        for folder in ["csaf", "misp", "cap", "stix", "cert-fr", "cve", "feeds"] {
            files += try Fixtures.files(in: folder, extensions: ["json", "xml", "cap"]).map(\.path)
        }
        let imported = try broker.cli(["import"] + files)
        XCTAssertTrue(imported.stdout.contains("alert") || imported.stderr.contains("alert"), imported.stderr.suffix(2_000).description)

        // Native JSON: stated and extracted indicators, products, a revision and a cancellation.
        var native = alertJSON(title: "Native alert", tlp: "AMBER")
        native["indicators"] = [
            ["type": "sha256", "value": String(repeating: "ab", count: 32)],
            ["type": "domain", "value": "bad.example.org", "origin": "extracted", "confidence": 0.6],
            ["type": "url", "value": "https://bad.example.org/it's", "toIds": false],
            ["type": "cve", "value": "CVE-2021-44228"],
        ]
        native["affectedProducts"] = [["vendor": "Palo Alto Networks", "product": "PAN-OS", "cpe": "cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:*:*:*:*:*:*:*"]]
        native["references"] = [["url": "https://security.paloaltonetworks.com/CVE-2024-3400", "title": "Advisory"]]
        let nativeId = try await broker.publish(native)
        let first = try await stix(broker, nativeId)
        let revised = try await broker.post("/api/v1/alerts/\(nativeId)/revisions", ["severity": "critical"])
        XCTAssertEqual(revised.status, 201, revised.text)
        let second = try await stix(broker, nativeId)
        let cancelledId = try await broker.publish(alertJSON(title: "To cancel", tlp: "RED"))
        let cancel = try await broker.post("/api/v1/alerts/\(cancelledId)/cancel", ["reason": "duplicate"])
        XCTAssertEqual(cancel.status, 200, cancel.text)

        // Same ids, later `modified`; the extracted and not-for-detection indicators are no patterns.
        let firstById = objects(first), secondById = objects(second)
        XCTAssertEqual(Set(firstById.keys), Set(secondById.keys))
        let report = try XCTUnwrap(secondById.values.first { $0["type"] as? String == "report" })
        XCTAssertGreaterThan(report["modified"] as! String, firstById[report["id"] as! String]!["modified"] as! String)
        let patterns = secondById.values.compactMap { $0["pattern"] as? String }
        XCTAssertEqual(patterns, ["[file:hashes.'SHA-256' = '\(String(repeating: "ab", count: 32))']"])
        XCTAssertTrue(secondById.values.contains { $0["type"] as? String == "domain-name" && $0["value"] as? String == "bad.example.org" })
        XCTAssertTrue(secondById.values.contains { $0["type"] as? String == "url" })
        let vulnerabilities = secondById.values.filter { $0["type"] as? String == "vulnerability" }
        XCTAssertEqual(Set(vulnerabilities.compactMap { $0["name"] as? String }), ["CVE-2024-3400", "CVE-2021-44228"])
        for vulnerability in vulnerabilities {
            let references = try XCTUnwrap(vulnerability["external_references"] as? [[String: Any]])
            XCTAssertEqual(references.first?["source_name"] as? String, "cve")
            XCTAssertEqual(references.first?["external_id"] as? String, vulnerability["name"] as? String)
        }
        XCTAssertTrue(secondById.values.contains { $0["type"] as? String == "software" && ($0["cpe"] as? String)?.hasPrefix("cpe:2.3:") == true })
        for object in secondById.values where object["type"] as? String != "identity" && object["type"] as? String != "extension-definition" {
            XCTAssertEqual(object["object_marking_refs"] as? [String], ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"])
        }
        let cancelled = objects(try await stix(broker, cancelledId))
        XCTAssertTrue(cancelled.values.filter { $0["type"] as? String == "report" }.allSatisfy { $0["revoked"] as? Bool == true })

        // The command line prints the same bundle.
        let exported = try broker.cli(["export", "--format", "stix", nativeId])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        XCTAssertEqual(Set(objects(Array(exported.stdout.utf8)).keys), Set(secondById.keys))

        // Every alert of the log as a bundle, validated in one run.
        let folder = broker.dataDir + "/stix"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var cursor: String?
        var count = 0
        repeat {
            let page = try await broker.get("/api/v1/alerts?limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""))
            for item in page.items {
                let id = item["id"] as! String
                try Data(try await stix(broker, id)).write(to: URL(fileURLWithPath: "\(folder)/\(id).json"))
                count += 1
            }
            cursor = page.json["nextCursor"] as? String
        } while cursor != nil
        XCTAssertGreaterThan(count, 60, "the corpus should give many alerts:\n\(imported.stderr.suffix(2_000))")
        let bundles = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { "\(folder)/\($0)" }
        let result = try PythonTool.run(validator, ["--version", "2.1", "--strict", "--enforce-refs", "--interop"] + bundles)
        let errors = result.output.split(separator: "\n").filter { $0.contains("[X]") && !$0.contains("STIX JSON: Invalid") }
        let unexpected = errors.filter { !$0.contains(Self.knownValidatorTypo) }
        XCTAssertTrue(unexpected.isEmpty, "stix2-validator found faults:\n\(unexpected.prefix(40).joined(separator: "\n"))")
        if errors.isEmpty { XCTAssertEqual(result.status, 0, result.output.suffix(4_000).description) }
        print("stix2-validator: \(bundles.count) bundles, \(errors.count) messages, all the known interop typo")
    }

    private func stix(_ broker: BrokerProcess, _ id: String) async throws -> [UInt8] {
        let answer = try await broker.request("GET", "/api/v1/alerts/\(id)", token: broker.adminToken,
                                              extraHeaders: [("Accept", "application/stix+json;version=2.1")])
        XCTAssertEqual(answer.status, 200, answer.text)
        XCTAssertEqual(answer.header("Content-Type"), "application/stix+json;version=2.1")
        return answer.body
    }

    private func objects(_ bundle: [UInt8]) -> [String: [String: Any]] {
        let json = (try? JSONSerialization.jsonObject(with: Data(bundle))) as? [String: Any] ?? [:]
        var byId: [String: [String: Any]] = [:]
        for object in json["objects"] as? [[String: Any]] ?? [] { byId[object["id"] as! String] = object }
        return byId
    }
}
