import Foundation

/// An indicator of compromise carried by an alert: what to look for or block.
public struct Indicator: Codable, Sendable, Hashable {
    /// The kinds of indicator Tocsin knows; the raw values are the wire names.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case ipv4, ipv6, domain, url, email, md5, sha1, sha256, sha512, cve, filename, other
    }

    public var type: Kind
    public var value: String
    /// Whether the source flags the indicator for detection (MISP `to_ids`); true when unsaid.
    public var toIds: Bool?
    public var comment: String?

    public init(type: Kind, value: String, toIds: Bool? = nil, comment: String? = nil) {
        self.type = type
        self.value = value
        self.toIds = toIds
        self.comment = comment
    }
}

/// A product an alert concerns, with the versions affected when the source says.
public struct AffectedProduct: Codable, Sendable, Hashable {
    public var vendor: String?
    public var product: String
    /// Version expressions as the source gives them (`< 10.2.9`, `7.1.0`, `*`).
    public var versions: [String]
    public var cpe: String?
    public var purl: String?

    public init(vendor: String? = nil, product: String, versions: [String] = [], cpe: String? = nil, purl: String? = nil) {
        self.vendor = vendor
        self.product = product
        self.versions = versions
        self.cpe = cpe
        self.purl = purl
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vendor = try c.decodeIfPresent(String.self, forKey: .vendor)
        product = try c.decode(String.self, forKey: .product)
        versions = try c.decodeIfPresent([String].self, forKey: .versions) ?? []
        cpe = try c.decodeIfPresent(String.self, forKey: .cpe)
        purl = try c.decodeIfPresent(String.self, forKey: .purl)
    }
}

/// A link to read more: the source advisory, a vendor bulletin, a patch.
public struct Reference: Codable, Sendable, Hashable {
    public var url: String
    public var title: String?

    public init(url: String, title: String? = nil) {
        self.url = url
        self.title = title
    }
}
