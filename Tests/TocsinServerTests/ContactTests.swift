import Foundation
import XCTest

/// Contacts by role, through the API and the command line, and email subscriptions that write to a role: the
/// message goes to whoever holds it when it leaves, through a real SMTP server.
final class ContactTests: XCTestCase {
    var sink: SMTPSink!
    var broker: BrokerProcess!

    override func setUp() async throws {
        sink = try SMTPSink()
        broker = try await BrokerProcess.start(environment: sink.brokerEnvironment())
    }

    override func tearDown() async throws {
        broker.stop()
        sink = nil
    }

    func testContactsHaveARoleAndAreCheckedWhole() async throws {
        let created = try await broker.post("/api/v1/orgs", [
            "name": "CHU de Caen", "kind": "CHU", "region": "28", "tlpClearance": "AMBER",
            "contacts": [["role": "rssi", "name": "Jeanne Martin", "email": "rssi@chu-caen.test", "phone": "+33 2 31 00 00 00"],
                         ["role": "deputy", "email": "adjoint@chu-caen.test", "locale": "en"]],
        ])
        XCTAssertEqual(created.status, 201, created.text)
        let contacts = try XCTUnwrap(created.json["contacts"] as? [[String: Any]])
        XCTAssertEqual(contacts.map { $0["role"] as? String }, ["rssi", "deputy"])
        XCTAssertTrue(contacts.allSatisfy { ($0["id"] as? String)?.isEmpty == false }, "each contact gets an id")
        let org = try XCTUnwrap(created.json["id"] as? String)

        // Sent back with its id, a contact keeps it; a new one gets its own.
        let keptId = try XCTUnwrap(contacts[0]["id"] as? String)
        let patched = try await broker.request("PATCH", "/api/v1/orgs/\(org)", token: nil, json: [
            "contacts": [["id": keptId, "role": "rssi", "email": "rssi@chu-caen.test"], ["role": "oncall", "email": "astreinte@chu-caen.test"]],
        ])
        XCTAssertEqual(patched.status, 401, "an unauthenticated PATCH is refused")
        let admin = try await broker.request("PATCH", "/api/v1/orgs/\(org)", token: broker.adminToken, json: [
            "contacts": [["id": keptId, "role": "rssi", "email": "rssi@chu-caen.test"], ["role": "oncall", "email": "astreinte@chu-caen.test"]],
        ])
        XCTAssertEqual(admin.status, 200, admin.text)
        let after = try XCTUnwrap(admin.json["contacts"] as? [[String: Any]])
        XCTAssertEqual(after.first?["id"] as? String, keptId)
        XCTAssertEqual(after.last?["role"] as? String, "oncall")

        // Bad contacts are refused whole, naming the field.
        for (contact, field) in [
            (["email": "rssi@chu-caen.test"], "contacts[0].role"),
            (["role": "boss", "email": "rssi@chu-caen.test"], "contacts[0].role"),
            (["role": "rssi", "email": "not an address"], "contacts[0].email"),
            (["role": "rssi", "email": "rssi@chu-caen.test", "phone": "call me"], "contacts[0].phone"),
            (["role": "rssi", "email": "rssi@chu-caen.test", "locale": "de"], "contacts[0].locale"),
            (["role": "rssi", "email": "rssi@chu-caen.test", "pager": "1"], "contacts[0].pager"),
        ] as [([String: String], String)] {
            let answer = try await broker.request("PATCH", "/api/v1/orgs/\(org)", token: broker.adminToken, json: ["contacts": [contact]])
            XCTAssertTrue([400, 422].contains(answer.status), "\(contact): \(answer.status) \(answer.text)")
            XCTAssertEqual(answer.json["field"] as? String, field, answer.text)
        }
        let unchanged = try await broker.get("/api/v1/orgs/\(org)")
        XCTAssertEqual((unchanged.json["contacts"] as? [[String: Any]])?.count, 2)
        // Personal data stays out of the broker's log.
        XCTAssertFalse(broker.log.contains("rssi@chu-caen.test"))
        XCTAssertFalse(broker.log.contains("Jeanne Martin"))
    }

