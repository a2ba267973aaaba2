import Foundation
import TocsinCore
import TocsinTestSupport
import XCTest

/// The TAXII 2.1 server under `/taxii2/`, read by OASIS's `taxii2-client` as a live client (discovery, collections,
/// paging through more than 1,000 objects, `added_after` without loss or duplicates), its media type rules and its
/// paging rules; and a randomised test over tokens of every clearance and region: no collection, manifest, versions
/// list, object lookup or MISP event shows more than `GET /api/v1/alerts` shows the same organisation.
final class TAXIITests: XCTestCase {
    static let support = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support")

    private func taxii(_ broker: BrokerProcess, _ path: String, token: String?, headers: [(String, String)] = [],
                       method: String = "GET", raw: [UInt8]? = nil, contentType: String = "application/taxii+json;version=2.1") async throws -> BrokerProcess.Answer {
        try await broker.request(method, "/taxii2/\(path)", token: token, raw: raw, contentType: contentType,
                                 extraHeaders: [("Accept", "application/taxii+json;version=2.1")] + headers)
    }

    private func collectionId(_ broker: BrokerProcess, _ title: String) async throws -> String {
        let answer = try await taxii(broker, "api/collections/", token: broker.adminToken)
        let collections = try XCTUnwrap(answer.json["collections"] as? [[String: Any]], answer.text)
        return try XCTUnwrap(collections.first { $0["title"] as? String == title }?["id"] as? String)
    }

    private func sha256(_ n: Int, _ salt: String) -> String {
        let base = String(format: "%016llx", UInt64(n) &* 0x9E37_79B9_7F4A_7C15) + salt
        return String((base + String(repeating: "0", count: 64)).prefix(64))
    }

