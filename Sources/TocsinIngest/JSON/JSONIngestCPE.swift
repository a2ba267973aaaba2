/// The vendor, product and version fields of a CPE name, in the 2.3 formatted-string form
/// (`cpe:2.3:a:vendor:product:version:…`, with `\:` escapes) or the 2.2 URI form (`cpe:/a:vendor:product:version`).
struct JSONIngestCPE: Equatable {
    var part: String
    var vendor: String
    var product: String
    /// The version field, nil for `*`, `-` and an absent field.
    var version: String?
    /// The update field (`p7`, `sp1`), nil for `*`, `-` and an absent field.
    var update: String?

    /// Splits `text`, or returns nil when it is not a CPE name.
    init?(_ text: String) {
        guard text.count <= 1_024 else { return nil }
        var fields: [String]
        if text.hasPrefix("cpe:2.3:") {
            fields = []
            var current = ""
            var escaped = false
            for character in text.dropFirst(8) {
                if escaped { current.append(character); escaped = false; continue }
                if character == "\\" { escaped = true; continue }
                if character == ":" { fields.append(current); current = ""; continue }
                current.append(character)
            }
            fields.append(current)
        } else if text.hasPrefix("cpe:/") {
            fields = text.dropFirst(5).split(separator: ":", omittingEmptySubsequences: false).map { String($0).removingPercentEncoding ?? String($0) }
        } else {
            return nil
        }
        guard fields.count >= 3, !fields[1].isEmpty, !fields[2].isEmpty, fields[1] != "*", fields[2] != "*" else { return nil }
        part = fields[0]
        vendor = fields[1]
        product = fields[2]
        let versionField = fields.count > 3 ? fields[3] : ""
        version = ["", "*", "-"].contains(versionField) ? nil : versionField
        let updateField = fields.count > 4 ? fields[4] : ""
        update = ["", "*", "-"].contains(updateField) ? nil : updateField
    }

    /// The same name with its version and update fields wildcarded, to group the CPEs of one product.
    static func unversioned(_ text: String) -> String {
        guard text.hasPrefix("cpe:2.3:") else { return text }
        var fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 7, !text.contains("\\") else { return text }
        fields[5] = "*"
        fields[6] = "*"
        return fields.joined(separator: ":")
    }
}
