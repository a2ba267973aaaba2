import Crypto
import Foundation
import TocsinCore

/// An alert as a MISP event in MISP's core format (the feed format MISP reads under Sync → Feeds), and the feed's
/// `manifest.json` and `hashes.csv`: pure, no I/O.
///
/// The event's UUID is the alert's id, so it is stable; its `timestamp` is the current revision's date, so MISP
/// fetches it again after each revision. It carries its TLP tag (`tlp:amber`…) and, when cancelled,
/// `tocsin:cancelled`. Attributes come from the indicators with MISP's types and categories; `to_ids` is true only
/// for an indicator meant for detection (`Indicator.isForDetection`: never an extracted one). CVEs become
/// `vulnerability` attributes.
struct MISPFeedDocuments {
    /// Who publishes the events: the broker, named after its public URL.
    var orgName = "Tocsin"
    var publicUrl: String

    var orgUUID: String { Self.uuid("org:\(publicUrl)") }

    /// A UUID fixed for `name`.
    static func uuid(_ name: String) -> String {
        String(STIXIdentifier.domain("misp", name: name).dropFirst("misp--".count))
    }

    /// MISP's type and category for an indicator, and whether its type may be used for detection at all.
    static func attributeType(_ kind: Indicator.Kind) -> (type: String, category: String, detectable: Bool) {
        switch kind {
        case .ipv4, .ipv6: ("ip-dst", "Network activity", true)
        case .domain: ("domain", "Network activity", true)
        case .url: ("url", "Network activity", true)
        case .email: ("email-src", "Payload delivery", true)
        case .md5: ("md5", "Payload delivery", true)
        case .sha1: ("sha1", "Payload delivery", true)
        case .sha256: ("sha256", "Payload delivery", true)
        case .sha512: ("sha512", "Payload delivery", true)
        case .filename: ("filename", "Payload delivery", true)
        case .cve: ("vulnerability", "External analysis", false)
        case .other: ("text", "Other", false)
        }
    }

    static func threatLevel(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: "1"
        case .medium: "2"
        case .low: "3"
        case .info: "4"
        }
    }

    static func tags(_ alert: Alert) -> [[String: Any]] {
        var tags: [[String: Any]] = [["name": alert.tlp.rawValue == "CLEAR" ? "tlp:clear" : "tlp:\(alert.tlp.rawValue.lowercased())"]]
        if alert.status == .cancelled { tags.append(["name": "tocsin:cancelled"]) }
        return tags
    }

    static func day(_ date: Date) -> String { String(RFC3339.format(date).prefix(10)) }

    /// The event's attributes: the indicators, then the CVEs not already among them.
    func attributes(_ alert: Alert) -> [[String: Any]] {
        let timestamp = String(Int(alert.updatedAt.timeIntervalSince1970))
        var seen: Set<String> = []
        var attributes: [[String: Any]] = []
        func add(type: String, category: String, value: String, toIds: Bool, comment: String?) {
            guard seen.insert("\(type)|\(value)").inserted else { return }
            var attribute: [String: Any] = [
                "uuid": Self.uuid("attribute:\(alert.id):\(type):\(value)"), "type": type, "category": category, "value": value,
                "to_ids": toIds, "timestamp": timestamp, "distribution": "5", "disable_correlation": false, "deleted": false,
            ]
            attribute["comment"] = comment ?? ""
            attributes.append(attribute)
        }
        for indicator in alert.indicators {
            let (type, category, detectable) = Self.attributeType(indicator.type)
            let value = indicator.type == .cve ? indicator.value.uppercased() : indicator.value
            add(type: type, category: category, value: value, toIds: detectable && indicator.isForDetection, comment: indicator.comment)
        }
        for cve in alert.cves { add(type: "vulnerability", category: "External analysis", value: cve, toIds: false, comment: nil) }
        return attributes
    }

    /// `{uuid}.json`: `{"Event": {…}}`.
    func event(_ alert: Alert) -> [String: Any] {
        var info = alert.title
        if let reason = alert.cancelReason { info += " (\(reason))" }
        let timestamp = String(Int(alert.updatedAt.timeIntervalSince1970))
        return ["Event": [
            "uuid": alert.id, "info": info, "date": Self.day(alert.sourcePublishedAt), "threat_level_id": Self.threatLevel(alert.severity),
            "analysis": "2", "published": true, "timestamp": timestamp, "publish_timestamp": timestamp, "distribution": "3",
            "Orgc": ["name": orgName, "uuid": orgUUID], "Tag": Self.tags(alert), "Attribute": attributes(alert),
        ] as [String: Any]]
    }

    /// `manifest.json`: each event's uuid to its summary.
    func manifest(_ alerts: [Alert]) -> [String: Any] {
        var manifest: [String: Any] = [:]
        for alert in alerts {
            let timestamp = String(Int(alert.updatedAt.timeIntervalSince1970))
            manifest[alert.id] = [
                "info": alert.title, "date": Self.day(alert.sourcePublishedAt), "threat_level_id": Self.threatLevel(alert.severity),
                "analysis": "2", "timestamp": timestamp, "publish_timestamp": timestamp, "Orgc": ["name": orgName, "uuid": orgUUID],
                "Tag": Self.tags(alert),
            ] as [String: Any]
        }
        return manifest
    }

    /// `hashes.csv`: one line per attribute, the MD5 of its value and its event's uuid, as MISP's feeds write it.
    func hashes(_ alerts: [Alert]) -> String {
        var lines = ""
        for alert in alerts {
            for attribute in attributes(alert) {
                let value = attribute["value"] as? String ?? ""
                let digest = Insecure.MD5.hash(data: Array(value.utf8)).map { String(format: "%02x", $0) }.joined()
                lines += "\(digest),\(alert.id)\n"
            }
        }
        return lines
    }

    static func json(_ object: Any) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
