import Foundation
import TocsinTestSupport
import XCTest

/// The bulk import of establishments through the real binary: `POST /api/v1/orgs/import` and `tocsin org import`,
/// every row or none, idempotent, with a dry run, for admins only.
final class OrganisationImportTests: XCTestCase {
    var broker: BrokerProcess!

    override func setUp() async throws {
        broker = try await BrokerProcess.start()
    }

    override func tearDown() async throws {
        broker.stop()
    }

    func importCSV(_ csv: String, dryRun: Bool = false, token: String? = nil, contentType: String = "text/csv; charset=utf-8") async throws -> BrokerProcess.Answer {
        try await broker.request("POST", "/api/v1/orgs/import\(dryRun ? "?dryRun=true" : "")", token: token ?? broker.adminToken,
                                 raw: Array(csv.utf8), contentType: contentType)
    }

    func organisationCount() async throws -> Int {
        var count = 0
        var cursor: String?
        repeat {
            let page = try await broker.get("/api/v1/orgs?limit=500\(cursor.map { "&cursor=\($0)" } ?? "")")
            count += page.items.count
            cursor = page.json["nextCursor"] as? String
        } while cursor != nil
        return count
    }

    func testThreeThousandEstablishmentsAreImportedWholeOnceAndABadRowRefusesTheFile() async throws {
        let before = try await organisationCount()

        // A bad row at some line, after multi-line rows: the whole file is refused, naming that line.
        let bad = EstablishmentsCSV.make(count: 3_000, badRow: 2_345)
        let refused = try await importCSV(bad.csv)
        XCTAssertEqual(refused.status, 422, refused.text)
        XCTAssertEqual(refused.json["type"] as? String, "urn:tocsin:problem:invalid-import")
        let errors = try XCTUnwrap(refused.json["errors"] as? [[String: Any]])
        XCTAssertEqual(errors.map { $0["line"] as? Int }, [bad.lines[2_344]])
        XCTAssertTrue((errors.first?["reason"] as? String)?.contains("check digit") == true, refused.text)
        let afterRefusal = try await organisationCount()
        XCTAssertEqual(afterRefusal, before, "nothing is half-imported")

        // A dry run says what would change and stores nothing.
        let file = EstablishmentsCSV.make(count: 3_000)
        let dry = try await importCSV(file.csv, dryRun: true)
        XCTAssertEqual(dry.status, 200, dry.text)
        XCTAssertEqual(dry.json["dryRun"] as? Bool, true)
        XCTAssertEqual(dry.json["created"] as? Int, 3_000)
        XCTAssertEqual((dry.json["changes"] as? [[String: Any]])?.first?["line"] as? Int, 2)
        let afterDryRun = try await organisationCount()
        XCTAssertEqual(afterDryRun, before)

        let imported = try await importCSV(file.csv)
        XCTAssertEqual(imported.status, 200, imported.text)
        XCTAssertEqual(imported.json["created"] as? Int, 3_000)
        let afterImport = try await organisationCount()
        XCTAssertEqual(afterImport, before + 3_000)
        let first = try XCTUnwrap((imported.json["changes"] as? [[String: Any]])?.first)
        let org = try await broker.get("/api/v1/orgs/\(try XCTUnwrap(first["id"] as? String))")
        XCTAssertEqual(org.json["finess"] as? String, EstablishmentsCSV.finess(serial: 1))
        XCTAssertEqual(org.json["tlpClearance"] as? String, "AMBER")
        XCTAssertEqual((org.json["contacts"] as? [[String: Any]])?.first?["email"] as? String, "rssi1@etab.example")

        // The same file again changes nothing; a changed clearance updates every row, and only that.
        let again = try await importCSV(file.csv)
        XCTAssertEqual(again.json["unchanged"] as? Int, 3_000, again.text)
        XCTAssertEqual(again.json["created"] as? Int, 0)
        let revised = try await importCSV(EstablishmentsCSV.make(count: 3_000, revision: 1).csv)
        XCTAssertEqual(revised.json["updated"] as? Int, 3_000, revised.text)
        XCTAssertEqual((revised.json["changes"] as? [[String: Any]])?.first?["fields"] as? [String], ["clearance"])
        let final = try await organisationCount()
        XCTAssertEqual(final, before + 3_000)

        // Each real import is in the audit log; contacts never reach the broker's log.
        let audit = try await broker.get("/api/v1/audit?action=organisation.import")
        XCTAssertGreaterThanOrEqual(audit.items.count, 3, audit.text)
        XCTAssertFalse(broker.log.contains("rssi1@etab.example"))
        XCTAssertFalse(broker.log.contains("Responsable 1 "))
    }

