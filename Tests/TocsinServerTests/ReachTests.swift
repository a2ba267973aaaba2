import Foundation
import XCTest

/// Who knows, end to end on the real binary: a 50-organisation scenario where some receivers answer, some are gone
/// (410), some are down (a closed port) and some organisations never subscribed; the reach report, its CSV, the
/// `tocsin reach` command and `orgs?unreachable=true` must say exactly who was told. Then drills stay out of the
/// real metrics.
final class ReachTests: BrokerTestCase {
    func testReachCountsAreExactWhenSomeReceiversAreDown() async throws {
        let regions = ["11", "28", "53", "84"]
        var working: [String] = [], gone: [String] = [], down: [String] = [], unsubscribed: [String] = [], filtered: [String] = []
        var regionOf: [String: String] = [:]
        receiver.plan("gone", Array(repeating: 410, count: 50))
        for index in 0..<50 {
            let region = regions[index % regions.count]
            let org = try await broker.createOrg("CH \(index)", clearance: "AMBER", region: region)
            regionOf[org] = region
            switch index {
            case 0..<20:
                _ = try await broker.subscribeWebhook(org: org, url: receiver.url("ok"))
                working.append(org)
            case 20..<30:
                _ = try await broker.subscribeWebhook(org: org, url: receiver.url("gone"))
                gone.append(org)
            case 30..<40:
                _ = try await broker.subscribeWebhook(org: org, url: "http://127.0.0.1:1/closed")
                down.append(org)
            case 40..<48:
                unsubscribed.append(org)
            default:
                _ = try await broker.subscribeWebhook(org: org, url: receiver.url("ok"), filter: ["minSeverity": "critical"])
                filtered.append(org)
            }
        }
        let alert = try await broker.publish(alertJSON(severity: "high"))

        // Wait until every delivery has finished: nothing pending or failing in the report.
        var report: [String: Any] = [:]
        try await eventually(timeout: 30, "deliveries still under way: \(report["uninformed"] ?? "")") {
            report = try await broker.get("/api/v1/alerts/\(alert)/reach").json
            let reasons = (report["uninformed"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
            return reasons.count == 30 && !reasons.contains("pending") && !reasons.contains("failing")
        }

        // Eight of the working organisations acknowledge, through the API with their own tokens; one twice.
        let acknowledging = Array(working.prefix(8))
        for org in acknowledging {
            let token = try await broker.token("subscriber", org: org)
            let first = try await broker.request("POST", "/api/v1/alerts/\(alert)/ack", token: token, json: ["note": "pris en compte"])
            XCTAssertEqual(first.status, 200, first.text)
            XCTAssertEqual(first.json["alreadyAcknowledged"] as? Bool, false)
            if org == acknowledging[0] {
                let again = try await broker.request("POST", "/api/v1/alerts/\(alert)/ack", token: token, json: [:] as [String: Any])
                XCTAssertEqual(again.status, 200)
                XCTAssertEqual(again.json["alreadyAcknowledged"] as? Bool, true)
                // A subscriber may not read the reach.
                let answer1 = try await broker.get("/api/v1/alerts/\(alert)/reach", token: token)
                XCTAssertEqual(answer1.status, 403)
            }
        }
        // A publisher bound to no organisation may revise the broker's own alerts, and so read their reach.
        let publisher = try await broker.token("publisher")
        let asPublisher = try await broker.get("/api/v1/alerts/\(alert)/reach", token: publisher)
        XCTAssertEqual(asPublisher.status, 200, asPublisher.text)
        let answer2 = try await broker.get("/api/v1/alerts/no-such-alert/reach")
        XCTAssertEqual(answer2.status, 404)

        report = try await broker.get("/api/v1/alerts/\(alert)/reach").json
        XCTAssertEqual(report["counts"] as? [String: Int], ["concerned": 50, "delivered": 20, "seen": 8, "acknowledged": 8])
        let uninformed = report["uninformed"] as? [[String: Any]] ?? []
        var reasonOf: [String: String] = [:]
        for entry in uninformed { reasonOf[entry["orgId"] as? String ?? ""] = entry["reason"] as? String }
        var expected: [String: String] = [:]
        for org in gone + down { expected[org] = "dead-lettered" }
        for org in unsubscribed { expected[org] = "no-subscription" }
        for org in filtered { expected[org] = "filtered" }
        XCTAssertEqual(reasonOf, expected)
        let goneDetail = uninformed.first { $0["orgId"] as? String == gone[0] }?["detail"] as? String ?? ""
        XCTAssertTrue(goneDetail.contains("410"), goneDetail)
        let unacknowledged = report["unacknowledged"] as? [[String: Any]] ?? []
        XCTAssertEqual(Set(unacknowledged.compactMap { $0["orgId"] as? String }), Set(working.dropFirst(8)))
        XCTAssertEqual(Set(unacknowledged.compactMap { $0["step"] as? String }), ["delivered"])
        let byRegion = report["byRegion"] as? [String: [String: Int]] ?? [:]
        XCTAssertEqual(Set(byRegion.keys), Set(regions))
        for region in regions {
            let orgs = regionOf.filter { $0.value == region }.map(\.key)
            XCTAssertEqual(byRegion[region]?["concerned"], orgs.count)
            XCTAssertEqual(byRegion[region]?["delivered"], orgs.filter(working.contains).count)
            XCTAssertEqual(byRegion[region]?["acknowledged"], orgs.filter(acknowledging.contains).count)
        }
        let delays = report["delays"] as? [String: [String: Any]] ?? [:]
        XCTAssertEqual(delays["delivered"]?["count"] as? Int, 20)
        XCTAssertEqual(delays["acknowledged"]?["count"] as? Int, 8)
        XCTAssertNotNil(delays["acknowledged"]?["p90"] as? Double)

        // The CSV: a header and one line per concerned organisation, by Accept or by format.
        let csv = try await broker.request("GET", "/api/v1/alerts/\(alert)/reach", token: broker.adminToken, extraHeaders: [("Accept", "text/csv")])
        XCTAssertEqual(csv.status, 200)
        XCTAssertTrue(csv.header("Content-Type")?.hasPrefix("text/csv") == true)
        let lines = csv.text.split(separator: "\r\n").map(String.init)
        XCTAssertEqual(lines.first, "org_id,org_name,region,step,delivered_at,seen_at,acknowledged_at,reason")
        XCTAssertEqual(lines.count, 51)
        XCTAssertEqual(lines.filter { $0.hasSuffix(",dead-lettered") }.count, 20)
        XCTAssertEqual(lines.filter { $0.hasSuffix(",unacknowledged") }.count, 12)
        XCTAssertEqual(lines.filter { $0.contains(",acknowledged,") }.count, 8)
        let answer3 = try await broker.get("/api/v1/alerts/\(alert)/reach?format=csv")
        XCTAssertEqual(answer3.text, csv.text)
        let answer4 = try await broker.get("/api/v1/alerts/\(alert)/reach?format=xml")
        XCTAssertEqual(answer4.status, 422)

        // The command line reads the same from the store.
        let table = try broker.cli(["reach", alert])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("Organisations concerned 50, delivered 20 (40.0%), seen 8 (16.0%), acknowledged 8 (16.0%)"), table.stdout)
        XCTAssertTrue(table.stdout.contains("Uninformed (30)"), table.stdout)
        let cliCSV = try broker.cli(["reach", alert, "--csv"])
        XCTAssertEqual(cliCSV.stdout.split(separator: "\r\n").count, 51)

        // A standing finding: who no alert can reach now. Not the filtered ones: their channel works.
        let unreachable = try await broker.get("/api/v1/orgs?unreachable=true")
        XCTAssertEqual(unreachable.status, 200, unreachable.text)
        var found: [String: [String]] = [:]
        for item in unreachable.items { found[item["id"] as? String ?? ""] = item["reasons"] as? [String] }
        XCTAssertEqual(Set(found.keys), Set(gone + down + unsubscribed))
        XCTAssertTrue(found[gone[0]]?.first?.hasPrefix("disabled:") == true, "\(found[gone[0]] ?? [])")
        XCTAssertTrue(found[down[0]]?.first?.hasPrefix("dead-lettered:") == true, "\(found[down[0]] ?? [])")
        XCTAssertTrue(found[unsubscribed[0]]?.first?.hasPrefix("no-subscription:") == true)
        XCTAssertTrue(unreachable.items.allSatisfy { $0["unreachable"] as? Bool == true })
        let subscriberToken = try await broker.token("subscriber", org: working[0])
        let answer5 = try await broker.get("/api/v1/orgs?unreachable=true", token: subscriberToken)
        XCTAssertEqual(answer5.status, 403)
    }

    func testAnExerciseIsMarkedReportedAndKeptOutOfRealMetrics() async throws {
        let org = try await broker.createOrg("CHU de Caen", clearance: "AMBER", region: "28")
        _ = try await broker.subscribeWebhook(org: org, url: receiver.url("hook"))
        var drill = alertJSON(title: "Exercice : rançongiciel simulé", severity: "high")
        drill["status"] = "exercise"
        drill["exerciseId"] = "care-2026-q4"
        let exercise = try await broker.publish(drill)
        let real = try await broker.publish(alertJSON(severity: "high"))
        try await eventually { receiver.received("hook").count == 2 }
        let delivered = receiver.received("hook")
        let drillBody = delivered.first { ($0.json["data"] as? [String: Any])?["id"] as? String == exercise }
        XCTAssertEqual((drillBody?.json["data"] as? [String: Any])?["exerciseId"] as? String, "care-2026-q4")

        let token = try await broker.token("subscriber", org: org)
        let answer6 = try await broker.request("POST", "/api/v1/alerts/\(exercise)/ack", token: token)
        XCTAssertEqual(answer6.status, 200)
        let answer7 = try await broker.request("POST", "/api/v1/alerts/\(real)/ack", token: token)
        XCTAssertEqual(answer7.status, 200)

        // Only the real alert counts in the metrics.
        let metrics = try await broker.request("GET", "/metrics", token: nil).text
        XCTAssertTrue(metrics.contains("tocsin_time_to_deliver_seconds_count{severity=\"high\"} 1\n"), metrics)
        XCTAssertTrue(metrics.contains("tocsin_time_to_acknowledge_seconds_count{severity=\"high\"} 1\n"), metrics)
        XCTAssertTrue(metrics.contains("tocsin_alerts_unacknowledged 0\n"), metrics)

        // The exercise's report.
        let report = try await broker.get("/api/v1/exercises/care-2026-q4/report")
        XCTAssertEqual(report.status, 200, report.text)
        XCTAssertEqual(report.json["counts"] as? [String: Int], ["concerned": 1, "delivered": 1, "seen": 1, "acknowledged": 1])
        XCTAssertEqual((report.json["alerts"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [exercise])
        XCTAssertEqual(((report.json["byOrganisation"] as? [[String: Any]])?.first?["timeToAcknowledge"] as? [String: Any])?["count"] as? Int, 1)
        let answer8 = try await broker.get("/api/v1/exercises/unknown/report")
        XCTAssertEqual(answer8.status, 404)

        // A feed leaves drills out unless it asks for them.
        for include in [false, true] {
            let created = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "feed", "filter": ["includeExercises": include]])
            XCTAssertEqual(created.status, 201, created.text)
            let feedToken = created.json["feedToken"] as? String ?? ""
            let feed = try await broker.request("GET", "/feeds/\(feedToken)/feed.json", token: nil)
            XCTAssertEqual(feed.status, 200, feed.text)
            XCTAssertEqual(feed.text.contains("[EXERCICE]"), include, feed.text)
            XCTAssertTrue(feed.text.contains(real))
        }
    }
}
