import Foundation
import TocsinCore

/// The TAXII collections' objects: the STIX objects of every published revision, one row per object version, each
/// with a `date_added` unique and strictly increasing within its collection (one collection per TLP level).
///
/// The rows are a projection of the alert log, written by the TAXII service as it catches up with the log's events
/// (`appendTAXIIObjects`), never by the store itself. Reading is by indexed queries only: a page of a collection
/// after a `date_added`, an object's versions, so that a page of the newest objects costs the same in a collection of
/// a hundred objects or a hundred thousand.
public protocol TAXIIStore: Sendable {
    /// The sequence of the last alert event whose objects the collections hold (0 when none).
    func taxiiSyncedSequence() async throws -> Int64
    /// Appends the objects of the events after `after` up to `through`, atomically; `date_added` is given by the
    /// store from `now` (in microseconds, one more than the collection's last when the clock has not moved on). Returns
    /// false and writes nothing when the collections no longer stand at `after` (another request caught up first).
    func appendTAXIIObjects(_ records: [TAXIIObjectRecord], after: Int64, through: Int64, now: Date) async throws -> Bool
    /// Object versions of one collection in `date_added` order, after the query's bound, at most `limit + 1` read
    /// to tell whether more follow.
    func taxiiObjects(_ query: TAXIIObjectQuery) async throws -> TAXIIObjectPage
}

/// One object version to add to a collection.
public struct TAXIIObjectRecord: Sendable, Hashable {
    public var collection: TLP
    public var object: STIXObject
    /// The regions of the alert the object comes from; empty when it is national (or shared by every alert).
    public var regions: [String]

    public init(collection: TLP, object: STIXObject, regions: [String]) {
        self.collection = collection
        self.object = object
        self.regions = regions
    }
}

/// One object version as stored, with its place in the collection.
public struct TAXIIObjectRow: Sendable, Hashable {
    /// Microseconds since 1970, unique and strictly increasing within the collection.
    public var dateAdded: Int64
    public var id: String
    public var type: String
    public var version: String
    public var json: String

    public init(dateAdded: Int64, id: String, type: String, version: String, json: String) {
        self.dateAdded = dateAdded
        self.id = id
        self.type = type
        self.version = version
        self.json = json
    }
}

/// Which versions of each object a query returns (TAXII `match[version]`).
public enum TAXIIVersionMatch: Sendable, Hashable {
    /// The newest version of each object (across collections: an object revised into another collection has no
    /// latest version left in the first).
    case last
    /// The first version of each object.
    case first
    case all
    /// These `modified` values, and `last` or `first` with them when asked.
    case some([String], last: Bool, first: Bool)
}

/// A page request on one collection.
public struct TAXIIObjectQuery: Sendable, Hashable {
    public var collection: TLP
    /// Only objects added after this date (exclusive), in microseconds.
    public var addedAfter: Int64?
    public var ids: [String]
    public var types: [String]
    public var versions: TAXIIVersionMatch
    /// The reader's region scope: nil for every object, `Region.all` likewise, else national objects and those of this
    /// region; `.some(nil)` for national objects only.
    public var region: String??
    public var limit: Int

    public init(collection: TLP, addedAfter: Int64? = nil, ids: [String] = [], types: [String] = [], versions: TAXIIVersionMatch = .last,
                region: String?? = nil, limit: Int) {
        self.collection = collection
        self.addedAfter = addedAfter
        self.ids = ids
        self.types = types
        self.versions = versions
        self.region = region
        self.limit = limit
    }
}

/// A page of object versions and whether more follow.
public struct TAXIIObjectPage: Sendable {
    public var rows: [TAXIIObjectRow]
    public var more: Bool

    public init(rows: [TAXIIObjectRow], more: Bool) {
        self.rows = rows
        self.more = more
    }
}
