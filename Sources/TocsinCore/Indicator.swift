import Foundation

/// An indicator of compromise carried by an alert: what to look for or block.
public struct Indicator: Codable, Sendable, Hashable {
    /// The kinds of indicator Tocsin knows; the raw values are the wire names.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case ipv4, ipv6, domain, url, email, md5, sha1, sha256, sha512, cve, filename, other
    }

    /// Where an indicator comes from: said by the source, or found by Tocsin in the source's prose.
    public enum Origin: String, Codable, Sendable, CaseIterable {
        /// The source said so: MISP `to_ids`, a STIX indicator, the analyst's list, a victim's declaration.
        case stated
        /// Found in prose by extraction; it carries a confidence and is for a person to check before blocking.
        case extracted
    }

    public var type: Kind
    public var value: String
    /// Whether the source flags the indicator for detection (MISP `to_ids`); true when unsaid.
    public var toIds: Bool?
    public var comment: String?
    /// Where the indicator comes from; nil in alerts stored before origins were recorded, read as `stated`.
    public var origin: Origin?
    /// For an extracted indicator, how sure extraction is, from 0 to 1; nil for a stated one.
    public var confidence: Double?

    public init(
        type: Kind, value: String, toIds: Bool? = nil, comment: String? = nil, origin: Origin? = nil,
        confidence: Double? = nil
    ) {
        self.type = type
        self.value = value
        self.toIds = toIds
        self.comment = comment
        self.origin = origin
        self.confidence = confidence
    }

    /// The origin to act on: an indicator without one was stated by whoever published it.
    public var effectiveOrigin: Origin { origin ?? .stated }
}

/// A product an alert concerns, with the versions affected when the source says.
public struct AffectedProduct: Codable, Sendable, Hashable {
    public var vendor: String?
    public var product: String
    /// Version expressions as the source gives them (`< 10.2.9`, `7.1.0`, `*`), for people to read.
    public var versions: [String]
    /// The same versions in structured form, for matching against inventories.
    public var ranges: [VersionRange]
    public var cpe: String?
    public var purl: String?
    /// What the source says of the product as a whole (VEX product status); nil when it says nothing.
    public var status: ProductStatus?

    public init(
        vendor: String? = nil, product: String, versions: [String] = [], ranges: [VersionRange] = [],
        cpe: String? = nil, purl: String? = nil, status: ProductStatus? = nil
    ) {
        self.vendor = vendor
        self.product = product
        self.versions = versions
        self.ranges = ranges
        self.cpe = cpe
        self.purl = purl
        self.status = status
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vendor = try c.decodeIfPresent(String.self, forKey: .vendor)
        product = try c.decode(String.self, forKey: .product)
        versions = try c.decodeIfPresent([String].self, forKey: .versions) ?? []
        ranges = try c.decodeIfPresent([VersionRange].self, forKey: .ranges) ?? []
        cpe = try c.decodeIfPresent(String.self, forKey: .cpe)
        purl = try c.decodeIfPresent(String.self, forKey: .purl)
        status = try c.decodeIfPresent(ProductStatus.self, forKey: .status)
    }
}

/// The status a source gives a product or a version range (CVE 5 `status`, CSAF/VEX product status).
public enum ProductStatus: String, Codable, Sendable, CaseIterable {
    case affected
    case fixed
    case notAffected = "not_affected"
    case underInvestigation = "under_investigation"
    case unknown
}

/// One version range as CVE 5 writes it: `version` is the first version concerned (or the exact version when no
/// bound is given; `0` or `*` for "from the start"), `lessThan`/`lessThanOrEqual` the upper bound (`*` for "all
/// later versions"), `versionType` the comparison scheme (`semver`, `rpm`, `maven`, `python`, `git`, `custom`…).
public struct VersionRange: Codable, Sendable, Hashable {
    public var version: String
    public var lessThan: String?
    public var lessThanOrEqual: String?
    public var versionType: String?
    public var status: ProductStatus

    public init(
        version: String, lessThan: String? = nil, lessThanOrEqual: String? = nil, versionType: String? = nil,
        status: ProductStatus = .affected
    ) {
        self.version = version
        self.lessThan = lessThan
        self.lessThanOrEqual = lessThanOrEqual
        self.versionType = versionType
        self.status = status
    }
}

/// A CVSS score as a source states it or as Tocsin computed it from the vector.
public struct CVSSScore: Codable, Sendable, Hashable {
    /// `2.0`, `3.0`, `3.1` or `4.0`.
    public var version: String
    public var vector: String
    public var baseScore: Double
    /// The severity of the base score on Tocsin's scale (CVSS `none` maps to `info`).
    public var severity: Severity
    /// Who gave the score (the CNA, `CISA-ADP`, `NVD`…), when known.
    public var source: String?

    public init(version: String, vector: String, baseScore: Double, severity: Severity, source: String? = nil) {
        self.version = version
        self.vector = vector
        self.baseScore = baseScore
        self.severity = severity
        self.source = source
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
