import Foundation
import TocsinTestSupport
import XCTest

extension ConsoleBrowserTests {
    /// A CERT analyst composes an alert in the browser, previews it as an establishment would receive it, publishes
    /// it and watches the reach board count the deliveries as they arrive, without a reload; then revises it, cancels
    /// it, and reviews then publishes a CSAF advisory. The webhook receivers
    /// answer after 4 s, so the board is shown before any delivery and must follow them live. The board's screenshot
    /// is kept as `docs/images/console-reach-board.png`.
    func testAnAnalystComposesPreviewsPublishesAndWatchesTheReachBoardFillLive() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        receiver.setDelay(.seconds(4))
        let concerned = try await broker.createOrg("CHU de Chartres", clearance: "AMBER")
        let declared = try await broker.request("PUT", "/api/v1/orgs/\(concerned)/inventory", token: broker.adminToken,
                                                raw: Array(#"[{"vendor":"Philips","product":"Vue PACS","version":"12.2.6.10"}]"#.utf8))
        XCTAssertEqual(declared.status, 200, declared.text)
        _ = try await broker.subscribeWebhook(org: concerned, url: receiver.url("chartres"))
        for (index, name) in ["CH de Dreux", "CH de Châteaudun"].enumerated() {
            let org = try await broker.createOrg(name, clearance: "AMBER")
            _ = try await broker.subscribeWebhook(org: org, url: receiver.url("org\(index)"))
        }
        // Concerned by its region, reached by no channel: the board says so.
        _ = try await broker.createOrg("Clinique sans abonnement", clearance: "AMBER")
        // Another region's establishment is not a recipient.
        let elsewhere = try await broker.createOrg("CHU de Rouen", clearance: "AMBER", region: "76")
        _ = try await broker.subscribeWebhook(org: elsewhere, url: receiver.url("rouen"))
        let scenario: [String: Any] = [
            "publisherToken": try await broker.token("publisher"), "alertTitle": "Vue PACS : exécution de code à distance <script>",
            "concernedOrg": "CHU de Chartres", "concernedOrgId": concerned, "unsubscribedOrg": "Clinique sans abonnement",
            "expectedDeliveries": 3, "adminToken": broker.adminToken, "csafPath": try Fixtures.url("csaf/cisa/icsma-24-163-01.json").path,
        ]
        try runScript("analyst_reach.py", scenario)
        // The regional alert stays in its region (the CSAF advisory, national, goes everywhere).
        let elsewhereTitles = receiver.received("rouen").compactMap { ($0.json["data"] as? [String: Any])?["title"] as? String }
        XCTAssertFalse(elsewhereTitles.contains { $0.hasPrefix("Vue PACS : exécution") }, "another region's establishment received the alert")
        keep("analyst-reach-board", as: "console-reach-board")
    }
}