    func testTaxii2ClientPagesThroughACollectionAndFollowsAddedAfter() async throws {
        let python = try PythonTool.requireModule("taxii2client", package: "taxii2-client")
        let broker = try await BrokerProcess.start()
        defer { broker.stop() }
        // Two GREEN alerts of 600 hashes each: more than 1,200 objects in TLP:GREEN.
        for batch in 0..<2 {
            var alert = alertJSON(title: "Lot \(batch)", tlp: "GREEN")
            alert["indicators"] = (0..<600).map { ["type": "sha256", "value": sha256($0, "\(batch)a")] }
            _ = try await broker.publish(alert)
        }
        _ = try await broker.publish(alertJSON(title: "Rouge", tlp: "RED"))
        let script = Self.support.appendingPathComponent("taxii_client.py").path
        let base = "http://127.0.0.1:\(broker.port)"
        let first = try PythonTool.run(python, [script, base, broker.adminToken, "TLP:GREEN"])
        XCTAssertEqual(first.status, 0, first.output)
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any], first.output)
        XCTAssertEqual(result["collections"] as? [String], ["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"])
        XCTAssertEqual(result["can_write"] as? Bool, false)
        XCTAssertEqual((result["api_roots"] as? [String])?.map { $0.hasSuffix("/taxii2/api/") }, [true])
        XCTAssertEqual(result["root_versions"] as? [String], ["application/taxii+json;version=2.1"])
        let objects = try XCTUnwrap(result["objects"] as? [[String]])
        // Shared objects (identity, extension definition, marking) and per alert a report, a vulnerability, 600 indicators.
        XCTAssertEqual(objects.count, 3 + 2 * 602)
        XCTAssertEqual(Set(objects.map { $0[0] }).count, objects.count, "no object twice")
        XCTAssertGreaterThan(result["pages"] as! Int, 12)
        XCTAssertFalse(objects.contains { $0[1] == "report" && $0[0] == STIXIdentifier.domain("report", name: "none") })
        let manifest = try XCTUnwrap(result["manifest"] as? [[String]])
        XCTAssertEqual(manifest.map { $0[0] }, objects.map { $0[0] }, "the manifest lists the objects in the same order")
        XCTAssertEqual(manifest.map { $0[1] }, manifest.map { $0[1] }.sorted(), "date_added increases")
        XCTAssertEqual(Set(manifest.map { $0[1] }).count, manifest.count, "date_added is unique")
        let middle = result["middle"] as! String
        let after = try XCTUnwrap(result["after"] as? [[String]])
        XCTAssertEqual(after.map { $0[0] }, Array(manifest.filter { $0[1] > middle }.map { $0[0] }), "added_after is exclusive and loses nothing")

        // A new alert: following added_after from the last date gives exactly its objects.
        let last = manifest.last![1]
        var newer = alertJSON(title: "Nouveau", tlp: "GREEN")
        newer["indicators"] = [["type": "domain", "value": "nouveau.example.org"]]
        _ = try await broker.publish(newer)
        let second = try PythonTool.run(python, [script, base, broker.adminToken, "TLP:GREEN", last])
        XCTAssertEqual(second.status, 0, second.output)
        let following = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(second.output.utf8)) as? [String: Any])?["after"] as? [[String]])
        XCTAssertEqual(following.map { $0[1] }.sorted(), ["indicator", "report", "vulnerability"])
    }

    func testMediaTypesPagingRulesAndErrors() async throws {
        let broker = try await BrokerProcess.start()
        defer { broker.stop() }
        var alert = alertJSON(title: "Lot", tlp: "AMBER")
        alert["indicators"] = (0..<30).map { ["type": "sha256", "value": sha256($0, "m")] }
        let alertId = try await broker.publish(alert)
        let amber = try await collectionId(broker, "TLP:AMBER")
        XCTAssertEqual(amber, "9bbafbd5-8b06-48d9-93c0-5bbb2d229e7e", "the id docs/taxii-and-misp.md gives")
        let objects = "api/collections/\(amber)/objects/"

        let discovery = try await taxii(broker, "", token: broker.adminToken)
        XCTAssertEqual(discovery.status, 200, discovery.text)
        XCTAssertEqual(discovery.header("Content-Type"), "application/taxii+json;version=2.1")
        XCTAssertEqual(discovery.json["api_roots"] as? [String], ["\(discovery.json["default"] as! String)"])
        let root = try await taxii(broker, "api/", token: broker.adminToken)
        XCTAssertEqual(root.json["versions"] as? [String], ["application/taxii+json;version=2.1"])

        // Basic authentication with the token as password; no token, a wrong one: 401 as a TAXII error.
        let basic = Data("analyst:\(broker.adminToken)".utf8).base64EncodedString()
        let viaBasic = try await taxii(broker, "api/collections/", token: nil, headers: [("Authorization", "Basic \(basic)")])
        XCTAssertEqual(viaBasic.status, 200, viaBasic.text)
        let anonymous = try await taxii(broker, "api/collections/", token: nil)
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(anonymous.header("Content-Type"), "application/taxii+json;version=2.1")
        XCTAssertEqual(anonymous.json["http_status"] as? String, "401")
        XCTAssertNotNil(anonymous.header("WWW-Authenticate"))
        let status1 = try await taxii(broker, "api/collections/", token: "tcs_wrong").status
        XCTAssertEqual(status1, 401)

        // Media types: 406, 415, 413; writing is refused (can_write false).
        let refusedAccept = try await broker.request("GET", "/taxii2/api/collections/", token: broker.adminToken, extraHeaders: [("Accept", "application/xml")])
        XCTAssertEqual(refusedAccept.status, 406)
        XCTAssertEqual(refusedAccept.json["http_status"] as? String, "406")
        let oldVersion = try await broker.request("GET", "/taxii2/api/collections/", token: broker.adminToken, extraHeaders: [("Accept", "application/taxii+json;version=2.0")])
        XCTAssertEqual(oldVersion.status, 406)
        let wrongType = try await taxii(broker, objects, token: broker.adminToken, method: "POST", raw: Array("{}".utf8), contentType: "application/json")
        XCTAssertEqual(wrongType.status, 415)
        let tooLarge = try await taxii(broker, objects, token: broker.adminToken, method: "POST", raw: Array(repeating: 0x20, count: (1 << 20) + 1))
        XCTAssertEqual(tooLarge.status, 413)
        let write = try await taxii(broker, objects, token: broker.adminToken, method: "POST", raw: Array("{\"objects\":[]}".utf8))
        XCTAssertEqual(write.status, 403)
        let status2 = try await taxii(broker, "api/status/\(UUID().uuidString.lowercased())/", token: broker.adminToken).status
        XCTAssertEqual(status2, 404)
        let status3 = try await taxii(broker, "api/collections/\(UUID().uuidString.lowercased())/", token: broker.adminToken).status
        XCTAssertEqual(status3, 404)

        // Paging: limit ≤ 0 is 400, a large one is cut, next is bound to its filters.
        let status4 = try await taxii(broker, objects + "?limit=0", token: broker.adminToken).status
        XCTAssertEqual(status4, 400)
        let status5 = try await taxii(broker, objects + "?limit=-3", token: broker.adminToken).status
        XCTAssertEqual(status5, 400)
        let status6 = try await taxii(broker, objects + "?added_after=yesterday", token: broker.adminToken).status
        XCTAssertEqual(status6, 400)
        let all = try await taxii(broker, objects + "?limit=100000", token: broker.adminToken)
        XCTAssertEqual(all.status, 200)
        XCTAssertEqual((all.json["objects"] as? [Any])?.count, 3 + 32)
        let page = try await taxii(broker, objects + "?limit=10&match%5Btype%5D=indicator", token: broker.adminToken)
        XCTAssertEqual(page.json["more"] as? Bool, true)
        let next = try XCTUnwrap(page.json["next"] as? String)
        XCTAssertNotNil(page.header("X-TAXII-Date-Added-First"))
        let lastDate = try XCTUnwrap(page.header("X-TAXII-Date-Added-Last"))
        let resumed = try await taxii(broker, objects + "?limit=10&match%5Btype%5D=indicator&next=\(next)", token: broker.adminToken)
        XCTAssertEqual(resumed.status, 200, resumed.text)
        XCTAssertGreaterThan(try XCTUnwrap(resumed.header("X-TAXII-Date-Added-First")), lastDate)
        let otherFilters = try await taxii(broker, objects + "?limit=10&match%5Btype%5D=report&next=\(next)", token: broker.adminToken)
        XCTAssertEqual(otherFilters.status, 400, otherFilters.text)
        let status7 = try await taxii(broker, objects + "?next=garbage", token: broker.adminToken).status
        XCTAssertEqual(status7, 400)

        // Object, versions, manifest; a revision adds a version with the same id; match[version]=all shows both.
        let reportId = STIXIdentifier.domain("report", name: alertId)
        let revised = try await broker.post("/api/v1/alerts/\(alertId)/revisions", ["severity": "critical"])
        XCTAssertEqual(revised.status, 201, revised.text)
        let versions = try await taxii(broker, "api/collections/\(amber)/objects/\(reportId)/versions/", token: broker.adminToken)
        XCTAssertEqual((versions.json["versions"] as? [String])?.count, 2, versions.text)
        let latest = try await taxii(broker, "api/collections/\(amber)/objects/\(reportId)/", token: broker.adminToken)
        XCTAssertEqual((latest.json["objects"] as? [[String: Any]])?.count, 1)
        let both = try await taxii(broker, "api/collections/\(amber)/objects/\(reportId)/?match%5Bversion%5D=all", token: broker.adminToken)
        XCTAssertEqual((both.json["objects"] as? [[String: Any]])?.count, 2)
        let status8 = try await taxii(broker, "api/collections/\(amber)/objects/report--\(UUID().uuidString.lowercased())/", token: broker.adminToken).status
        XCTAssertEqual(status8, 404)
        let manifest = try await taxii(broker, "api/collections/\(amber)/manifest/?match%5Bid%5D=\(reportId)", token: broker.adminToken)
        let entries = try XCTUnwrap(manifest.json["objects"] as? [[String: Any]], manifest.text)
        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(entries.first?["media_type"] as? String, "application/stix+json;version=2.1")
        let spec20 = try await taxii(broker, objects + "?match%5Bspec_version%5D=2.0", token: broker.adminToken)
        XCTAssertNil(spec20.json["objects"])

        // The collection's marking-definition is the official one, as published.
        let marking = try await taxii(broker, "api/collections/\(amber)/objects/\(STIXMarkings.id(.amber))/", token: broker.adminToken)
        let published = try JSONSerialization.jsonObject(with: Data(STIXMarkings.publishedBundle(.amber).utf8)) as! [String: Any]
        XCTAssertEqual((marking.json["objects"] as? [[String: Any]]).map { NSArray(array: $0) }, NSArray(array: published["objects"] as! [Any]))
    }

    /// Tokens of every clearance, region and role against alerts of every TLP and region, revised and cancelled: each
    /// sees in TAXII exactly the reports of the alerts the API lists to it, never an object above its clearance, and
    /// its organisation's MISP feed lists nothing the API does not.
    func testNoTokenSeesMoreThroughTAXIIOrMISPThanThroughTheAPI() async throws {
        let broker = try await BrokerProcess.start()
        defer { broker.stop() }
        var random = SystemRandomNumberGenerator()
        let seed = UInt64.random(in: 0...UInt64.max, using: &random)
        var generator = SplitMix64(seed: seed)
        let levels = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
        let regions: [[String]] = [[], ["28"], ["11"], ["28", "53"]]
        var alertIds: [String] = []
        for index in 0..<25 {
            let tlp = levels[Int(generator.next() % 5)]
            let id = try await broker.publish(alertJSON(title: "Alerte \(index)", tlp: tlp, regions: regions[Int(generator.next() % 4)]))
            alertIds.append(id)
            switch generator.next() % 4 {
            case 0: _ = try await broker.post("/api/v1/alerts/\(id)/revisions", ["severity": "critical"])
            case 1: _ = try await broker.post("/api/v1/alerts/\(id)/cancel", ["reason": "test"])
            default: break
            }
        }
        struct Reader { var token: String; var clearance: String; var feed: String? }
        var readers: [Reader] = []
        for (index, clearance) in levels.enumerated() {
            for region in ["28", "11", "national"] {
                let org: String
                if region == "national" {
                    let answer = try await broker.post("/api/v1/orgs", ["name": "Nat \(index)", "kind": "CH", "national": true, "tlpClearance": clearance])
                    org = try XCTUnwrap(answer.json["id"] as? String, answer.text)
                } else {
                    org = try await broker.createOrg("Org \(index) \(region)", clearance: clearance, region: region)
                }
                let feed = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "feed"])
                let role = generator.next() % 2 == 0 ? "subscriber" : "relay"
                readers.append(Reader(token: try await broker.token(role, org: org), clearance: clearance, feed: feed.json["feedToken"] as? String))
            }
        }
        let collectionIds = Dictionary(uniqueKeysWithValues: try await levels.asyncMap { ($0, try await collectionId(broker, "TLP:\($0)")) })
        let rank = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
        let markingRank = Dictionary(uniqueKeysWithValues: TLP.allCases.map { (STIXMarkings.id($0), $0.rank) })
        let context = "seed \(seed)"

        for reader in readers {
            let listed = Set(try await broker.get("/api/v1/alerts?limit=500", token: reader.token).items.compactMap { $0["id"] as? String })
            let allowedReports = Set(listed.map { STIXIdentifier.domain("report", name: $0) })
            let collections = try await taxii(broker, "api/collections/", token: reader.token)
            let titles = (collections.json["collections"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
            XCTAssertEqual(titles, levels.filter { rank[$0]! <= rank[reader.clearance]! }.map { "TLP:\($0)" }, context)
            var seenReports: Set<String> = []
            for level in levels {
                let collection = collectionIds[level]!
                let readable = rank[level]! <= rank[reader.clearance]!
                for path in ["objects/?match%5Bversion%5D=all&limit=1000", "objects/", "manifest/?limit=1000"] {
                    let answer = try await taxii(broker, "api/collections/\(collection)/\(path)", token: reader.token)
                    guard readable else { XCTAssertEqual(answer.status, 404, "\(context): \(level) for \(reader.clearance)"); continue }
                    XCTAssertEqual(answer.status, 200, answer.text)
                    for object in answer.json["objects"] as? [[String: Any]] ?? [] {
                        let id = object["id"] as! String
                        for marking in object["object_marking_refs"] as? [String] ?? [] {
                            XCTAssertLessThanOrEqual(markingRank[marking] ?? 99, rank[reader.clearance]!, "\(context): \(id) above clearance")
                        }
                        if id.hasPrefix("report--") {
                            XCTAssertTrue(allowedReports.contains(id), "\(context): \(id) is not among the alerts the API lists")
                            if path == "objects/" { seenReports.insert(id) }
                        }
                    }
                }
                // Every alert's report, looked up by id and by versions: found only where the API lists the alert.
                for alertId in alertIds {
                    let reportId = STIXIdentifier.domain("report", name: alertId)
                    for suffix in ["", "versions/"] {
                        let answer = try await taxii(broker, "api/collections/\(collection)/objects/\(reportId)/\(suffix)", token: reader.token)
                        if answer.status == 200 { XCTAssertTrue(listed.contains(alertId), "\(context): \(reportId) looked up in \(level)") }
                    }
                }
            }
            XCTAssertEqual(seenReports, allowedReports, "\(context): TAXII shows exactly the alerts the API lists (clearance \(reader.clearance))")
            if let feed = reader.feed {
                let manifest = try await broker.request("GET", "/feeds/\(feed)/misp/manifest.json", token: nil)
                XCTAssertEqual(manifest.status, 200, manifest.text)
                XCTAssertTrue(Set(manifest.json.keys).isSubset(of: listed), "\(context): the MISP manifest lists more than the API")
                for alertId in alertIds {
                    let event = try await broker.request("GET", "/feeds/\(feed)/misp/\(alertId).json", token: nil)
                    if event.status == 200 { XCTAssertTrue(listed.contains(alertId), "\(context): MISP event \(alertId)") }
                }
            }
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var values: [T] = []
        for element in self { values.append(try await transform(element)) }
        return values
    }
}
