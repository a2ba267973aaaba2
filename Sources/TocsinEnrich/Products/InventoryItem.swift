import Foundation
import TocsinCore

/// One piece of software or equipment an organisation declares it runs, to be matched against alerts' affected
/// products: "this concerns your Philips IntelliBridge EC40 B.00.21".
///
/// `product` is always set (taken from the CPE or purl when only those are declared); `version` is nil when the
/// organisation does not know it, which limits matches to product-only ones.
public struct InventoryItem: Codable, Sendable, Hashable {
    public var vendor: String?
    public var product: String
    public var version: String?
    /// A CPE 2.3 formatted string or CPE 2.2 URI naming the item.
    public var cpe: String?
    /// A package URL naming the item (`pkg:maven/org.apache.zookeeper/zookeeper@3.9.1`).
    public var purl: String?
    /// The organisation's own name for the item ("IRM bloc B", "PACS radiologie").
    public var label: String?

    public init(
        vendor: String? = nil, product: String, version: String? = nil, cpe: String? = nil, purl: String? = nil,
        label: String? = nil
    ) {
        self.vendor = vendor
        self.product = product
        self.version = version
        self.cpe = cpe
        self.purl = purl
        self.label = label
    }

    /// The name people read: vendor and product (the vendor not repeated when the product already starts with
    /// it), then the version when known. `Philips` + `IntelliBridge EC40` + `B.00.21` → `Philips IntelliBridge EC40
    /// B.00.21`.
    public var displayName: String {
        var name = product
        if let vendor, !vendor.isEmpty {
            let v = ProductNameKey.tokens(vendor), p = ProductNameKey.tokens(product)
            if !(p.count >= v.count && Array(p.prefix(v.count)) == v) { name = "\(vendor) \(product)" }
        }
        if let version = effectiveVersion { name += " \(version)" }
        return name
    }

    /// The version to test against ranges: the declared one, else the CPE's version, else the purl's.
    public var effectiveVersion: String? {
        if let version = version?.trimmingCharacters(in: .whitespaces), !version.isEmpty { return version }
        if let cpe, let name = try? CPEName(parsing: cpe), let v = name.version.literal, !name.version.hasWildcard {
            return v
        }
        if let purl, let v = ProductPackageURL(purl)?.version { return v }
        return nil
    }
}

/// Bounds on a declared inventory: generous for a hospital's estate, small enough that a hostile upload cannot
/// exhaust memory or time.
public struct InventoryLimits: Sendable, Hashable {
    /// The most items one inventory may declare.
    public var maximumItems: Int
    /// The largest input accepted, in bytes.
    public var maximumBytes: Int
    /// The longest vendor, product, version or label, in characters.
    public var maximumFieldLength: Int
    /// How deeply CycloneDX components may nest.
    public var maximumDepth: Int

    public init(maximumItems: Int = 10_000, maximumBytes: Int = 16 * 1024 * 1024, maximumFieldLength: Int = 512,
                maximumDepth: Int = 32) {
        self.maximumItems = maximumItems
        self.maximumBytes = maximumBytes
        self.maximumFieldLength = maximumFieldLength
        self.maximumDepth = maximumDepth
    }

    public static let standard = InventoryLimits()
}

