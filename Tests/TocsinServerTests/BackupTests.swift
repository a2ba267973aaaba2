import Foundation
import XCTest

/// `tocsin backup` copies the database while the broker serves; `tocsin restore` brings it back, outbox included,
/// and the restored broker delivers what was left.
final class BackupTests: BrokerTestCase {
    func testABackupTakenDuringAFanOutRestoresAndDeliversTheRest() async throws {
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        let subscriptions = 60
        for n in 0..<subscriptions { _ = try await broker.subscribeWebhook(org: org, url: receiver.url("hook\(n)")) }
        receiver.setDelay(.milliseconds(400))
        let alert = try await broker.publish(alertJSON(title: "Rançongiciel en cours", tlp: "AMBER"))
        try await eventually(broker.log) { self.receiver.received().count >= 5 }

        let backupFile = broker.dataDir + "-backup.sqlite"
        defer { try? FileManager.default.removeItem(atPath: backupFile) }
        let backup = try broker.cli(["backup", "--to", backupFile, "--json"])
        XCTAssertEqual(backup.status, 0, backup.stderr)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(backup.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(summary["alerts"] as? Int, 1)
        let waiting = try XCTUnwrap(summary["deliveriesWaiting"] as? Int)
        XCTAssertGreaterThan(waiting, 0, "the backup was taken in the middle of the fan-out")
        let again = try broker.cli(["backup", "--to", backupFile])
        XCTAssertNotEqual(again.status, 0, "an existing file is not overwritten without --force")
        let mode = try FileManager.default.attributesOfItem(atPath: backupFile)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "a backup holds TLP:RED alerts and webhook secrets: readable by its owner only")
        let live = try broker.cli(["backup", "--to", broker.dataDir + "/tocsin.sqlite", "--force"])
        XCTAssertNotEqual(live.status, 0, "the live database is never the destination")
        XCTAssertTrue(live.stderr.contains("live database"), live.stderr)

        // The broker is lost; a new one is restored from the backup and finishes the fan-out.
        broker.kill9()
        let deliveredBefore = Set(receiver.received().map(\.id))
        let restored = try BrokerProcess(dataDir: broker.dataDir + "-restored")
        let result = try restored.cli(["restore", "--from", backupFile])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("deliveries waiting"), result.stderr)
        let token = try restored.cli(["token", "create", "--role", "admin"])
        restored.setAdminToken(token.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        receiver.setDelay(.zero)
        try await restored.launch()
        defer { restored.stop() }
        try await eventually(timeout: 30, restored.log) {
            let ledger = try await restored.deliveries(alert: alert)
            return ledger.count == subscriptions && ledger.allSatisfy { $0["state"] as? String == "delivered" }
        }
        // Every subscription received the alert; a delivery in flight at backup time may come twice, always with the
        // same webhook-id.
        let ids = Set(receiver.received().map(\.id))
        XCTAssertEqual(ids.count, subscriptions)
        XCTAssertTrue(deliveredBefore.isSubset(of: ids))
        XCTAssertEqual(Set(receiver.received().map(\.path)).count, subscriptions)

        // A running broker's database is not restored over.
        let busy = try restored.cli(["restore", "--from", backupFile, "--force"])
        XCTAssertNotEqual(busy.status, 0)
        XCTAssertTrue(busy.stderr.contains("stop it"), busy.stderr)
        let notADatabase = broker.dataDir + "-not-a-db"
        FileManager.default.createFile(atPath: notADatabase, contents: Data("hello".utf8))
        defer { try? FileManager.default.removeItem(atPath: notADatabase) }
        let bad = try BrokerProcess().cli(["restore", "--from", notADatabase])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains(notADatabase), bad.stderr)
    }

    /// A backup that fails says why in plain words, and the audit log records it as failed.
    func testAFailedBackupIsExplainedAndAudited() async throws {
        let missing = broker.dataDir + "/no-such-folder/tocsin.sqlite"
        let failed = try broker.cli(["backup", "--to", missing])
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("no-such-folder does not exist"), failed.stderr)
        XCTAssertFalse(failed.stderr.contains(".partial"), failed.stderr)
        let file = broker.dataDir + "/copy.sqlite"
        XCTAssertEqual(try broker.cli(["backup", "--to", file]).status, 0)
        let again = try broker.cli(["backup", "--to", file])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("--force"), again.stderr)
        let entries = try await broker.get("/api/v1/audit?action=backup").items
        XCTAssertEqual(entries.compactMap { $0["outcome"] as? String }.sorted(), ["failed", "failed", "ok"], "\(entries)")
    }
}
