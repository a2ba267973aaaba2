import Foundation
import XCTest

/// A national body (the national CERT, the ministry, ANS) receives regional alerts its filters match; an
/// organisation in no region and not national receives national alerts only, as before.
final class NationalOrganisationTests: BrokerTestCase {
    func testANationalOrganisationReceivesRegionalAlertsItsFiltersMatch() async throws {
        let created = try await broker.post("/api/v1/orgs", ["name": "CERT Santé", "kind": "CERT", "national": true, "tlpClearance": "AMBER"])
        XCTAssertEqual(created.status, 201, created.text)
        XCTAssertEqual(created.json["national"] as? Bool, true)
        XCTAssertNil(created.json["region"])
        let cert = try XCTUnwrap(created.json["id"] as? String)
        let noRegion = try await broker.post("/api/v1/orgs", ["name": "Ministère", "kind": "other", "tlpClearance": "AMBER"]).json["id"] as! String
        let normandie = try await broker.createOrg("CHU de Rouen", clearance: "AMBER", region: "28")
        _ = try await broker.subscribeWebhook(org: cert, url: receiver.url("cert"))
        _ = try await broker.subscribeWebhook(org: cert, url: receiver.url("cert-idf"), filter: ["regions": ["11"]])
        _ = try await broker.subscribeWebhook(org: noRegion, url: receiver.url("ministere"))
        _ = try await broker.subscribeWebhook(org: normandie, url: receiver.url("rouen"))

        let regional = try await broker.publish(alertJSON(title: "Normandie", tlp: "AMBER", regions: ["28"]))
        let national = try await broker.publish(alertJSON(title: "National", tlp: "AMBER"))
        let secret = try await broker.publish(alertJSON(title: "Rouge", tlp: "RED", regions: ["28"]))
        try await eventually(broker.log) { self.receiver.received("cert").count == 2 && self.receiver.received("ministere").count == 1 }
        try await Task.sleep(for: .milliseconds(400))
        func alerts(_ path: String) -> Set<String> {
            Set(receiver.received(path).compactMap { ($0.json["data"] as? [String: Any])?["id"] as? String })
        }
        XCTAssertEqual(alerts("cert"), [regional, national])
        XCTAssertEqual(alerts("cert-idf"), [national], "a filter on regions narrows a national body")
        XCTAssertEqual(alerts("ministere"), [national])
        XCTAssertEqual(alerts("rouen"), [regional, national])
        XCTAssertFalse(alerts("cert").contains(secret), "national is about regions, never about the marking")

        let token = try await broker.token("subscriber", org: cert)
        let listed = Set(try await broker.get("/api/v1/alerts", token: token).items.compactMap { $0["id"] as? String })
        XCTAssertEqual(listed, [regional, national])
        let both = try await broker.post("/api/v1/orgs", ["name": "X", "national": true, "region": "28"])
        XCTAssertEqual(both.status, 422, both.text)
        let cli = try broker.cli(["org", "create", "--name", "ANS", "--kind", "other", "--national", "--clearance", "GREEN"])
        XCTAssertEqual(cli.status, 0, cli.stderr)
        XCTAssertTrue(cli.stdout.contains("\"national\" : true"), cli.stdout)
    }
}
