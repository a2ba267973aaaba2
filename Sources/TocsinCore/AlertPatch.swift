import Foundation

/// A revision as a publisher sends it: only what changes, as a JSON merge patch (RFC 7396) over the alert's
/// current content. A key present replaces the value (objects such as `attributes` merge key by key), `null` removes
/// it, anything not named stays as it is. Lists are replaced whole; `remove` takes entries out of a list by value
/// (`"remove": {"cves": ["CVE-2024-3400"], "indicators": [{"value": "203.0.113.7"}]}`). `confirmWiden: true`
/// accepts a revision that widens the audience.
public struct AlertPatch: Sendable {
    /// The content after the patch, not yet validated.
    public var draft: AlertDraft
    /// The publisher confirmed that the revision may reach more organisations than the current one.
    public var confirmsWidening: Bool

    /// The fields of an alert's content a patch may name: a draft's.
    public static let fields: Set<String> = AlertDraft.fields

    /// Applies `body` (a JSON object, duplicates already refused) to `current`; throws a `ValidationError` naming a
    /// key that is not a field, `StrictJSONError` or `DecodingError` for values of the wrong shape.
    public static func apply(_ body: Data, to current: AlertDraft) throws -> AlertPatch {
        guard let patch = try StrictJSONDecoder(refusesUnknownKeys: false).parseUntyped(body) as? [String: Any] else {
            throw ValidationError(field: "", message: "a revision is a JSON object of the fields that change")
        }
        let encoded = try TocsinJSON.encoder().encode(current)
        guard var merged = try JSONSerialization.jsonObject(with: encoded) as? [String: Any] else {
            throw ValidationError(field: "", message: "the current alert cannot be read")
        }
        var confirms = false
        // Replacements first, then removals, whatever order the body gives the keys in: `remove` takes entries out
        // of what the alert holds after the patch. What the replacements say is checked before anything is removed,
        // so that a malformed entry is refused rather than removed unseen.
        for (key, value) in patch where key != "remove" {
            switch key {
            case "confirmWiden":
                // A JSON true or false only: numbers are NSNumbers here, which `as? Bool` would read as 0 and 1.
                guard type(of: value) == Bool.self, let flag = value as? Bool else {
                    throw ValidationError(field: key, message: "must be true or false")
                }
                confirms = flag
            case _ where fields.contains(key):
                merged[key] = mergePatch(merged[key], value)
            default:
                throw ValidationError(field: key, message: "is not a field of an alert; a revision names only the fields that change (fields the server sets, such as id or status, cannot be sent)")
            }
        }
        merged = merged.filter { !($0.value is NSNull) }
        var draft = try TocsinJSON.strictDecoder().decode(AlertDraft.self, from: try JSONSerialization.data(withJSONObject: merged))
        if let value = patch["remove"] {
            guard let lists = value as? [String: Any] else { throw ValidationError(field: "remove", message: "must be an object of lists") }
            try remove(lists, from: &merged)
            draft = try TocsinJSON.strictDecoder().decode(AlertDraft.self, from: try JSONSerialization.data(withJSONObject: merged))
        }
        return AlertPatch(draft: draft, confirmsWidening: confirms)
    }

    /// RFC 7396: an object merges key by key (null removes), anything else replaces.
    static func mergePatch(_ target: Any?, _ patch: Any) -> Any {
        guard let patch = patch as? [String: Any] else { return patch }
        var result = target as? [String: Any] ?? [:]
        for (key, value) in patch {
            if value is NSNull { result.removeValue(forKey: key) } else { result[key] = mergePatch(result[key], value) }
        }
        return result
    }

    /// Takes entries out of lists: strings by value (CVE ids and categories ignoring case), indicators by `value`,
    /// references by `url`, affected products by `product`.
    static func remove(_ lists: [String: Any], from merged: inout [String: Any]) throws {
        for (key, value) in lists {
            guard let entries = value as? [Any] else { throw ValidationError(field: "remove.\(key)", message: "must be a list") }
            let current = merged[key] as? [Any] ?? []
            switch key {
            case "cves", "categories", "regions":
                let gone = Set(try entries.enumerated().map { index, entry in
                    guard let text = entry as? String else { throw ValidationError(field: "remove.\(key)[\(index)]", message: "must be a string") }
                    return text.lowercased()
                })
                merged[key] = current.filter { !gone.contains(($0 as? String)?.lowercased() ?? "") }
            case "indicators", "references", "affectedProducts":
                // An entry names what goes by its `value`, `url` or `product`: as a string, or as an object with it.
                let field = key == "indicators" ? "value" : key == "references" ? "url" : "product"
                let gone = Set(try entries.enumerated().map { index, entry in
                    guard let text = ((entry as? [String: Any])?[field] as? String) ?? (entry as? String) else {
                        throw ValidationError(field: "remove.\(key)[\(index)]", message: "must be a string or an object with a string \(field)")
                    }
                    return text
                })
                merged[key] = current.filter { !gone.contains((($0 as? [String: Any])?[field] as? String) ?? "") }
            default:
                throw ValidationError(field: "remove.\(key)", message: "is not a list of an alert (cves, categories, regions, indicators, references, affectedProducts)")
            }
        }
    }

    /// Why `next` reaches further than the alert's current revision, or nothing when it does not: a lower TLP,
    /// fewer or no regions (or others), new categories that category filters may take.
    public static func widening(from current: Alert, to next: AlertDraft) -> [String] {
        var reasons: [String] = []
        if next.tlp.rank < current.tlp.rank { reasons.append("the TLP goes down from \(current.tlp.label) to \(next.tlp.label)") }
        if !current.regions.isEmpty {
            if next.regions.isEmpty {
                reasons.append("its regions are removed: it becomes national")
            } else if !Set(next.regions).isSubset(of: current.regions) {
                reasons.append("it adds the regions \(next.regions.filter { !current.regions.contains($0) }.joined(separator: ", "))")
            }
        }
        let added = next.categories.map { $0.lowercased() }.filter { !current.categories.contains($0) }
        if !added.isEmpty { reasons.append("it adds the categories \(added.joined(separator: ", "))") }
        return reasons
    }
}
