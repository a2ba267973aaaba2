import Foundation
import XCTest

/// Roles, organisation scoping, pagination, and the documents the server publishes about itself.
final class AccessTests: BrokerTestCase {
    func token(_ role: String, org: String? = nil) async throws -> String { try await broker.token(role, org: org) }

    func testEachRoleOnlyDoesWhatItMay() async throws {
        let rouen = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        let caen = try await broker.createOrg("CHU de Caen", clearance: "AMBER")
        let publisher = try await token("publisher")
        let rouenToken = try await token("subscriber", org: rouen)

        let value1 = try await broker.post("/api/v1/alerts", alertJSON(), token: publisher).status
        XCTAssertEqual(value1, 201)
        let value2 = try await broker.post("/api/v1/alerts", alertJSON(), token: rouenToken).status
        XCTAssertEqual(value2, 403)
        let value3 = try await broker.post("/api/v1/orgs", ["name": "X"], token: publisher).status
        XCTAssertEqual(value3, 403)
        let value4 = try await broker.post("/api/v1/tokens", ["role": "admin"], token: rouenToken).status
        XCTAssertEqual(value4, 403)

        // A subscriber manages its own organisation's subscriptions only.
        let own = try await broker.post("/api/v1/subscriptions", ["channel": "feed"], token: rouenToken)
        XCTAssertEqual(own.status, 201, own.text)
        XCTAssertEqual(own.json["orgId"] as? String, rouen)
        XCTAssertNotNil(own.json["feedToken"])
        let value5 = try await broker.post("/api/v1/subscriptions", ["orgId": caen, "channel": "feed"], token: rouenToken).status
        XCTAssertEqual(value5, 403)
        let other = try await broker.post("/api/v1/subscriptions", ["orgId": caen, "channel": "email", "target": "rssi@chu-caen.fr"])
        XCTAssertEqual(other.status, 201)
        let listed = try await broker.get("/api/v1/subscriptions", token: rouenToken).items
        XCTAssertEqual(listed.compactMap { $0["orgId"] as? String }, [rouen])
        XCTAssertNil(listed.first?["feedToken"], "secrets are shown once")
        let value6 = try await broker.get("/api/v1/subscriptions/\(other.json["id"] as! String)", token: rouenToken).status
        XCTAssertEqual(value6, 404)
        let value7 = try await broker.get("/api/v1/orgs", token: rouenToken).items.compactMap { $0["id"] as? String }
        XCTAssertEqual(value7, [rouen])
        let value8 = try await broker.get("/api/v1/orgs/\(caen)", token: rouenToken).status
        XCTAssertEqual(value8, 403)

        let patched = try await broker.request("PATCH", "/api/v1/subscriptions/\(own.json["id"] as! String)", token: rouenToken,
                                               json: ["active": false, "filter": ["minSeverity": "critical"]])
        XCTAssertEqual(patched.status, 200, patched.text)
        XCTAssertEqual(patched.json["active"] as? Bool, false)
        let value9 = try await broker.request("DELETE", "/api/v1/subscriptions/\(own.json["id"] as! String)", token: rouenToken).status
        XCTAssertEqual(value9, 204)
    }

    func testARelayReadsLikeItsOrganisation() async throws {
        let ars = try await broker.createOrg("ARS Normandie", clearance: "AMBER", region: "28")
        let relay = try await token("relay", org: ars)
        let normandie = try await broker.publish(alertJSON(title: "Normandie", tlp: "AMBER", regions: ["28"]))
        _ = try await broker.publish(alertJSON(title: "Île-de-France", tlp: "AMBER", regions: ["11"]))
        _ = try await broker.publish(alertJSON(title: "Rouge", tlp: "RED"))
        let national = try await broker.publish(alertJSON(title: "Nationale", tlp: "GREEN"))
        let visible = try await broker.get("/api/v1/alerts", token: relay).items.compactMap { $0["id"] as? String }
        XCTAssertEqual(Set(visible), [normandie, national])
        let value1 = try await broker.post("/api/v1/alerts", alertJSON(), token: relay).status
        XCTAssertEqual(value1, 201)
    }

