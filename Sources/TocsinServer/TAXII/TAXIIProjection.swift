import Foundation
import TocsinCore
import TocsinStore

/// Keeps the TAXII collections level with the alert log: before a read, the objects of every revision published
/// since the last catch-up are written (`STIXWriter`), each into the collection of its revision's TLP, with the
/// regions of its alert. The first catch-up also puts the shared objects (the broker's identity, the extension
/// definition) and the collection's official TLP marking-definition in every collection.
///
/// One catch-up runs at a time in the process; the store also refuses one that starts from a stale point, so that
/// two brokers on the same database never add an object twice.
actor TAXIIProjection {
    let store: any Store
    let writer: STIXWriter

    init(store: any Store, writer: STIXWriter) {
        self.store = store
        self.writer = writer
    }

    /// Writes the objects of the revisions not yet in the collections.
    func catchUp() async throws {
        while true {
            let synced = try await store.taxiiSyncedSequence()
            let events = try await store.events(after: synced, limit: 500)
            guard let last = events.last?.sequence else { return }
            var records: [TAXIIObjectRecord] = []
            if synced == 0 {
                for collection in TAXIICollection.all {
                    let marking = STIXMarkings.object(collection.tlp)
                    let markingJSON = try JSONSerialization.data(withJSONObject: marking, options: [.sortedKeys, .withoutEscapingSlashes])
                    let markingObject = STIXObject(id: STIXMarkings.id(collection.tlp), type: "marking-definition",
                                                   version: marking["created"] as? String ?? "", json: String(decoding: markingJSON, as: UTF8.self))
                    for object in writer.sharedObjects() + [markingObject] {
                        records.append(TAXIIObjectRecord(collection: collection.tlp, object: object, regions: []))
                    }
                }
            }
            for event in events {
                let alert = event.alert
                for object in writer.alertObjects(alert) {
                    records.append(TAXIIObjectRecord(collection: alert.tlp, object: object, regions: alert.regions))
                }
            }
            _ = try await store.appendTAXIIObjects(records, after: synced, through: last, now: Date())
        }
    }
}
