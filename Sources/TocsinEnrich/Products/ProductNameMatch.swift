import Foundation

/// How the vendor and product names of an inventory item and of an affected product relate.
///
/// Names are normalised before comparing: case and accents folded, CPE quoting removed, and `_`, `-`, `.`, spaces
/// and other punctuation ignored, so `Vue PACS`, `vue_pacs` and `VUE-PACS` are one name. A product name written with
/// its vendor in front (`Philips Vue PACS`, `Apache ZooKeeper`) also matches the bare name.
///
/// Vendors match when their names are equal once legal forms and filler words are dropped (`Python Software
/// Foundation` = `python`, `HP Inc.` = `hp`, `Red Hat` = `redhat`), or when one name's words are all inside the
/// other's (`Koninklijke Philips N.V.` and `Philips`). Two different vendors never match, whatever the product.
///
/// When one side names no vendor, the match is *unconfirmed* unless the vendor appears inside the other side's
/// product name (`Apache ZooKeeper` against vendor Apache, product ZooKeeper). An unconfirmed match is trusted as
/// much as a confirmed one only when the product name is *specific*: at least three distinctive words, or two with
/// a model or release number among them (`IntelliBridge EC40`, `Windows Server 2019`). Distinctive words are those
/// that are not generic (server, viewer, portal, firmware, client…). `DICOM Viewer` or `Vue PACS` alone could be
/// several vendors' products, so without a vendor they only ever give a product-only match.
enum ProductNameMatch: Sendable, Hashable {
    case confirmed
    case unconfirmed(specific: Bool)

    /// Compares two (vendor, product) pairs; nil when they are not the same product.
    static func compare(vendor va: String?, product pa: String, with vb: String?, product pb: String) -> ProductNameMatch? {
        compare(ProductNameKey.Name(vendor: va, product: pa), ProductNameKey.Name(vendor: vb, product: pb))
    }

    /// Compares two prepared names; nil when they are not the same product.
    static func compare(_ a: ProductNameKey.Name, _ b: ProductNameKey.Name) -> ProductNameMatch? {
        guard !a.tokens.isEmpty, !b.tokens.isEmpty else { return nil }
        switch (a.vendor, b.vendor) {
        case let (av?, bv?):
            guard av.matches(bv) else { return nil }
            return a.forms.isDisjoint(with: b.forms) ? nil : .confirmed
        case let (nil, bv?):
            return oneSided(bare: a.tokens, bareForms: a.forms, vendor: bv, tokens: b.tokens, forms: b.forms)
        case let (av?, nil):
            return oneSided(bare: b.tokens, bareForms: b.forms, vendor: av, tokens: a.tokens, forms: a.forms)
        case (nil, nil):
            guard !a.forms.isDisjoint(with: b.forms) else { return nil }
            return .unconfirmed(specific: ProductNameKey.isSpecific(a.tokens) || ProductNameKey.isSpecific(b.tokens))
        }
    }

    /// Orders matches from the least to the most trustworthy.
    var strength: Int {
        switch self {
        case .unconfirmed(specific: false): return 0
        case .unconfirmed(specific: true): return 1
        case .confirmed: return 2
        }
    }

    private static func oneSided(
        bare: [String], bareForms: Set<String>, vendor: ProductNameKey.Vendor, tokens: [String], forms: Set<String>
    ) -> ProductNameMatch? {
        let withVendor = Set(vendor.keys.flatMap { key in forms.map { key + $0 } })
        if !bareForms.isDisjoint(with: withVendor) { return .confirmed }
        // The bare side may itself open with the vendor's name: "Philips IntelliBridge" against Philips/IntelliBridge.
        let bareStripped = ProductNameKey.productForms(bare, vendorKeys: vendor.keys)
        if bareStripped.count > bareForms.count, !bareStripped.isDisjoint(with: forms) { return .confirmed }
        guard !bareForms.isDisjoint(with: forms) else { return nil }
        return .unconfirmed(specific: ProductNameKey.isSpecific(bare) || ProductNameKey.isSpecific(tokens))
    }
}

/// The normalised forms of vendor and product names that ``ProductNameMatch`` compares.
enum ProductNameKey {
    /// A vendor and product name, normalised once so that large inventories compare quickly.
    struct Name: Hashable {
        var vendor: Vendor?
        var tokens: [String]
        var forms: Set<String>

