import Foundation

extension Inventory {
    /// The `specVersion`s read (older and newer than 1.4 to 1.6 when their components read the same).
    static let cycloneDXVersions: Set<String> = ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]

    /// Items from a CycloneDX JSON SBOM (spec 1.4 to 1.6): `metadata.component` (the product the SBOM describes,
    /// often the device itself) and every entry of `components[]`, nested ones included.
    ///
    /// The product is `name`; the vendor is `supplier.name`, else `manufacturer.name` (1.6), else `publisher`, else
    /// `author` — not `group`, which is a package namespace (`org.apache.zookeeper`), not a company; the purl
    /// carries it. `version`, `cpe` and `purl` are taken as declared; a `cpe` that does not parse is an error naming
    /// the component. Components of type `file`, `data` or `machine-learning-model` are skipped, since advisories do
    /// not name them.
    public static func fromCycloneDX(_ data: Data, limits: InventoryLimits = .standard) throws(InventoryError) -> [InventoryItem] {
        guard let root = try parseJSON(data, limits: limits) as? [String: Any] else {
            throw InventoryError(path: "", message: "expected a CycloneDX JSON object")
        }
        if let format = root["bomFormat"], (format as? String) != "CycloneDX" {
            let shown = (format as? String).map { "\"\($0.prefix(40))\"" } ?? "not a string"
            throw InventoryError(path: "bomFormat", message: "is \(shown); only CycloneDX SBOMs are read here")
        }
        guard root["bomFormat"] != nil || root["components"] != nil else {
            throw InventoryError(path: "bomFormat", message: "is missing: this does not look like a CycloneDX SBOM")
        }
        if let spec = root["specVersion"], !((spec as? String).map(Self.cycloneDXVersions.contains) ?? false) {
            let shown = (spec as? String).map { "\"\($0.prefix(40))\"" } ?? "not a string"
            throw InventoryError(path: "specVersion", message: "is \(shown); CycloneDX 1.4 to 1.6 is supported")
        }
        var reader = CycloneDXReader(limits: limits)
        if let metadata = root["metadata"] as? [String: Any], let component = metadata["component"] {
            try reader.read(component, path: "metadata.component", depth: 0)
        }
        if let components = root["components"] {
            guard let list = components as? [Any] else {
                throw InventoryError(path: "components", message: "must be an array of components")
            }
            try reader.readList(list, path: "components", depth: 0)
        }
        return reader.items
    }
}

/// Walks CycloneDX components depth-first, bounded in depth and count.
private struct CycloneDXReader {
    let limits: InventoryLimits
    var items: [InventoryItem] = []
    private var seen: Set<InventoryItem> = []

    init(limits: InventoryLimits) {
        self.limits = limits
    }

    mutating func readList(_ list: [Any], path: String, depth: Int) throws(InventoryError) {
        for (index, element) in list.enumerated() {
            try read(element, path: "\(path)[\(index)]", depth: depth)
        }
    }

    mutating func read(_ element: Any, path: String, depth: Int) throws(InventoryError) {
        guard depth < limits.maximumDepth else {
            throw InventoryError(path: path, message: "components nest deeper than \(limits.maximumDepth) levels")
        }
        guard let object = element as? [String: Any] else {
            throw InventoryError(path: path, message: "must be a component object")
        }
        var fields = Inventory.Fields(object: object, path: path, limits: limits)
        let type = fields.string("type")
        let name = fields.string("name"), version = fields.string("version")
        let cpe = fields.string("cpe"), purl = fields.string("purl")
        let publisher = fields.string("publisher"), author = fields.string("author")
        let supplier = organisationName(object["supplier"], path: "\(path).supplier")
        let manufacturer = organisationName(object["manufacturer"], path: "\(path).manufacturer")
        try fields.check()
        let supplierName = try supplier.get(), manufacturerName = try manufacturer.get()

        if !["file", "data", "machine-learning-model"].contains(type ?? "") {
            let item = try Inventory.makeItem(
                vendor: supplierName ?? manufacturerName ?? publisher ?? author, product: name, version: version,
                cpe: cpe, purl: purl, label: nil, path: path)
            // SBOMs often list the same library under several parents; one item is enough to match it.
            if seen.insert(item).inserted {
                items.append(item)
                guard items.count <= limits.maximumItems else { throw Inventory.tooMany(limits, path: path) }
            }
        }
        if let nested = object["components"] {
            guard let list = nested as? [Any] else {
                throw InventoryError(path: "\(path).components", message: "must be an array of components")
            }
            try readList(list, path: "\(path).components", depth: depth + 1)
        }
    }

    /// The `name` of a CycloneDX organizationalEntity (`supplier`, `manufacturer`), validated like other fields.
    private func organisationName(_ value: Any?, path: String) -> Result<String?, InventoryError> {
        guard let value, !(value is NSNull) else { return .success(nil) }
        guard let object = value as? [String: Any] else {
            return .failure(InventoryError(path: path, message: "must be an object with a \"name\""))
        }
        var fields = Inventory.Fields(object: object, path: path, limits: limits)
        let name = fields.string("name")
        do { try fields.check() } catch { return .failure(error) }
        return .success(name)
    }
}
