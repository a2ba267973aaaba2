import Foundation
import GRDB
import TocsinCore

extension SQLiteStore {
    public func taxiiSyncedSequence() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT event_seq FROM taxii_state WHERE id = 1") ?? 0 }
    }

    public func appendTAXIIObjects(_ records: [TAXIIObjectRecord], after: Int64, through: Int64, now: Date) async throws -> Bool {
        let nowMicros = Int64((now.timeIntervalSince1970 * 1_000_000).rounded(.down))
        return try await pool.write { db in
            guard try Int64.fetchOne(db, sql: "SELECT event_seq FROM taxii_state WHERE id = 1") == after else { return false }
            var last: [Int: Int64] = [:]
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM taxii_objects WHERE collection = ? AND stix_id = ? AND version = ?")
            let earlier = try db.cachedStatement(sql: "SELECT 1 FROM taxii_objects WHERE stix_id = ? AND version <> ? LIMIT 1")
            let supersede = try db.cachedStatement(sql: "UPDATE taxii_objects SET latest = 0 WHERE stix_id = ? AND latest = 1 AND version <> ?")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO taxii_objects (collection, date_added, stix_id, type, version, regions, latest, first, doc)
                VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)
                """)
            for record in records {
                let collection = record.collection.rank
                let object = record.object
                if try Bool.fetchOne(exists, arguments: [collection, object.id, object.version]) == true { continue }
                let previous: Int64
                if let known = last[collection] {
                    previous = known
                } else {
                    previous = try Int64.fetchOne(db, sql: "SELECT MAX(date_added) FROM taxii_objects WHERE collection = ?", arguments: [collection]) ?? 0
                }
                let dateAdded = max(nowMicros, previous + 1)
                last[collection] = dateAdded
                let first = try Bool.fetchOne(earlier, arguments: [object.id, object.version]) != true
                try supersede.execute(arguments: [object.id, object.version])
                let regions = record.regions.isEmpty ? "" : "," + record.regions.joined(separator: ",") + ","
                try insert.execute(arguments: [collection, dateAdded, object.id, object.type, object.version, regions, first, object.json])
            }
            try db.execute(sql: "UPDATE taxii_state SET event_seq = ? WHERE id = 1", arguments: [through])
            return true
        }
    }

    public func taxiiObjects(_ query: TAXIIObjectQuery) async throws -> TAXIIObjectPage {
        var clauses = ["collection = ?"]
        var arguments: StatementArguments = [query.collection.rank]
        if let after = query.addedAfter { clauses.append("date_added > ?"); arguments += [after] }
        if !query.ids.isEmpty {
            clauses.append("stix_id IN (\(Array(repeating: "?", count: query.ids.count).joined(separator: ",")))")
            arguments += StatementArguments(query.ids)
        }
        if !query.types.isEmpty {
            clauses.append("type IN (\(Array(repeating: "?", count: query.types.count).joined(separator: ",")))")
            arguments += StatementArguments(query.types)
        }
        switch query.versions {
        case .last: clauses.append("latest = 1")
        case .first: clauses.append("first = 1")
        case .all: break
        case .some(let versions, let last, let first):
            var any: [String] = []
            if !versions.isEmpty {
                any.append("version IN (\(Array(repeating: "?", count: versions.count).joined(separator: ",")))")
                arguments += StatementArguments(versions)
            }
            if last { any.append("latest = 1") }
            if first { any.append("first = 1") }
            clauses.append(any.isEmpty ? "0" : "(" + any.joined(separator: " OR ") + ")")
        }
        if let region = query.region, region != Region.all {
            if let region {
                clauses.append("(regions = '' OR instr(regions, ?) > 0)"); arguments += [",\(region),"]
            } else {
                clauses.append("regions = ''")
            }
        }
        let limit = max(query.limit, 1)
        arguments += [limit + 1]
        let sql = "SELECT date_added, stix_id, type, version, doc FROM taxii_objects WHERE \(clauses.joined(separator: " AND ")) ORDER BY date_added LIMIT ?"
        let finalArguments = arguments
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: finalArguments).map {
                TAXIIObjectRow(dateAdded: $0["date_added"], id: $0["stix_id"], type: $0["type"], version: $0["version"], json: $0["doc"])
            }
            return TAXIIObjectPage(rows: Array(rows.prefix(limit)), more: rows.count > limit)
        }
    }
}
