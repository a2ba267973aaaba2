import Foundation
import GRDB
import Logging
import Synchronization
import TocsinCore

/// The embedded store: one SQLite file in WAL mode, migrated at open.
///
/// Writers are serialised by SQLite; readers run concurrently. Triggers on subscriptions and organisations bump the
/// `routing_state.version` counter, so the pipeline recompiles its routing index only when the directory moved.
public final class SQLiteStore: Store {
    let pool: DatabasePool
    let logger: Logger
    /// The database file, for readiness and error messages.
    let path: String
    public let channels: ChannelCatalog
    /// The running outbox worker's offer to take new deliveries as they are written (`adoptNewDeliveries`).
    let adoption = Mutex<DeliveryAdoption?>(nil)

    /// Opens (creating when missing) the database at `path` and runs pending migrations.
    public init(path: String, channels: ChannelCatalog, logger: Logger = Logger(label: "tocsin.store")) throws {
        self.channels = channels
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        } catch {
            throw StoreOpenError(path: path, reason: "the data directory cannot be created", advice: StoreOpenError.advice(directory: directory, error: error))
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteMigrations.migrator().migrate(pool)
            try pool.writeWithoutTransaction { db in try Self.keepStatementJournalsInMemory(db) }
        } catch {
            throw StoreOpenError(path: path, reason: StoreOpenError.reason(error), advice: StoreOpenError.advice(directory: directory, error: error))
        }
        self.logger = logger
    }

    public func probeWrite(now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO readiness (id, checked_at) VALUES (1, ?)", arguments: [now.millis])
        }
        // SQLite reuses the space of its write-ahead log, so small writes may still pass on a full disk while a
        // publish, which needs new pages, fails: the free space is checked as well.
        let directory = (path as NSString).deletingLastPathComponent
        var stats = statvfs()
        if statvfs(directory.isEmpty ? "." : directory, &stats) == 0 {
            let free = UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
            if free < Self.minimumFreeBytes {
                throw StoreError.invalid("the disk holding \(directory) has \(free / 1024) KiB free; writes will fail: free some space")
            }
        }
    }

    /// Keeps the writer's statement journals in memory. A statement that writes many rows inside a transaction (a
    /// fan-out's multi-row inserts, a claim, a batch of results) keeps the pages it changes in a statement journal, so
    /// that a failing constraint undoes that statement alone. SQLite keeps that journal in memory up to 64 KiB, then
    /// in a temporary file: a 10,000-delivery publish wrote hundreds of megabytes there, 40 % of its time in `pwrite`
    /// (`docs/benchmarks.md`). A statement's journal holds at most the pages that statement changes: the hot
    /// statements write 128 rows at most, a claim its batch. The few that may change many rows at once are rare or
    /// avoid the journal: superseding what a whole fan-out still has waiting is written `OR ROLLBACK`, which needs
    /// none; the requeue at start runs before anything else is held; an organisation's deletion changes its own
    /// rows. The writer's sorts and temporary tables are held in memory too; it sorts nothing large at runtime. Set
    /// once the migrations ran, so that a migration rewriting or indexing a large table keeps using disk.
    public static func keepStatementJournalsInMemory(_ db: Database) throws {
        try db.execute(sql: "PRAGMA temp_store = MEMORY")
    }

    /// Below this much free space on the database's disk, the store reports itself unable to take writes.
    static let minimumFreeBytes: UInt64 = 1 << 20

    /// Names of the migrations applied, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try SQLiteMigrations.migrator().appliedMigrations(db) }
    }
}

/// The database could not be opened: where, why, and what the operator can do about it.
public struct StoreOpenError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var advice: String

    public var description: String { "cannot open the database \(path): \(reason). \(advice)" }

    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL: return "the disk is full"
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: return "it cannot be written"
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return "the file is not a Tocsin database or is damaged"
            case .SQLITE_IOERR: return "the disk failed to read or write it"
            default: return error.message ?? "\(error.resultCode)"
            }
        }
        return (error as NSError).localizedDescription
    }

    static func advice(directory: String, error: any Error) -> String {
        let dir = directory.isEmpty ? "." : directory
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            return "Restore the last backup with `tocsin restore --from FILE --data-dir \(dir)`, or point --data-dir elsewhere."
        }
        var stats = statvfs()
        if statvfs(dir, &stats) == 0, UInt64(stats.f_bavail) * UInt64(stats.f_frsize) < 1 << 20 {
            return "The disk holding \(dir) has no space left: free some (df -h \(dir)) and start again."
        }
        if access(dir, W_OK) != 0 && FileManager.default.fileExists(atPath: dir) {
            return "The directory \(dir) is not writable by this user (uid \(getuid())): fix its owner or permissions, or choose another with --data-dir."
        }
        return "Check that \(dir) is writable by this user and that its disk has free space (df -h \(dir))."
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

/// A page cursor: the `nextCursor` a list answered, a positive integer written as `^[1-9][0-9]{0,17}$` (the pattern
/// the OpenAPI document gives). Anything else, `+5` or `007` included, is refused rather than read loosely.
public enum Cursor {
    /// The cursor's value, or nil when `text` is not a cursor.
    public static func parse(_ text: String) -> Int64? {
        let digits = text.utf8
        guard (1...18).contains(digits.count), digits.first != UInt8(ascii: "0"),
              digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int64(text)
    }

    static func decode(_ cursor: String?) throws -> Int64? {
        guard let cursor else { return nil }
        guard let value = parse(cursor) else { throw StoreError.invalid("cursor '\(cursor.prefix(32))' is not valid") }
        return value
    }
}

func encodeJSON<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try TocsinJSON.encoder().encode(value), as: UTF8.self)
}

func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try TocsinJSON.decoder().decode(type, from: Data(text.utf8))
}
