import Foundation
import TocsinCore

/// Reads MISP events in the three shapes MISP and its tools write: `{"Event": {…}}` (event export, OSINT feeds),
/// `{"response": [{"Event": {…}}, …]}` (REST search, one alert per event) and a bare event object (PyMISP).
///
/// Field types are read as leniently as MISP itself writes them across versions (`timestamp`, `threat_level_id`
/// and `distribution` as strings or numbers, `to_ids` as a boolean, `0`/`1` or `"0"`/`"1"`), and strictly where a
/// wrong value would mislead: an event needs an `info` and a `uuid`, a `threat_level_id` must be 1 to 4, a `date`
/// must be a day, every attribute needs a `type` and a `value`. See `MISPEventReader` for what becomes of each
/// field and `MISPTypeMapping` for the attribute types.
public struct MISPAdapter: IngestAdapter {
    /// The format this adapter reads.
    public static let format: IngestFormat = .misp

    /// An adapter; it holds no state.
    public init() {}

    /// True when the first bytes show an `Event` wrapper, a `response` wrapper followed by `Event`, or the members
    /// of a bare event (`Attribute`, `threat_level_id`, `Orgc`).
    public static func recognises(_ data: Data) -> Bool {
        let head = ThreatSniff.head(data)
        let members = ThreatSniff.topLevelMembers(head)
        if members["Event"] != nil { return true }
        if members["response"] != nil { return head.contains("\"Event\"") }
        return ["Attribute", "threat_level_id", "Orgc", "publish_timestamp"].contains { members[$0] != nil }
    }

    /// One alert per event of the document; see the type's description for the envelopes and fields.
    public func parse(_ data: Data, options: IngestOptions) throws(IngestError) -> [IngestedAlert] {
        let root = try ThreatJSON.parse(data, format: Self.format)
        var alerts: [IngestedAlert] = []
        for event in try Self.events(in: root) {
            let draft = try MISPEventReader(event: event, options: options).draft()
            alerts.append(IngestedAlert(draft: try ThreatDraftSupport.finish(draft, format: Self.format, path: event.path, options: options)))
        }
        return alerts
    }

    /// The event objects of a document, whatever its envelope.
    static func events(in root: ThreatJSONNode) throws(IngestError) -> [ThreatJSONNode] {
        if case .array = root.value {
            var events: [ThreatJSONNode] = []
            for element in try root.elements() { events += try Self.events(in: element) }
            return events
        }
        guard root.isObject else {
            throw root.error("expected a MISP event: {\"Event\": {…}}, {\"response\": [{\"Event\": {…}}]} or an event object, found \(root.value.typeName)")
        }
        if let response = root["response"] {
            if case .array = response.value {
                var events: [ThreatJSONNode] = []
                for element in try response.elements() {
                    guard let event = element["Event"] else {
                        throw element.error("expected {\"Event\": {…}} in a MISP response")
                    }
                    events.append(try checkedObject(event))
                }
                return events
            }
            if let event = response["Event"] { return [try checkedObject(event)] }
            throw response.error("must be a list of {\"Event\": {…}}")
        }
        if let event = root["Event"] { return [try checkedObject(event)] }
        let eventMembers = ["info", "uuid", "Attribute", "Object", "threat_level_id"]
        guard eventMembers.contains(where: { root[$0] != nil }) else {
            throw root.error("not a MISP event: expected {\"Event\": {…}}, {\"response\": [{\"Event\": {…}}]} or an event object with info and uuid")
        }
        return [root]
    }

    private static func checkedObject(_ node: ThreatJSONNode) throws(IngestError) -> ThreatJSONNode {
        guard node.isObject else { throw node.error("must be an event object, not \(node.value.typeName)") }
        return node
    }
}