        init(vendor: String?, product: String) {
            self.vendor = ProductNameKey.vendorKeys(vendor)
            tokens = ProductNameKey.productTokens(product)
            forms = ProductNameKey.productForms(tokens, vendorKeys: self.vendor?.keys ?? [])
        }
    }

    /// A vendor's comparison keys: all its words joined, and the same without legal forms and filler words.
    struct Vendor: Hashable {
        var tokens: [String]
        var core: [String]
        var keys: [String]

        init(tokens: [String], core: [String]) {
            self.tokens = tokens
            self.core = core
            let full = tokens.joined(), short = core.joined()
            keys = full == short ? [full] : [full, short]
        }

        func matches(_ other: Vendor) -> Bool {
            if !Set(keys).isDisjoint(with: other.keys) { return true }
            // One vendor's words all inside the other's: a longer legal name of the same company.
            let (small, large) = core.count <= other.core.count ? (core, other.core) : (other.core, core)
            guard !small.isEmpty, small.joined().count >= 4 else { return false }
            return Set(small).isSubset(of: Set(large))
        }
    }

    /// Words that name a company's legal form or are filler in vendor names.
    static let vendorFiller: Set<String> = [
        "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "llp", "gmbh", "ag",
        "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "plc", "oy", "oyj", "ab", "kk", "pty", "the", "project",
        "foundation", "software", "group", "holding", "holdings", "international", "technologies", "technology",
        "systems", "solutions", "networks", "labs", "et", "cie", "and",
    ]

    /// Words too common in product names to tell one vendor's product from another's.
    static let genericWords: Set<String> = [
        "server", "client", "viewer", "portal", "firmware", "software", "app", "application", "web", "agent",
        "manager", "management", "console", "gateway", "router", "switch", "camera", "library", "plugin", "module",
        "system", "systems", "tool", "tools", "service", "services", "api", "core", "sdk", "driver", "edition",
        "enterprise", "pro", "professional", "standard", "suite", "platform", "cloud", "mobile", "desktop", "online",
        "device", "controller", "monitor", "station", "workstation", "update", "package", "component", "framework",
        "engine", "the", "for", "and", "of", "de", "la", "le", "et", "pour", "du", "des", "version", "edition",
    ]

    /// Lowercased, accent-folded alphanumeric words of a name, CPE quoting removed.
    static func tokens(_ raw: String) -> [String] {
        let unquoted = raw.replacingOccurrences(of: "\\", with: "")
        let folded = unquoted.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        return folded.split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// The vendor's keys; nil when the vendor is absent or a placeholder (`n/a`, `unknown`).
    static func vendorKeys(_ raw: String?) -> Vendor? {
        guard let raw else { return nil }
        let t = tokens(raw)
        guard !t.isEmpty, !isPlaceholder(t) else { return nil }
        let core = t.filter { !vendorFiller.contains($0) }
        return Vendor(tokens: t, core: core.isEmpty ? t : core)
    }

    /// The product's words; empty when the product is a placeholder (`n/a`), which matches nothing.
    static func productTokens(_ raw: String) -> [String] {
        let t = tokens(raw)
        return isPlaceholder(t) ? [] : t
    }

    /// The product's keys: its words joined, and the same with the vendor's name removed from the front.
    static func productForms(_ tokens: [String], vendorKeys: [String]) -> Set<String> {
        let words = tokens.filter { $0 != "version" }
        var forms: Set<String> = [words.joined()]
        for key in vendorKeys where !key.isEmpty {
            var joined = ""
            for (index, word) in words.enumerated() {
                joined += word
                if joined == key, index + 1 < words.count { forms.insert(words[(index + 1)...].joined()); break }
                if joined.count >= key.count { break }
            }
        }
        return forms.filter { !$0.isEmpty }
    }

    /// Whether a product name is distinctive enough to identify a product without its vendor (see
    /// ``ProductNameMatch``).
    static func isSpecific(_ tokens: [String]) -> Bool {
        let distinctive = tokens.filter { $0.count >= 2 && !genericWords.contains($0) }
        if distinctive.count >= 3 { return true }
        guard distinctive.count >= 2 else { return false }
        return distinctive.contains { word in
            let hasDigit = word.contains { $0.isNumber }, hasLetter = word.contains { $0.isLetter }
            return (hasDigit && hasLetter) || (hasDigit && word.count >= 3)
        }
    }

    private static func isPlaceholder(_ t: [String]) -> Bool {
        let joined = t.joined()
        return ["na", "none", "unknown", "unspecified", "various", "multiple"].contains(joined)
    }
}