    func testOnlyAnAdminImportsAndTheBodyIsCheckedAsItArrives() async throws {
        let org = try await broker.createOrg("CH de Dieppe", clearance: "GREEN")
        let file = "nom;finess\nCH d'Eu;\(EstablishmentsCSV.finess(serial: 42))\n"
        for token in [try await broker.token("publisher"), try await broker.token("subscriber", org: org), try await broker.token("relay", org: org)] {
            let refused = try await importCSV(file, token: token)
            XCTAssertEqual(refused.status, 403, refused.text)
            let dry = try await importCSV(file, dryRun: true, token: token)
            XCTAssertEqual(dry.status, 403, dry.text)
        }
        let anonymous = try await broker.request("POST", "/api/v1/orgs/import", token: nil, raw: Array(file.utf8), contentType: "text/csv")
        XCTAssertEqual(anonymous.status, 401)
        let json = try await importCSV(file, contentType: "application/json")
        XCTAssertEqual(json.status, 415, json.text)
        let badQuery = try await broker.request("POST", "/api/v1/orgs/import?dryRun=yes", token: broker.adminToken, raw: Array(file.utf8), contentType: "text/csv")
        XCTAssertEqual(badQuery.status, 422, badQuery.text)
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: (16 << 20) + 1)
        let tooLarge = try await broker.request("POST", "/api/v1/orgs/import", token: broker.adminToken, raw: huge, contentType: "text/csv")
        XCTAssertEqual(tooLarge.status, 413, tooLarge.text)
        let count = try await organisationCount()
        XCTAssertEqual(count, 1, "nothing was imported")
        let refusals = try await broker.get("/api/v1/audit?action=organisation.import&outcome=refused")
        XCTAssertGreaterThanOrEqual(refusals.items.count, 6, refusals.text)
    }

    func testAFINESSNumberIsCheckedAndBelongsToOneOrganisation() async throws {
        let created = try await broker.post("/api/v1/orgs", ["name": "CHU de Rouen", "kind": "CHU", "region": "28", "finess": "76 078 023 9"])
        XCTAssertEqual(created.status, 201, created.text)
        XCTAssertEqual(created.json["finess"] as? String, "760780239")
        let taken = try await broker.post("/api/v1/orgs", ["name": "Autre", "finess": "760780239"])
        XCTAssertEqual(taken.status, 409, taken.text)
        let wrongKey = try await broker.post("/api/v1/orgs", ["name": "Autre", "finess": "760780238"])
        XCTAssertEqual(wrongKey.status, 422, wrongKey.text)
        XCTAssertEqual(wrongKey.json["field"] as? String, "finess")
        let other = try await broker.createOrg("Clinique du Parc", clearance: "GREEN")
        let patched = try await broker.request("PATCH", "/api/v1/orgs/\(other)", token: broker.adminToken, json: ["finess": "750712184"])
        XCTAssertEqual(patched.status, 200, patched.text)
        XCTAssertEqual(patched.json["finess"] as? String, "750712184")
        let clash = try await broker.request("PATCH", "/api/v1/orgs/\(other)", token: broker.adminToken, json: ["finess": "760780239"])
        XCTAssertEqual(clash.status, 409, clash.text)
        let cli = try broker.cli(["org", "create", "--name", "CH de Dieppe", "--finess", "760780239"])
        XCTAssertNotEqual(cli.status, 0, "the command line refuses a number already taken")
        // The import then finds them by their numbers.
        let imported = try await importCSV("name;finess;clearance\nCHU Charles-Nicolle;760780239;RED\nClinique du Parc;750712184;GREEN\n")
        XCTAssertEqual(imported.json["updated"] as? Int, 1, imported.text)
        XCTAssertEqual(imported.json["unchanged"] as? Int, 1, imported.text)
    }

    func testTheCommandLineImportsWithADryRunAndNamesBadLines() async throws {
        let directory = broker.dataDir + "/import"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let good = directory + "/etablissements.csv", bad = directory + "/mauvais.csv"
        try """
            name,finess,kind,region,clearance,locale,contacts
            CHU de Rouen,760780239,CHU,28,AMBER,fr,"rssi: Jeanne Martin <rssi@chu-rouen.test> | oncall: astreinte@chu-rouen.test"
            "Clinique du Parc, site nord",,clinic,28,GREEN,en,
            """.write(toFile: good, atomically: true, encoding: .utf8)
        try "name,region\nA,28\nB,99\n\"C\nD\",00\n".write(toFile: bad, atomically: true, encoding: .utf8)

        let dry = try broker.cli(["org", "import", good, "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("line 2: would create CHU de Rouen [760780239]"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("would create 2, update 0, unchanged 0"), dry.stdout)
        let countAfterDryRun = try await organisationCount()
        XCTAssertEqual(countAfterDryRun, 0)

        let done = try broker.cli(["org", "import", good])
        XCTAssertEqual(done.status, 0, done.stderr)
        XCTAssertTrue(done.stdout.contains("created 2, updated 0, unchanged 0"), done.stdout)
        let again = try broker.cli(["org", "import", good])
        XCTAssertTrue(again.stdout.contains("created 0, updated 0, unchanged 2"), again.stdout)

        let refused = try broker.cli(["org", "import", bad])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("line 3: region '99'"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("line 4: region '00'"), refused.stderr)
        let countAfterRefusal = try await organisationCount()
        XCTAssertEqual(countAfterRefusal, 2)

        let json = try broker.cli(["org", "import", good, "--json"])
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["unchanged"] as? Int, 2)
    }
}