    func testTheCommandLineAddsListsAndRemovesContacts() async throws {
        let org = try await broker.createOrg("CH de Dieppe", clearance: "GREEN")
        let added = try broker.cli(["org", "contact", "add", "--org", org, "--role", "deputy", "--name", "Camille Martin",
                                    "--email", "c.martin@ch-dieppe.test", "--phone", "+33 2 35 00 00 00"])
        XCTAssertEqual(added.status, 0, added.stderr)
        let contact = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any])
        let id = try XCTUnwrap(contact["id"] as? String)
        let listed = try broker.cli(["org", "contact", "list", "--org", org])
        XCTAssertTrue(listed.stdout.contains("\(id)\tdeputy\tCamille Martin\tc.martin@ch-dieppe.test"), listed.stdout)
        let refused = try broker.cli(["org", "contact", "add", "--org", org, "--role", "deputy", "--email", "nope"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("email"), refused.stderr)
        let removed = try broker.cli(["org", "contact", "remove", "--org", org, id])
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertEqual(try broker.cli(["org", "contact", "list", "--org", org]).stdout, "")
        let answer = try await broker.get("/api/v1/orgs/\(org)")
        XCTAssertEqual((answer.json["contacts"] as? [[String: Any]])?.count, 0)
    }

    func testARoleAddressedSubscriptionWritesToWhoeverHoldsTheRoleWhenTheMessageLeaves() async throws {
        let created = try await broker.post("/api/v1/orgs", [
            "name": "CHU de Rouen", "kind": "CHU", "region": "28", "tlpClearance": "AMBER",
            "contacts": [["role": "rssi", "email": "rssi@chu-rouen.test"], ["role": "oncall", "email": "astreinte1@chu-rouen.test"],
                         ["role": "oncall", "email": "astreinte2@chu-rouen.test"]],
        ])
        let org = try XCTUnwrap(created.json["id"] as? String)
        let misspelt = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": "role:boss"])
        XCTAssertEqual(misspelt.status, 422, misspelt.text)
        XCTAssertTrue(misspelt.text.contains("role:oncall"), misspelt.text)
        let subscription = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": "role:oncall"])
        XCTAssertEqual(subscription.status, 201, subscription.text)
        XCTAssertEqual(subscription.json["target"] as? String, "role:oncall")
        let nobody = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": "role:director"])
        XCTAssertEqual(nobody.status, 201, nobody.text)

        let first = try await broker.publish(alertJSON(title: "Rançongiciel : première alerte", tlp: "AMBER", severity: "critical"))
        try await eventually(broker.log) { try self.sink.messages().count == 1 }
        var mail = try sink.messages()[0]
        var headers = try XCTUnwrap(mail["headers"] as? [String: String])
        XCTAssertEqual(headers["To"], "astreinte1@chu-rouen.test, astreinte2@chu-rouen.test")
        XCTAssertEqual(try envelope(1), ["astreinte1@chu-rouen.test", "astreinte2@chu-rouen.test"])
        // Nobody holds the role: a dead letter that says so, not a message to no one.
        try await eventually(broker.log) {
            try await self.broker.deliveries(alert: first).contains { ($0["state"] as? String) == "dead" }
        }
        let dead = try await broker.deliveries(alert: first).first { ($0["state"] as? String) == "dead" }
        XCTAssertEqual(dead?["lastError"] as? String, "no contact of the organisation holds the role director")

        // The on-call person changes: the next message goes to the new one.
        let patched = try await broker.request("PATCH", "/api/v1/orgs/\(org)", token: broker.adminToken, json: [
            "contacts": [["role": "rssi", "email": "rssi@chu-rouen.test"], ["role": "oncall", "email": "nouvelle.astreinte@chu-rouen.test"]],
        ])
        XCTAssertEqual(patched.status, 200, patched.text)
        _ = try await broker.publish(alertJSON(title: "Rançongiciel : deuxième alerte", tlp: "AMBER", severity: "critical"))
        try await eventually(broker.log) { try self.sink.messages().count == 2 }
        mail = try sink.messages()[1]
        headers = try XCTUnwrap(mail["headers"] as? [String: String])
        XCTAssertEqual(headers["To"], "nouvelle.astreinte@chu-rouen.test")
        XCTAssertFalse(broker.log.contains("astreinte"), "addresses stay out of the log")
    }

    /// The envelope recipients of the `n`th message the sink accepted.
    func envelope(_ n: Int) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(sink.directory)/\(n).json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["rcpt"] as? [String] ?? []
    }
}
