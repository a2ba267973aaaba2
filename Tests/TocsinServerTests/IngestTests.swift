import Foundation
import TocsinTestSupport
import XCTest

/// Source documents through `POST /api/v1/ingest/{format}` and `tocsin import`, on the real fixture corpus: new
/// documents are published and delivered, the same document twice does nothing, a later revision updates its
/// alert, a bad document is rejected whole.
final class IngestTests: BrokerTestCase {
    func ingest(_ fixture: String, format: String = "auto", query: String = "") async throws -> BrokerProcess.Answer {
        let data = try Fixtures.data(fixture)
        return try await broker.request("POST", "/api/v1/ingest/\(format)\(query)", token: broker.adminToken, raw: Array(data),
                                        contentType: "application/octet-stream")
    }

    func actions(_ answer: BrokerProcess.Answer) -> [String] {
        (answer.json["items"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
    }

    func testACSAFAdvisoryIsPublishedDeliveredAndIdempotent() async throws {
        let org = try await broker.createOrg("CHU de Rouen", clearance: "GREEN")
        let (_, secret) = try await broker.subscribeWebhook(org: org, url: receiver.url("csaf"))
        let first = try await ingest("csaf/cisa/icsma-24-163-01.json", format: "csaf")
        XCTAssertEqual(first.status, 200, first.text)
        XCTAssertEqual(first.json["format"] as? String, "csaf")
        XCTAssertEqual(actions(first), ["published"])
        let alertId = try XCTUnwrap((first.json["items"] as? [[String: Any]])?.first?["alertId"] as? String)

        var ledger: [[String: Any]] = []
        try await eventually("\(ledger)") {
            ledger = try await self.broker.deliveries(alert: alertId)
            return self.receiver.received("csaf").count == 1
        }
        let hook = receiver.received("csaf")[0]
        XCTAssertTrue(hook.isSigned(with: secret))
        let data = try XCTUnwrap(hook.json["data"] as? [String: Any])
        XCTAssertEqual(data["sourceRef"] as? String, "ICSMA-24-163-01")
        XCTAssertEqual(data["tlp"] as? String, "CLEAR")
        XCTAssertFalse((data["affectedProducts"] as? [Any] ?? []).isEmpty)
        XCTAssertFalse((data["cves"] as? [String] ?? []).isEmpty)

        // The same document again, by name or recognised: nothing new, nothing sent.
        let again = try await ingest("csaf/cisa/icsma-24-163-01.json", format: "csaf")
        XCTAssertEqual(actions(again), ["unchanged"])
        let auto = try await ingest("csaf/cisa/icsma-24-163-01.json")
        XCTAssertEqual(actions(auto), ["unchanged"])
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(receiver.received("csaf").count, 1)
        let alert = try await broker.get("/api/v1/alerts/\(alertId)")
        XCTAssertEqual(alert.json["revision"] as? Int, 1)
    }

    func testAMarkingIsNeverWiderThanTheChannelItCameThrough() async throws {
        // A CLEAR advisory that came through an AMBER channel stays AMBER; a GREEN organisation never sees it.
        let green = try await broker.createOrg("EHPAD des Tilleuls", clearance: "GREEN")
        _ = try await broker.subscribeWebhook(org: green, url: receiver.url("green"))
        let answer = try await ingest("csaf/cisa/va-24-254-01.json", format: "csaf", query: "?minimumTlp=AMBER")
        XCTAssertEqual(answer.status, 200, answer.text)
        let id = try XCTUnwrap((answer.json["items"] as? [[String: Any]])?.first?["alertId"] as? String)
        let alert = try await broker.get("/api/v1/alerts/\(id)")
        XCTAssertEqual(alert.json["tlp"] as? String, "AMBER")
        // The same document by an open route is recognised, and a revision never lowers the marking anyway.
        let again = try await ingest("csaf/cisa/va-24-254-01.json", format: "csaf", query: "?source=mirror")
        XCTAssertEqual(actions(again), ["unchanged"])
        let still = try await broker.get("/api/v1/alerts/\(id)")
        XCTAssertEqual(still.json["tlp"] as? String, "AMBER")
        try await Task.sleep(for: .milliseconds(400))
        XCTAssertEqual(receiver.received("green").count, 0)
    }

    func testCAPCancelsOnlyWhatItsOwnSenderPublished() async throws {
        func cap(_ sender: String, _ identifier: String, _ type: String, references: String? = nil) -> [UInt8] {
            Array("""
                <?xml version="1.0" encoding="UTF-8"?>
                <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
                  <identifier>\(identifier)</identifier><sender>\(sender)</sender><sent>2026-11-23T10:00:00+01:00</sent>
                  <status>Actual</status><msgType>\(type)</msgType><scope>Public</scope>
                  \(references.map { "<references>\($0)</references>" } ?? "")
                  <info><language>fr-FR</language><category>Security</category><event>Cyberattaque</event><urgency>Immediate</urgency>
                    <severity>Severe</severity><certainty>Observed</certainty><headline>Rançongiciel dans un centre hospitalier</headline>
                    <description>Isoler les postes touchés.</description></info>
                </alert>
                """.utf8)
        }
        let posted = try await broker.request("POST", "/api/v1/ingest/cap", token: broker.adminToken, raw: cap("cert@sante.test", "X1", "Alert"))
        XCTAssertEqual(actions(posted), ["published"], posted.text)
        let id = try XCTUnwrap((posted.json["items"] as? [[String: Any]])?.first?["alertId"] as? String)
        // Another sender naming the same identifier cancels nothing.
        let foreign = try await broker.request("POST", "/api/v1/ingest/cap", token: broker.adminToken,
                                               raw: cap("other@elsewhere.test", "C1", "Cancel", references: "other@elsewhere.test,X1,2026-11-23T10:00:00+01:00"))
        XCTAssertEqual(actions(foreign), ["not_found"], foreign.text)
        let own = try await broker.request("POST", "/api/v1/ingest/cap", token: broker.adminToken,
                                           raw: cap("cert@sante.test", "C2", "Cancel", references: "cert@sante.test,X1,2026-11-23T10:00:00+01:00"))
        XCTAssertEqual(actions(own), ["cancelled"], own.text)
        let alert = try await broker.get("/api/v1/alerts/\(id)")
        XCTAssertEqual(alert.json["status"] as? String, "cancelled")
    }

    func testACancelledAlertIgnoresLaterCopiesOfItsDocument() async throws {
        let first = try await ingest("cve/revisions/CVE-2024-3400.2024-05-08.json")
        let id = try XCTUnwrap((first.json["items"] as? [[String: Any]])?.first?["alertId"] as? String)
        let cancelled = try await broker.post("/api/v1/alerts/\(id)/cancel", ["reason": "handled elsewhere"])
        XCTAssertEqual(cancelled.status, 200, cancelled.text)
        let newer = try await ingest("cve/cvelistV5/CVE-2024-3400.json")
        XCTAssertEqual(newer.status, 200, newer.text)
        XCTAssertEqual(actions(newer), ["unchanged"])
        let alert = try await broker.get("/api/v1/alerts/\(id)")
        XCTAssertEqual(alert.json["status"] as? String, "cancelled")
    }

    func testLaterRevisionsUpdateTheirAlertAndEarlierOnesChangeNothing() async throws {
        let org = try await broker.createOrg("CH du Havre", clearance: "GREEN")
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("rev"))
        // CVE record: the older copy first, then the current one → one alert, revision 2.
        let older = try await ingest("cve/revisions/CVE-2024-3400.2024-05-08.json")
        XCTAssertEqual(actions(older), ["published"])
        let newer = try await ingest("cve/cvelistV5/CVE-2024-3400.json")
        XCTAssertEqual(actions(newer), ["revised"])
        XCTAssertEqual((newer.json["items"] as? [[String: Any]])?.first?["revision"] as? Int, 2)
        // The older copy arriving late changes nothing.
        let late = try await ingest("cve/revisions/CVE-2024-3400.2024-05-08.json")
        XCTAssertEqual(actions(late), ["unchanged"])

        // CERT-FR advisory: its two published versions are one alert.
        let firstVersion = try await ingest("cert-fr/avis-json-revisions/CERTFR-2026-AVI-0133.rev1.json")
        XCTAssertEqual(actions(firstVersion), ["published"])
        let secondVersion = try await ingest("cert-fr/avis-json/CERTFR-2026-AVI-0133.json")
        XCTAssertEqual(actions(secondVersion), ["revised"])

        try await eventually { self.receiver.received("rev").count == 4 }
        let types = receiver.received("rev").map { $0.json["type"] as? String }
        XCTAssertEqual(types, ["alert.published", "alert.updated", "alert.published", "alert.updated"])
        let cveAlert = try XCTUnwrap(receiver.received("rev")[1].json["data"] as? [String: Any])
        XCTAssertEqual(cveAlert["sourceRef"] as? String, "CVE-2024-3400")
        XCTAssertEqual(cveAlert["severity"] as? String, "critical")
        XCTAssertEqual((cveAlert["cvss"] as? [[String: Any]])?.first?["baseScore"] as? Double, 10.0)
    }

    func testBadDocumentsAreRejectedWholeWithThePathOfTheFault() async throws {
        // A CSAF document that breaks the specification's mandatory tests.
        let invalid = try await ingest("csaf/oasis/oasis_csaf_tc-csaf_2_0-2021-6-1-08-01.json", format: "csaf")
        XCTAssertEqual(invalid.status, 422, invalid.text)
        XCTAssertEqual(invalid.json["type"] as? String, "urn:tocsin:problem:invalid-document")
        XCTAssertTrue(invalid.text.contains("baseSeverity"), invalid.text)

        // Hostile XML: an entity expansion bomb is refused before any expansion.
        let bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol2;</identifier></alert>
            """
        let refused = try await broker.request("POST", "/api/v1/ingest/cap", token: broker.adminToken, raw: Array(bomb.utf8), contentType: "application/xml")
        XCTAssertEqual(refused.status, 422, refused.text)
        XCTAssertTrue(refused.text.contains("DOCTYPE"), refused.text)

        let unknown = try await broker.request("POST", "/api/v1/ingest/auto", token: broker.adminToken, raw: Array("just words".utf8), contentType: "text/plain")
        XCTAssertEqual(unknown.status, 422, unknown.text)
        let badFormat = try await ingest("csaf/cisa/icsma-24-163-01.json", format: "docx")
        XCTAssertEqual(badFormat.status, 404)

        // A subscriber may not ingest.
        let org = try await broker.createOrg("EHPAD", clearance: "CLEAR")
        let token = try await broker.post("/api/v1/tokens", ["role": "subscriber", "orgId": org]).json["token"] as? String
        let forbidden = try await broker.request("POST", "/api/v1/ingest/csaf", token: token, raw: Array(try Fixtures.data("csaf/cisa/icsma-24-163-01.json")))
        XCTAssertEqual(forbidden.status, 403)

        let stored = try await broker.get("/api/v1/alerts").items
        XCTAssertEqual(stored.count, 0, "nothing of a rejected document is stored")
    }

    func testImportFromTheCommandLineFlagsKnownExploitedAlertsAndIsIdempotent() async throws {
        let files = try Fixtures.files(in: "cve/cvelistV5", extensions: [".json"]).map(\.path)
        let first = try broker.cli(["import"] + files)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("\(files.count) files: \(files.count) published"), first.stderr)

        let kev = try Fixtures.url("cve/kev/known_exploited_vulnerabilities.json").path
        let flagged = try broker.cli(["import", "--format", "kev", kev])
        XCTAssertEqual(flagged.status, 0, flagged.stderr)
        let summary = flagged.stderr
        XCTAssertFalse(summary.contains(" 0 flagged"), summary)
        XCTAssertTrue(summary.contains("0 rejected"), summary)
        let again = try broker.cli(["import", "--format", "kev", kev])
        XCTAssertTrue(again.stderr.contains("0 published, 0 revised"), again.stderr)

        // A bad file among good ones: reported by name, the others imported, exit status 1.
        let bad = try Fixtures.url("csaf/oasis/oasis_csaf_tc-csaf_2_0-2021-6-1-01-01.json").path
        let good = try Fixtures.url("csaf/cisa/va-24-254-01.json").path
        let mixed = try broker.cli(["import", bad, good])
        XCTAssertEqual(mixed.status, 1)
        XCTAssertTrue(mixed.stderr.contains("oasis_csaf_tc-csaf_2_0-2021-6-1-01-01.json"), mixed.stderr)
        XCTAssertTrue(mixed.stderr.contains("1 published"), mixed.stderr)
        // With --json, the rejected file has its report too.
        let reported = try broker.cli(["import", "--json", bad])
        XCTAssertEqual(reported.status, 1)
        XCTAssertTrue(reported.stdout.contains("\"rejected\"") && reported.stdout.contains("oasis_csaf_tc-csaf_2_0-2021-6-1-01-01.json"), reported.stdout)
    }

    func testEnrichAndCVSSCommandsForAnalysts() throws {
        let cvss = try broker.cli(["cvss", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                                   "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"], withDataDir: false)
        XCTAssertEqual(cvss.status, 0, cvss.stderr)
        let lines = cvss.stdout.split(separator: "\n").map { $0.split(separator: "\t").prefix(3).joined(separator: " ") }
        XCTAssertEqual(lines, ["3.1 9.8 critical", "4.0 9.3 critical"])
        let malformed = try broker.cli(["cvss", "CVSS:3.1/AV:N/AC:X"], withDataDir: false)
        XCTAssertEqual(malformed.status, 1)
        XCTAssertTrue(malformed.stderr.contains("AC"), malformed.stderr)

        // (Not a subdomain of example.org: the default warninglists drop subdomains of the top sites.)
        let text = "Rançongiciel : bloquer hxxps://evil-c2[.]net/gate et 185.220.101[.]47, voir CVE-2024-3400."
        let enriched = try broker.cli(["enrich", "-"], stdin: text)
        XCTAssertEqual(enriched.status, 0, enriched.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(enriched.stdout.utf8)) as? [String: Any])
        let values = (json["indicators"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
        XCTAssertTrue(values.contains("https://evil-c2.net/gate"), "\(values)")
        XCTAssertTrue(values.contains("185.220.101.47"), "\(values)")
        XCTAssertEqual(json["cves"] as? [String], ["CVE-2024-3400"])

        let csaf = try broker.cli(["enrich", try Fixtures.url("csaf/cisa/icsma-24-163-01.json").path])
        XCTAssertEqual(csaf.status, 0, csaf.stderr)
        XCTAssertTrue(csaf.stdout.contains("\"sourceRef\" : \"ICSMA-24-163-01\""), csaf.stdout)
    }
}

/// Adding a catalogue does not flood every establishment: a backfill stores everything, readable in the API and
/// feeds, and sends nothing.
final class BackfillTests: BrokerTestCase {
    func testABackfillStoresQuietlyAndALaterDocumentNotifies() async throws {
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("rouen"))
        let feed = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "feed"])
        let feedToken = try XCTUnwrap(feed.json["feedToken"] as? String)
        let token = try await broker.token("subscriber", org: org)
        let port = broker.port
        async let streamed = FeedAndStreamTests.readStream(port: port, token: token, lastEventId: nil, count: 1, seconds: 4)
        try await Task.sleep(for: .milliseconds(400))

        let file = broker.dataDir + "/advisory.json"
        try Fixtures.data("csaf/cisa/icsma-24-200-01.json").write(to: URL(fileURLWithPath: file))
        let imported = try broker.cli(["import", "--backfill", "--json", file])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["storedQuietly"] as? Int, 1, imported.stdout)
        let id = try XCTUnwrap((report["items"] as? [[String: Any]])?.first?["alertId"] as? String)

        // Readable in the API and the feed, never pushed: no delivery, no webhook, nothing on the stream.
        let alert = try await broker.get("/api/v1/alerts/\(id)", token: token)
        XCTAssertEqual((alert.json["attributes"] as? [String: String])?["tocsin.backfilled"], "true")
        let value1 = try await broker.request("GET", "/feeds/\(feedToken)/feed.json", token: nil).text.contains(id)
        XCTAssertTrue(value1)
        let value2 = try await broker.deliveries(alert: id).count
        XCTAssertEqual(value2, 0)

        // What is published next notifies as usual, on every exit.
        let fresh = try await broker.publish(alertJSON(title: "Nouvelle alerte", tlp: "AMBER"))
        let events = await streamed
        XCTAssertEqual(events.compactMap { $0.data.contains(fresh) ? fresh : ($0.data.contains(id) ? id : nil) }, [fresh])
        try await eventually(broker.log) { self.receiver.received("rouen").count == 1 }
        XCTAssertEqual((receiver.received("rouen")[0].json["data"] as? [String: Any])?["id"] as? String, fresh)

        // The API takes ?backfill=true too.
        let kevLike = try await broker.request("POST", "/api/v1/ingest/native?backfill=true", token: broker.adminToken,
                                               raw: Array(#"{"title":"Ancienne alerte","summary":"s","severity":"high","tlp":"GREEN","sourceRef":"OLD-1"}"#.utf8))
        XCTAssertEqual(kevLike.status, 200, kevLike.text)
        XCTAssertEqual(kevLike.json["storedQuietly"] as? Int, 1)
        try await Task.sleep(for: .milliseconds(500))
        XCTAssertEqual(receiver.received("rouen").count, 1)
    }

    /// A catalog entry that flags an alert already sent is not news to those who had it; it is pushed only to the
    /// subscriptions whose minimum severity the flag now reaches.
    func testAKnownExploitedFlagNotifiesOnlyTheSubscriptionsItsSeverityNowReaches() async throws {
        let everything = try await broker.createOrg("CH du Havre", clearance: "GREEN")
        _ = try await broker.subscribeWebhook(org: everything, url: receiver.url("all"))
        let urgent = try await broker.createOrg("CHU de Caen", clearance: "GREEN")
        _ = try await broker.subscribeWebhook(org: urgent, url: receiver.url("high"), filter: ["minSeverity": "high"])

        var alert = alertJSON(title: "Git : lien symbolique", severity: "medium", categories: ["vulnerability"])
        alert["cves"] = ["CVE-2025-48384"]
        let id = try await broker.publish(alert)
        try await eventually(broker.log) { self.receiver.received("all").count == 1 }

        // The catalog with this one entry, as CISA publishes it.
        var catalog = try XCTUnwrap(try JSONSerialization.jsonObject(with: Fixtures.data("cve/kev/known_exploited_vulnerabilities.json")) as? [String: Any])
        let entries = try XCTUnwrap(catalog["vulnerabilities"] as? [[String: Any]])
        catalog["vulnerabilities"] = entries.filter { $0["cveID"] as? String == "CVE-2025-48384" }
        catalog["count"] = 1
        let flagged = try await broker.request("POST", "/api/v1/ingest/kev", token: broker.adminToken,
                                               raw: Array(try JSONSerialization.data(withJSONObject: catalog)))
        XCTAssertEqual(flagged.status, 200, flagged.text)
        XCTAssertEqual((flagged.json["items"] as? [[String: Any]])?.first?["action"] as? String, "flagged", flagged.text)

        try await eventually(broker.log) { self.receiver.received("high").count == 1 }
        let data = try XCTUnwrap(receiver.received("high")[0].json["data"] as? [String: Any])
        XCTAssertEqual(data["id"] as? String, id)
        XCTAssertEqual(data["severity"] as? String, "high")
        XCTAssertEqual(data["knownExploited"] as? Bool, true)
        try await Task.sleep(for: .milliseconds(800))
        XCTAssertEqual(receiver.received("all").count, 1, "the organisation that had the alert is not told again")
        let ledger = try await broker.deliveries(alert: id)
        XCTAssertEqual(ledger.count, 2, "\(ledger)")

        // A later revision by its publisher is news again, to everyone it reaches.
        let revised = try await broker.post("/api/v1/alerts/\(id)/revisions", ["summary": "Correctif disponible : Git 2.50.1."])
        XCTAssertEqual(revised.status, 201, revised.text)
        try await eventually(broker.log) { self.receiver.received("all").count == 2 && self.receiver.received("high").count == 2 }
    }
}
