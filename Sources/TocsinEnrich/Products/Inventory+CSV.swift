import Foundation

extension Inventory {
    /// The columns a CSV inventory may have, by the names its header may give them (English or French, any case).
    static let csvColumns: [String: String] = [
        "vendor": "vendor", "editeur": "vendor", "éditeur": "vendor", "fabricant": "vendor", "constructeur": "vendor",
        "product": "product", "produit": "product", "version": "version", "cpe": "cpe", "purl": "purl",
        "label": "label", "libelle": "label", "libellé": "label", "nom": "label",
    ]

    /// Items from a CSV inventory (RFC 4180: commas or semicolons, quotes doubled inside quoted fields): a header
    /// naming its columns among `vendor`, `product`, `version`, `cpe`, `purl`, `label` (or `éditeur`, `produit`,
    /// `libellé`…; others ignored), then one item per line, checked as JSON triples are. Errors name the line.
    public static func fromCSV(_ text: String, limits: InventoryLimits = .standard) throws(InventoryError) -> [InventoryItem] {
        guard text.utf8.count <= limits.maximumBytes else {
            throw InventoryError(path: "", message: "is larger than \(limits.maximumBytes) bytes")
        }
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let firstLine = body.prefix { $0 != "\n" && $0 != "\r" }
        let separator: Character = firstLine.filter { $0 == ";" }.count > firstLine.filter { $0 == "," }.count ? ";" : ","
        let rows = csvRows(body, separator: separator)
        guard let header = rows.first else { throw InventoryError(path: "", message: "is empty") }
        let columns = header.fields.map { csvColumns[$0.trimmingCharacters(in: .whitespaces).lowercased()] }
        guard columns.contains(where: { $0 == "product" || $0 == "cpe" || $0 == "purl" }) else {
            throw InventoryError(path: "line 1", message: "the header names no product, cpe or purl column (vendor, product, version, cpe, purl, label)")
        }
        guard rows.count - 1 <= limits.maximumItems else { throw tooMany(limits, path: "") }
        var items: [InventoryItem] = []
        for row in rows.dropFirst() where !row.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            var object: [String: Any] = [:]
            for (index, value) in row.fields.enumerated() where index < columns.count {
                if let column = columns[index] { object[column] = value }
            }
            let path = "line \(row.line)"
            var fields = Fields(object: object, path: path, limits: limits)
            let vendor = fields.string("vendor"), product = fields.string("product"), version = fields.string("version")
            let cpe = fields.string("cpe"), purl = fields.string("purl"), label = fields.string("label")
            try fields.check()
            items.append(try makeItem(vendor: vendor, product: product, version: version, cpe: cpe, purl: purl, label: label, path: path))
        }
        return items
    }

    /// The records of a CSV text, each with the line it starts on.
    static func csvRows(_ text: String, separator: Character) -> [(line: Int, fields: [String])] {
        var rows: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var start = 1
        var characters = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let value = pending { pending = nil; return value }
            return characters.next()
        }
        while let character = next() {
            if quoted {
                if character == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { quoted = false; pending = following }
                    } else {
                        quoted = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty:
                quoted = true
            case separator:
                fields.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                fields.append(field)
                rows.append((start, fields))
                fields = []
                field = ""
                line += 1
                start = line
            default:
                field.append(character)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append((start, fields))
        }
        return rows
    }
}
