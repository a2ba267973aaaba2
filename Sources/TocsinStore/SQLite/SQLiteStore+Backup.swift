#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GRDB
import TocsinCore

/// What a backup or a restore copied, for the operator.
public struct BackupSummary: Sendable, Codable {
    public var path: String
    public var bytes: Int
    public var alerts: Int
    public var organisations: Int
    /// Deliveries still to send (pending, in flight or waiting for a retry) when the copy was taken.
    public var deliveriesWaiting: Int
    public var migrations: [String]
}

/// A backup or restore that cannot go ahead, with what to do.
public struct BackupError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension SQLiteStore {
    /// Copies the database to `destination` with SQLite's online backup, page by page, while the broker goes on
    /// serving: the copy is one consistent state (an alert with all of its deliveries, or neither). Written beside
    /// the destination and renamed into place, so a failed backup never leaves a half-written file under its name.
    public func backup(to destination: String, overwrite: Bool = false, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> BackupSummary {
        let manager = FileManager.default
        if manager.fileExists(atPath: destination), !overwrite {
            throw BackupError("\(destination) already exists; choose another name or pass --force to replace it")
        }
        let live = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard URL(fileURLWithPath: destination).resolvingSymlinksInPath().path != live else {
            throw BackupError("\(destination) is the live database; back up to another file")
        }
        let folder = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw BackupError("the folder \(folder) does not exist; create it first (install -d -m 700 \(folder))")
        }
        let partial = destination + ".partial"
        try? manager.removeItem(atPath: partial)
        do {
            // The copy holds TLP:RED alerts and webhook secrets: readable by its owner only, created here and now
            // (never through a link someone left at that name).
            try Self.createPrivateFile(partial)
            let copy = try DatabaseQueue(path: partial)
            try pool.backup(to: copy, pagesPerStep: 256) { step in
                progress?(step.completedPageCount, step.totalPageCount)
            }
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            guard rename(partial, destination) == 0 else { throw BackupError("cannot rename \(partial) to \(destination): \(String(cString: strerror(errno)))") }
        } catch let error as BackupError {
            try? manager.removeItem(atPath: partial)
            throw error
        } catch {
            try? manager.removeItem(atPath: partial)
            throw BackupError("the backup to \(destination) failed: \(StoreOpenError.reason(error)); nothing was written there")
        }
        return try Self.summary(of: destination)
    }

    /// Checks that `path` is a whole Tocsin database and counts what it holds.
    public static func summary(of path: String) throws -> BackupSummary {
        guard FileManager.default.fileExists(atPath: path) else { throw BackupError("\(path) does not exist") }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let check = try String.fetchOne(db, sql: "PRAGMA quick_check") ?? ""
                guard check == "ok" else { throw BackupError("\(path) is damaged (\(check.prefix(200)))") }
                guard try db.tableExists("grdb_migrations"), try db.tableExists("alerts") else {
                    throw BackupError("\(path) is not a Tocsin database")
                }
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                return BackupSummary(
                    path: path, bytes: size ?? 0,
                    alerts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alerts") ?? 0,
                    organisations: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organisations") ?? 0,
                    deliveriesWaiting: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE state IN ('pending', 'in_flight', 'retry_scheduled')") ?? 0,
                    migrations: try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"))
            }
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError("\(path) cannot be read as a database: \(StoreOpenError.reason(error))")
        }
    }

    /// Puts the backup at `source` in place of the database at `path`. The broker must be stopped (the data
    /// directory's lock says so); an existing database is replaced only with `overwrite`. The backup is checked
    /// first and copied beside the destination, then renamed, so a failure leaves the current database as it was.
    /// Deliveries that were in flight when the backup was taken are sent again on the next start, with the same
    /// `webhook-id`.
    public static func restore(from source: String, to path: String, overwrite: Bool) throws -> BackupSummary {
        let summary = try summary(of: source)
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        guard let lock = DataDirectoryLock(directory: directory.isEmpty ? "." : directory) else {
            throw BackupError("a broker is running on \(directory): stop it before restoring")
        }
        defer { lock.release() }
        let manager = FileManager.default
        if manager.fileExists(atPath: path), !overwrite {
            throw BackupError("\(path) already exists; pass --force to replace it with the backup (its current content is lost)")
        }
        let partial = path + ".restoring"
        try? manager.removeItem(atPath: partial)
        do {
            try createPrivateFile(partial)
            let from = try DatabaseQueue(path: source, configuration: { var c = Configuration(); c.readonly = true; return c }())
            let to = try DatabaseQueue(path: partial)
            try from.backup(to: to)
            try from.close()
            // Claims taken by the broker the backup came from are void: their lease ends now, so the restored
            // broker takes them again at once (same delivery, same webhook-id) rather than after the lease.
            let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
            try to.write { db in
                try db.execute(sql: "UPDATE deliveries SET due_at = ?, lease_until = ? WHERE state = 'in_flight'", arguments: [now, now])
            }
            try to.close()
            // The old database stays whole until the rename replaces it in one step; its write-ahead log, which
            // belongs to it and not to the backup, goes after.
            guard rename(partial, path) == 0 else { throw BackupError("cannot rename \(partial) to \(path): \(String(cString: strerror(errno)))") }
            for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: path + suffix) }
        } catch let error as BackupError {
            try? manager.removeItem(atPath: partial)
            throw error
        } catch {
            try? manager.removeItem(atPath: partial)
            throw BackupError("the restore into \(path) failed: \(StoreOpenError.reason(error)); the database there is unchanged")
        }
        return summary
    }
}

extension SQLiteStore {
    /// Creates `path` empty with mode 0600, refusing an existing file or link there.
    static func createPrivateFile(_ path: String) throws {
        let descriptor = open(path, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw BackupError("cannot create \(path): \(String(cString: strerror(errno)))") }
        close(descriptor)
    }
}

/// An exclusive lock on a data directory (`tocsin.lock`), held by `tocsin serve` for its whole life, so that two
/// brokers never share a database and a restore never pulls it from under a running one. Released by the kernel
/// when the process ends, even by `kill -9`.
public final class DataDirectoryLock: @unchecked Sendable {
    private var descriptor: Int32

    /// Takes the lock, or nil when another process holds it.
    public init?(directory: String) {
        let path = (directory as NSString).appendingPathComponent("tocsin.lock")
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
    }

    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
