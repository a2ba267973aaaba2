import Foundation
import TocsinTestSupport
import XCTest

/// Declared inventories matched against a real medical-device advisory: the organisation running a vulnerable
/// version is told "concerne votre …", the one running the fixed version is not bothered when it asked for
/// inventory matches only.
final class InventoryTests: BrokerTestCase {
    func putInventory(_ org: String, _ body: [UInt8], contentType: String = "application/json", token: String? = nil) async throws -> BrokerProcess.Answer {
        try await broker.request("PUT", "/api/v1/orgs/\(org)/inventory", token: token ?? broker.adminToken, raw: body, contentType: contentType)
    }

    func testAVulnerableVersionIsToldAndAFixedOneIsNot() async throws {
        let rouen = try await broker.createOrg("CHU de Rouen", clearance: "GREEN")
        let dieppe = try await broker.createOrg("CH de Dieppe", clearance: "GREEN")
        let havre = try await broker.createOrg("GH du Havre", clearance: "GREEN")

        // Rouen declares a CycloneDX SBOM with the vulnerable Vue PACS; Dieppe a triple with the fixed version.
        let sbom: [String: Any] = [
            "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
            "components": [
                ["type": "application", "publisher": "Philips", "name": "Vue PACS", "version": "12.2.6.10"],
                ["type": "library", "group": "org.apache.zookeeper", "name": "zookeeper", "version": "3.9.1"],
            ],
        ]
        let declared = try await putInventory(rouen, Array(try JSONSerialization.data(withJSONObject: sbom)))
        XCTAssertEqual(declared.status, 200, declared.text)
        XCTAssertEqual((declared.json["items"] as? [Any])?.count, 2)
        let fixed = try await putInventory(dieppe, Array(#"[{"vendor":"Philips","product":"Vue PACS","version":"12.2.8.410"}]"#.utf8))
        XCTAssertEqual(fixed.status, 200, fixed.text)

        let onlyMine: [String: Any] = ["onlyInventoryMatches": true]
        _ = try await broker.subscribeWebhook(org: rouen, url: receiver.url("rouen"), filter: onlyMine)
        _ = try await broker.subscribeWebhook(org: dieppe, url: receiver.url("dieppe"), filter: onlyMine)
        _ = try await broker.subscribeWebhook(org: havre, url: receiver.url("havre"))
        let feed = try await broker.post("/api/v1/subscriptions", ["orgId": rouen, "channel": "feed"])
        let feedToken = try XCTUnwrap(feed.json["feedToken"] as? String)

        let advisory = try Fixtures.data("csaf/cisa/icsma-24-200-01.json")
        let ingested = try await broker.request("POST", "/api/v1/ingest/csaf", token: broker.adminToken, raw: Array(advisory))
        XCTAssertEqual(ingested.status, 200, ingested.text)
        let alertId = try XCTUnwrap((ingested.json["items"] as? [[String: Any]])?.first?["alertId"] as? String)

        try await eventually(broker.log) { self.receiver.received("rouen").count == 1 && self.receiver.received("havre").count == 1 }
        let told = receiver.received("rouen")[0].json
        let concerns = try XCTUnwrap(told["concerns"] as? [[String: Any]])
        XCTAssertEqual(concerns.count, 1)
        XCTAssertEqual(concerns[0]["confidence"] as? String, "versionInRange")
        XCTAssertEqual(concerns[0]["french"] as? String, "concerne votre Philips Vue PACS 12.2.6.10")
        XCTAssertEqual(concerns[0]["english"] as? String, "concerns your Philips Vue PACS 12.2.6.10")
        XCTAssertNil(receiver.received("havre")[0].json["concerns"], "an organisation without inventory gets the alert as it is")
        try await Task.sleep(for: .milliseconds(400))
        XCTAssertEqual(receiver.received("dieppe").count, 0, "the fixed version is not concerned")

        // The ledger records why, and the feed says it to the reader.
        let ledger = try await broker.deliveries(alert: alertId)
        let rouenDelivery = try XCTUnwrap(ledger.first { $0["orgId"] as? String == rouen })
        XCTAssertEqual((rouenDelivery["concerns"] as? [[String: Any]])?.first?["item"] as? String, "Philips Vue PACS 12.2.6.10")
        let publisher = try await broker.post("/api/v1/tokens", ["role": "publisher"]).json["token"] as? String
        let seenByPublisher = try await broker.request("GET", "/api/v1/deliveries?alertId=\(alertId)", token: publisher).items
        XCTAssertFalse(seenByPublisher.isEmpty)
        XCTAssertTrue(seenByPublisher.allSatisfy { ($0["concerns"] as? [Any] ?? []).isEmpty }, "an inventory is its organisation's own business")
        let atom = try await broker.request("GET", "/feeds/\(feedToken)/atom.xml", token: nil)
        XCTAssertTrue(atom.text.contains("concerne votre Philips Vue PACS 12.2.6.10"), atom.text)

        // Reading back, replacing with a CPE list, and refusing what is not an inventory.
        let read = try await broker.get("/api/v1/orgs/\(rouen)/inventory")
        XCTAssertEqual((read.json["items"] as? [Any])?.count, 2)
        let cpes = try await putInventory(rouen, Array("cpe:2.3:a:philips:vue_pacs:12.2.6.10:*:*:*:*:*:*:*\ncpe:/o:redhat:enterprise_linux:8\n".utf8), contentType: "text/plain")
        XCTAssertEqual(cpes.status, 200, cpes.text)
        XCTAssertEqual((cpes.json["items"] as? [Any])?.count, 2)
        let bad = try await putInventory(rouen, Array(#"[{"vendor":"Philips","version":"1.0"}]"#.utf8))
        XCTAssertEqual(bad.status, 422, bad.text)
        XCTAssertTrue(bad.text.contains("[0]"), bad.text)
        let token = try await broker.post("/api/v1/tokens", ["role": "subscriber", "orgId": havre]).json["token"] as? String
        let foreign = try await putInventory(rouen, Array("[]".utf8), token: token)
        XCTAssertEqual(foreign.status, 403, "an organisation may not declare another's inventory")
    }
}

/// An estate declared device by device: each part replaces only itself, and alerts are matched against the merge.
final class InventoryPartTests: BrokerTestCase {
    func put(_ org: String, part: String, _ body: String, contentType: String = "application/json", token: String? = nil) async throws -> BrokerProcess.Answer {
        try await broker.request("PUT", "/api/v1/orgs/\(org)/inventory/\(part)", token: token ?? broker.adminToken, raw: Array(body.utf8), contentType: contentType)
    }

    func testPartsAreDeclaredOneByOneAndMerged() async throws {
        let rouen = try await broker.createOrg("CHU de Rouen", clearance: "GREEN")
        let token = try await broker.token("subscriber", org: rouen)
        let pacs = try await put(rouen, part: "sbom:pacs-radiologie", """
            {"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"metadata":{"component":{"type":"application","publisher":"Philips","name":"Vue PACS","version":"12.2.6.10"}},
             "components":[{"type":"library","group":"org.apache.zookeeper","name":"zookeeper","version":"3.9.1"}]}
            """, token: token)
        XCTAssertEqual(pacs.status, 200, pacs.text)
        XCTAssertEqual(pacs.json["part"] as? String, "sbom:pacs-radiologie")
        XCTAssertEqual(pacs.json["inventoryItems"] as? Int, 2)
        let site = try await put(rouen, part: "site-b", "cpe:2.3:o:fortinet:fortios:7.4.2:*:*:*:*:*:*:*\n", contentType: "text/plain", token: token)
        XCTAssertEqual(site.status, 200, site.text)
        XCTAssertEqual(site.json["inventoryItems"] as? Int, 3)
        // Replacing one part keeps the others; the same item in two parts counts once.
        let replaced = try await put(rouen, part: "site-b", #"[{"vendor":"Fortinet","product":"FortiOS","version":"7.4.3"},{"vendor":"Philips","product":"Vue PACS","version":"12.2.6.10"}]"#, token: token)
        XCTAssertEqual(replaced.status, 200, replaced.text)
        XCTAssertEqual(replaced.json["inventoryItems"] as? Int, 3, replaced.text)
        let merged = try await broker.get("/api/v1/orgs/\(rouen)/inventory", token: token)
        let products = (merged.json["items"] as? [[String: Any]] ?? []).compactMap { $0["product"] as? String }
        XCTAssertTrue(products.contains("Vue PACS") && products.contains("FortiOS"), "\(products)")
        XCTAssertEqual((merged.json["parts"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["sbom:pacs-radiologie", "site-b"])
        let one = try await broker.get("/api/v1/orgs/\(rouen)/inventory/site-b", token: token)
        XCTAssertEqual((one.json["items"] as? [Any])?.count, 2, one.text)

        // The merge is what alerts are matched against.
        _ = try await broker.subscribeWebhook(org: rouen, url: receiver.url("rouen"), filter: ["onlyInventoryMatches": true])
        let advisory = try Fixtures.data("csaf/cisa/icsma-24-200-01.json")
        let ingested = try await broker.request("POST", "/api/v1/ingest/csaf", token: broker.adminToken, raw: Array(advisory))
        XCTAssertEqual(ingested.status, 200, ingested.text)
        try await eventually(broker.log) { self.receiver.received("rouen").count == 1 }
        let concerns = try XCTUnwrap(receiver.received("rouen")[0].json["concerns"] as? [[String: Any]])
        XCTAssertEqual(concerns.first?["french"] as? String, "concerne votre Philips Vue PACS 12.2.6.10")

        // Removing a device removes only its part; an unknown part is a 404, a bad name a 422.
        let removed = try await broker.request("DELETE", "/api/v1/orgs/\(rouen)/inventory/sbom:pacs-radiologie", token: token)
        XCTAssertEqual(removed.status, 204, removed.text)
        let after = try await broker.get("/api/v1/orgs/\(rouen)/inventory", token: token)
        let left = (after.json["items"] as? [[String: Any]] ?? []).compactMap { $0["product"] as? String }
        XCTAssertEqual(left.sorted(), ["FortiOS", "Vue PACS"], "the SBOM's zookeeper went with it; site-b's items stay")
        let again = try await broker.request("DELETE", "/api/v1/orgs/\(rouen)/inventory/sbom:pacs-radiologie", token: token)
        XCTAssertEqual(again.status, 404)
        let badName = try await put(rouen, part: "..%2Fetc", "[]", token: token)
        XCTAssertEqual(badName.status, 422, badName.text)
        let other = try await broker.createOrg("CH de Dieppe", clearance: "GREEN")
        let foreign = try await put(other, part: "x", "[]", token: token)
        XCTAssertEqual(foreign.status, 403, "an organisation may not declare another's inventory")

        // The whole inventory, declared at once, is the single part `default`.
        let whole = try await broker.request("PUT", "/api/v1/orgs/\(rouen)/inventory", token: token, raw: Array(#"[{"vendor":"Philips","product":"Vue PACS","version":"12.2.6.10"}]"#.utf8))
        XCTAssertEqual(whole.status, 200, whole.text)
        XCTAssertEqual((whole.json["parts"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["default"])
    }

    func testThePartsTogetherAreBounded() async throws {
        let org = try await broker.createOrg("CHU de Caen", clearance: "GREEN")
        let full = "[" + Array(repeating: #"{"vendor":"Philips","product":"Vue PACS","version":"12.2.6.10"}"#, count: 10_000).joined(separator: ",") + "]"
        for part in 1...5 {
            let answer = try await put(org, part: "device-\(part)", full)
            XCTAssertEqual(answer.status, 200, answer.text)
        }
        let beyond = try await put(org, part: "device-6", #"[{"product":"zookeeper"}]"#)
        XCTAssertEqual(beyond.status, 422, beyond.text)
        XCTAssertTrue(beyond.text.contains("50000"), beyond.text)
        // Replacing a part within the bound is fine.
        let smaller = try await put(org, part: "device-5", #"[{"product":"zookeeper"}]"#)
        XCTAssertEqual(smaller.status, 200, smaller.text)
    }
}

/// A hostile inventory costs memory in proportion to its size, not ninety times it: the form is told from the first
/// bytes, a list longer than the limit is refused from a count of its elements, and SBOMs are read by the strict
/// reader rather than JSONSerialization.
final class InventoryMemoryTests: BrokerTestCase {
    /// The broker's peak resident memory so far, in bytes (Linux).
    func peakMemory() throws -> Int {
        let pid = try XCTUnwrap(broker.process?.processIdentifier)
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    func testLargeInventoriesAreRefusedWithoutAmplifyingMemory() async throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/proc/self/status"), "needs /proc to read peak memory")
        let org = try await broker.createOrg("CH de Lisieux", clearance: "GREEN")
        let subscriber = try await broker.post("/api/v1/tokens", ["role": "subscriber", "orgId": org]).json["token"] as! String
        let triples = "[" + (0..<150_000).map { #"{"vendor":"Vendor\#($0)","product":"Product name \#($0)","version":"1.\#($0 % 50)"}"# }
            .joined(separator: ",") + "]"
        let components = (0..<60_000).map {
            #"{"type":"library","name":"component-\#($0)","version":"2.\#($0)","purl":"pkg:npm/component-\#($0)@2.\#($0)","supplier":{"name":"Supplier \#($0)"},"hashes":[{"alg":"SHA-256","content":"\#(String(repeating: "a", count: 64))"}]}"#
        }
        let sbom = #"{"bomFormat":"CycloneDX","specVersion":"1.5","components":["# + components.joined(separator: ",") + "]}"
        let before = try peakMemory()
        for body in [triples, sbom] {
            let answer = try await broker.request("PUT", "/api/v1/orgs/\(org)/inventory", token: subscriber, raw: Array(body.utf8))
            XCTAssertEqual(answer.status, 422, String(answer.text.prefix(300)))
            XCTAssertTrue(answer.text.contains("more than 10000 items"), answer.text)
            let grown = try peakMemory() - before
            // Before the fix, 15 MB raised the peak by 1.3 GB (about 90 times the body).
            XCTAssertLessThan(grown, 16 * body.utf8.count, "peak memory grew by \(grown >> 20) MiB for a \(body.utf8.count >> 20) MiB body")
        }
        // Still usable afterwards.
        let small = try await broker.request("PUT", "/api/v1/orgs/\(org)/inventory", token: subscriber,
                                             raw: Array(#"[{"vendor":"Philips","product":"IntelliBridge EC40","version":"B.00.21"}]"#.utf8))
        XCTAssertEqual(small.status, 200, small.text)
    }
}