/// Why a declared inventory was refused: `path` names the offending place (`[3].version`,
/// `components[2].components[0].cpe`, `line 12`), `message` says what to fix.
public struct InventoryError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Parsers for the inventories an organisation can declare: a list of CPE names, vendor/product/version triples in
/// JSON, or a CycloneDX SBOM (see `Inventory+CycloneDX.swift`). Each validates every field and names the offending
/// one in its error.
public enum Inventory {
    /// Items from CPE names, one per line (blank lines and lines starting with `#` skipped); the product, vendor and
    /// version come from the CPE, underscores read as spaces.
    public static func fromCPEList(_ text: String, limits: InventoryLimits = .standard) throws(InventoryError) -> [InventoryItem] {
        guard text.utf8.count <= limits.maximumBytes else {
            throw InventoryError(path: "", message: "the list is \(text.utf8.count) bytes; at most \(limits.maximumBytes) are accepted")
        }
        var items: [InventoryItem] = []
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let entry = line.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            items.append(try item(fromCPE: entry, path: "line \(index + 1)"))
            guard items.count <= limits.maximumItems else { throw tooMany(limits, path: "line \(index + 1)") }
        }
        return items
    }

    /// Items from a list of CPE names, as a JSON array of strings arrives.
    public static func fromCPEList(_ names: [String], limits: InventoryLimits = .standard) throws(InventoryError) -> [InventoryItem] {
        guard names.count <= limits.maximumItems else { throw tooMany(limits, path: "") }
        var items: [InventoryItem] = []
        for (index, name) in names.enumerated() {
            items.append(try item(fromCPE: name.trimmingCharacters(in: .whitespaces), path: "[\(index)]"))
        }
        return items
    }

    /// Items from a JSON array of CPE names.
    public static func fromCPEJSON(_ data: Data, limits: InventoryLimits = .standard) throws(InventoryError) -> [InventoryItem] {
        guard let names = try parseJSON(data, limits: limits) as? [Any], names.allSatisfy({ $0 is String }) else {
            throw InventoryError(path: "", message: "expected an array of CPE names (strings) or of {vendor, product, version} objects")
        }
        return try fromCPEList(names.compactMap { $0 as? String }, limits: limits)
    }

    /// Items from JSON triples `[{"vendor": "Philips", "product": "IntelliBridge EC40", "version": "B.00.21"}]`;
    /// `product` (or a `cpe`/`purl` to take it from) is required, `vendor`, `version`, `cpe`, `purl` and `label`
    /// optional, other keys ignored.
    public static func fromTriples(_ data: Data, limits: InventoryLimits = .standard) throws(InventoryError) -> [InventoryItem] {
        let root = try parseJSON(data, limits: limits)
        guard let array = root as? [Any] else {
            throw InventoryError(path: "", message: "expected a JSON array of {\"vendor\", \"product\", \"version\"} objects")
        }
        guard array.count <= limits.maximumItems else { throw tooMany(limits, path: "") }
        var items: [InventoryItem] = []
        for (index, element) in array.enumerated() {
            let path = "[\(index)]"
            guard let object = element as? [String: Any] else {
                throw InventoryError(path: path, message: "expected an object with at least a \"product\"")
            }
            var fields = Fields(object: object, path: path, limits: limits)
            let vendor = fields.string("vendor"), product = fields.string("product"), version = fields.string("version")
            let cpe = fields.string("cpe"), purl = fields.string("purl"), label = fields.string("label")
            try fields.check()
            items.append(try makeItem(vendor: vendor, product: product, version: version, cpe: cpe, purl: purl,
                                      label: label, path: path))
        }
        return items
    }

    // MARK: - Shared validation

    static func tooMany(_ limits: InventoryLimits, path: String) -> InventoryError {
        InventoryError(path: path, message: "the inventory declares more than \(limits.maximumItems) items; split it or raise the limit")
    }

    static func parseJSON(_ data: Data, limits: InventoryLimits) throws(InventoryError) -> Any {
        guard !data.isEmpty else { throw InventoryError(path: "", message: "the document is empty") }
        guard data.count <= limits.maximumBytes else {
            throw InventoryError(path: "", message: "the document is \(data.count) bytes; at most \(limits.maximumBytes) are accepted")
        }
        // A list longer than the limit is refused from a count of its elements, before anything is built for them.
        if topLevelCount(data, stoppingAfter: limits.maximumItems) > limits.maximumItems { throw tooMany(limits, path: "") }
        // The strict reader keeps memory to a small multiple of the document (JSONSerialization took about 90×) and
        // refuses duplicate keys and excessive nesting while it reads.
        do {
            return try StrictJSONDecoder(maximumDepth: limits.maximumDepth * 2 + 8, refusesUnknownKeys: false).parseUntyped(data)
        } catch let error as StrictJSONError {
            throw InventoryError(path: error.field ?? "", message: "the document is not valid JSON (\(error.description))")
        } catch {
            throw InventoryError(path: "", message: "the document is not valid JSON")
        }
    }

    /// The number of elements of a top-level JSON array (0 for any other document), counted on the bytes and
    /// stopping as soon as it passes `limit`.
    static func topLevelCount(_ data: Data, stoppingAfter limit: Int) -> Int {
        data.withUnsafeBytes { raw -> Int in
            var depth = 0, count = 0, inString = false, escaped = false, sawValue = false
            for byte in raw {
                if inString {
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""):
                    inString = true
                    if depth == 1 { sawValue = true }
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    if depth == 0, byte == UInt8(ascii: "{") { return 0 }
                    if depth == 1 { sawValue = true }
                    depth += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth -= 1
                    if depth == 0 { return count + (sawValue ? 1 : 0) }
                case UInt8(ascii: ","):
                    if depth == 1 { count += 1; if count > limit { return count } }
                case 0x20, 0x09, 0x0A, 0x0D: break
                default:
                    if depth == 1 { sawValue = true }
                }
            }
            return count + (sawValue ? 1 : 0)
        }
    }

    private static func item(fromCPE text: String, path: String) throws(InventoryError) -> InventoryItem {
        let name: CPEName
        do { name = try CPEName(parsing: text) } catch { throw InventoryError(path: path, message: error.description) }
        guard let product = name.product.literal, !name.product.hasWildcard else {
            throw InventoryError(path: path, message: "the CPE names no product (the product attribute is `*`, `-` or a pattern)")
        }
        return InventoryItem(
            vendor: name.vendor.hasWildcard ? nil : name.vendor.literal.map(readable), product: readable(product),
            version: name.version.hasWildcard ? nil : name.version.literal, cpe: name.formattedString)
    }

    /// `vue_pacs` → `vue pacs`: CPE names use underscores where people write spaces.
    static func readable(_ cpeValue: String) -> String {
        cpeValue.replacingOccurrences(of: "_", with: " ")
    }

    /// Builds an item from declared fields, checking each; the product may come from the CPE or the purl.
    static func makeItem(
        vendor: String?, product: String?, version: String?, cpe: String?, purl: String?, label: String?, path: String
    ) throws(InventoryError) -> InventoryItem {
        var cpeName: CPEName?
        if let cpe {
            do { cpeName = try CPEName(parsing: cpe) } catch { throw InventoryError(path: "\(path).cpe", message: error.description) }
        }
        var packageURL: ProductPackageURL?
        if let purl {
            guard let parsed = ProductPackageURL(purl) else {
                throw InventoryError(path: "\(path).purl", message: "not a package URL; expected `pkg:<type>/<namespace>/<name>@<version>`")
            }
            packageURL = parsed
        }
        let cpeProduct = cpeName.flatMap { $0.product.hasWildcard ? nil : $0.product.literal }.map(readable)
        guard let name = product ?? cpeProduct ?? packageURL?.name else {
            throw InventoryError(path: "\(path).product", message: "is required (or give a `cpe` or `purl` naming the product)")
        }
        let cpeVendor = cpeName.flatMap { $0.vendor.hasWildcard ? nil : $0.vendor.literal }.map(readable)
        return InventoryItem(
            vendor: vendor ?? cpeVendor, product: name, version: version, cpe: cpeName?.formattedString, purl: purl,
            label: label)
    }

    /// Reads the string fields of one JSON object, bounding their length and refusing control characters.
    struct Fields {
        let object: [String: Any]
        let path: String
        let limits: InventoryLimits
        private var failure: InventoryError?

        init(object: [String: Any], path: String, limits: InventoryLimits) {
            self.object = object
            self.path = path
            self.limits = limits
        }

        /// The trimmed string at `key`; nil when absent, null or blank. A wrong type or bad content is recorded and
        /// reported by ``check()``.
        mutating func string(_ key: String) -> String? {
            guard let raw = object[key], !(raw is NSNull) else { return nil }
            guard let value = raw as? String else {
                if let number = raw as? NSNumber, key == "version" { return number.stringValue }
                record(key, "must be a string")
                return nil
            }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { return nil }
            if trimmed.count > limits.maximumFieldLength {
                record(key, "is \(trimmed.count) characters long; at most \(limits.maximumFieldLength) are accepted")
                return nil
            }
            if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                record(key, "contains control characters")
                return nil
            }
            return trimmed
        }

        /// Throws the first problem found by ``string(_:)``.
        func check() throws(InventoryError) {
            if let failure { throw failure }
        }

        private mutating func record(_ key: String, _ message: String) {
            if failure == nil { failure = InventoryError(path: "\(path).\(key)", message: message) }
        }
    }
}
