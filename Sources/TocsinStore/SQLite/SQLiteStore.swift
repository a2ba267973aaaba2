import Foundation
import GRDB
import Logging
import Synchronization
import TocsinCore

/// The embedded store: one SQLite file in WAL mode, migrated at open.
///
/// Writers are serialised by SQLite; readers run concurrently. The routing index is cached in memory and rebuilt
/// when the `routing_state.version` counter (bumped by triggers on subscriptions and organisations) moves, so
/// routing an alert costs a scan of compiled subscriptions rather than a query per alert.
public final class SQLiteStore: Store {
    let pool: DatabasePool
    let logger: Logger
    let routingCache = Mutex<(version: Int64, index: RoutingIndex)?>(nil)
    /// When deliveries for digest subscriptions fall due.
    let digests: DigestSchedule

    /// Opens (creating when missing) the database at `path` and runs pending migrations.
    public init(path: String, digests: DigestSchedule = DigestSchedule(), logger: Logger = Logger(label: "tocsin.store")) throws {
        self.digests = digests
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        pool = try DatabasePool(path: path, configuration: configuration)
        self.logger = logger
        try SQLiteMigrations.migrator().migrate(pool)
    }

    /// Names of the migrations applied, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try SQLiteMigrations.migrator().appliedMigrations(db) }
    }
}

// MARK: - Conversions

extension Date {
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}

extension Row {
    func date(_ column: String) -> Date? {
        (self[column] as Int64?).map(Date.init(millis:))
    }
}

enum Cursor {
    static func decode(_ cursor: String?) throws -> Int64? {
        guard let cursor else { return nil }
        guard let value = Int64(cursor), value > 0 else { throw StoreError.invalid("cursor '\(cursor.prefix(32))' is not valid") }
        return value
    }
}

func encodeJSON<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try TocsinJSON.encoder().encode(value), as: UTF8.self)
}

func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try TocsinJSON.decoder().decode(type, from: Data(text.utf8))
}