    func testOrganisationsCanBeChangedListedAndDeleted() async throws {
        let id = try await broker.createOrg("CH de Fécamp", clearance: "GREEN")
        let patched = try await broker.request("PATCH", "/api/v1/orgs/\(id)", token: broker.adminToken,
                                               json: ["tlpClearance": "AMBER", "contacts": [["email": "rssi@ch-fecamp.fr", "name": "RSSI", "role": "rssi"]]])
        XCTAssertEqual(patched.status, 200, patched.text)
        XCTAssertEqual(patched.json["tlpClearance"] as? String, "AMBER")
        for n in 0..<3 { _ = try await broker.createOrg("Org \(n)", clearance: "GREEN") }
        let page1 = try await broker.get("/api/v1/orgs?limit=2")
        XCTAssertEqual(page1.items.count, 2)
        let cursor = try XCTUnwrap(page1.json["nextCursor"] as? String)
        let page2 = try await broker.get("/api/v1/orgs?limit=2&cursor=\(cursor)")
        XCTAssertEqual(page2.items.count, 2)
        XCTAssertTrue(page2.json["nextCursor"] is NSNull)
        let value10 = try await broker.request("DELETE", "/api/v1/orgs/\(id)", token: broker.adminToken).status
        XCTAssertEqual(value10, 204)
        let value11 = try await broker.get("/api/v1/orgs/\(id)").status
        XCTAssertEqual(value11, 404)
    }

    func testAlertListsPaginateNewestFirstAndFilter() async throws {
        var ids: [String] = []
        for n in 0..<5 { ids.append(try await broker.publish(alertJSON(title: "Alerte \(n)", severity: n % 2 == 0 ? "critical" : "low"))) }
        let first = try await broker.get("/api/v1/alerts?limit=2")
        XCTAssertEqual(first.items.compactMap { $0["id"] as? String }, [ids[4], ids[3]])
        let next = try await broker.get("/api/v1/alerts?limit=2&cursor=\(first.json["nextCursor"] as! String)")
        XCTAssertEqual(next.items.compactMap { $0["id"] as? String }, [ids[2], ids[1]])
        let value12 = try await broker.get("/api/v1/alerts?minSeverity=critical").items.count
        XCTAssertEqual(value12, 3)
        let value13 = try await broker.get("/api/v1/alerts?category=ransomware&cve=CVE-2024-3400").items.count
        XCTAssertEqual(value13, 5)
        let value14 = try await broker.get("/api/v1/alerts?category=phishing").items.count
        XCTAssertEqual(value14, 0)
    }

    func testHealthMetricsAndOpenAPIAreServed() async throws {
        let value15 = try await broker.request("GET", "/healthz", token: nil).json["status"] as? String
        XCTAssertEqual(value15, "ok")
        let value16 = try await broker.request("GET", "/readyz", token: nil).json["status"] as? String
        XCTAssertEqual(value16, "ready")
        let openapi = try await broker.request("GET", "/api/v1/openapi.json", token: nil)
        XCTAssertEqual(openapi.status, 200)
        XCTAssertEqual(openapi.json["openapi"] as? String, "3.1.0")
        let paths = try XCTUnwrap(openapi.json["paths"] as? [String: Any])
        for path in ["/api/v1/alerts", "/api/v1/alerts/{id}/revisions", "/api/v1/subscriptions", "/api/v1/deliveries/{id}/redeliver", "/api/v1/tokens"] {
            XCTAssertNotNil(paths[path], path)
        }
        _ = try await broker.publish(alertJSON())
        let metrics = try await broker.request("GET", "/metrics", token: nil).text
        XCTAssertTrue(metrics.contains("tocsin_outbox_deliveries"), metrics)
        XCTAssertTrue(metrics.contains("hb_requests"), metrics)
    }
}
