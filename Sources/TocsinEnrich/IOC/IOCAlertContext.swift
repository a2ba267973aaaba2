import TocsinCore

/// What an alert says of itself that tells indicators found in its prose from its own links and versions:
///
/// - the hosts of its references, and the names of its publisher and of the vendors of its affected products: a
///   domain (or the host of a URL, or the domain of an email address) whose registrable domain is one of the
///   references', or whose registrable label is such a name (`access.redhat.com` for Red Hat, `www.siemens.com`
///   for Siemens, `cisa.gov` for CISA, `docs.openshift.com` for OpenShift), is the alert's own and never an
///   indicator, nor is what the path of such a URL holds; a publisher's name also
///   matches any label of the host (`cisa.dhs.gov` for CISA), a vendor's only the registrable one, so that
///   `siemens.update-check.net` stays an indicator;
/// - the versions of its affected products: a dotted quad equal to one (`12.2.8` is `12.2.8.0`), in the same
///   release line (`9.1.0.11` beside `9.1.0.12`), or inside one of its ranges is a version, not an address;
/// - the words of its product and vendor names, for the scanner's "product name before a quad" rule;
/// - its reference URLs: a value one of them holds (the commit id of a patch) is no indicator.
///
/// Pure: built from the draft alone.
public struct IOCAlertContext: Sendable, Hashable {
    /// Registrable domains of the alert's references.
    public var ownDomains: Set<String>
    /// The alert's reference URLs, lower case: a value one of them holds (a commit id) is the alert's own.
    public var referenceURLs: [String] = []
    /// Publisher and vendor names, lower case, letters and digits only (`redhat`, `siemens`, `cisa`).
    public var ownNames: Set<String>
    /// The publisher's names alone, which match any label of a host.
    public var publisherNames: Set<String>
    /// Lower-case words of the affected products' names and vendors.
    public var productWords: Set<String>
    /// The affected versions, as numbers (`[12, 2, 8]`).
    public var versions: [[Int]]
    /// The affected ranges with both ends known (`7.4.0` to `7.4.3.2`).
    public var ranges: [ClosedRange<IOCVersionNumber>]

    /// The attributes that name an alert's publisher.
    public static let publisherAttributes = ["csaf.publisher", "cve.assigner", "misp.org"]

    /// Words too common in company names to mean a company alone.
    static let genericNames: Set<String> = [
        "inc", "corp", "corporation", "company", "software", "systems", "system", "technologies", "technology",
        "foundation", "project", "group", "community", "open", "team", "security", "networks", "network", "limited",
        "gmbh", "the", "and", "solutions", "services", "international", "global", "labs", "products", "product",
        "digital", "cyber", "data", "cloud", "web", "server", "client", "mobile", "android", "windows", "linux",
        "enterprise", "platform", "container", "manager", "management", "center", "edition", "suite", "portal",
        "gateway", "firewall", "router", "switch", "camera", "agent", "desktop", "office", "studio", "engine", "core",
        "access", "connect", "secure", "remote", "update", "support", "login", "account", "mail", "online", "service",
        "services", "apps", "application", "firmware", "device", "devices", "version", "versions", "multiple",
    ]

    public init(ownDomains: Set<String> = [], ownNames: Set<String> = [], publisherNames: Set<String> = [],
                productWords: Set<String> = [], versions: [[Int]] = [], ranges: [ClosedRange<IOCVersionNumber>] = []) {
        self.ownDomains = ownDomains
        self.ownNames = ownNames.union(publisherNames)
        self.publisherNames = publisherNames
        self.productWords = productWords
        self.versions = versions
        self.ranges = ranges
    }

    /// The context of `draft`.
    public init(draft: AlertDraft, publicSuffixes: IOCPublicSuffixList) {
        var domains: Set<String> = []
        let referenceURLs = draft.references.map { $0.url.lowercased() }
        for reference in draft.references {
            let host = IOCWarninglist.host(ofURL: reference.url.lowercased())
            if let registrable = publicSuffixes.registrableDomain(of: host) { domains.insert(registrable) }
        }
        var names: Set<String> = []
        var words: Set<String> = []
        func addName(_ name: String, to names: inout Set<String>) {
            let lower = name.lowercased()
            let whole = String(lower.unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
            if whole.count >= 3, !Self.genericNames.contains(whole) { names.insert(whole) }
            for token in lower.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) where token.count >= 4 {
                if !Self.genericNames.contains(String(token)) { names.insert(String(token)) }
            }
        }
        var publishers: Set<String> = []
        for key in Self.publisherAttributes { if let name = draft.attributes[key] { addName(name, to: &publishers) } }
        if let namespace = draft.attributes["csaf.publisherNamespace"],
           let registrable = publicSuffixes.registrableDomain(of: IOCWarninglist.host(ofURL: namespace.lowercased())) {
            domains.insert(registrable)
        }
        var versions: [[Int]] = []
        var ranges: [ClosedRange<IOCVersionNumber>] = []
        for product in draft.affectedProducts {
            if let vendor = product.vendor { addName(vendor, to: &names) }
            // `cpe:/a:redhat:openshift:4.6`, `cpe:2.3:a:siemens:simatic_s7:…`: the vendor and product parts.
            if let cpe = product.cpe?.lowercased() {
                let parts = cpe.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                let offset = parts.first == "cpe" && parts.count > 1 && parts[1] == "2.3" ? 3 : 2
                for index in [offset, offset + 1] where index < parts.count {
                    addName(parts[index].replacingOccurrences(of: "_", with: " "), to: &names)
                }
            }
            // A product's own site (`docs.openshift.com` for OpenShift, `rubyonrails.org` for Ruby on Rails).
            addName(product.product, to: &names)
            for text in [product.vendor ?? "", product.product] {
                for word in text.lowercased().split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "," || $0 == "(" || $0 == ")" })
                where word.count >= 2 && word.contains(where: \.isLetter) {
                    words.insert(String(word))
                }
            }
            for text in product.versions { versions += IOCVersionNumber.all(in: text).map(\.parts) }
            for range in product.ranges {
                let low = IOCVersionNumber(range.version)
                let high = (range.lessThanOrEqual ?? range.lessThan).flatMap(IOCVersionNumber.init)
                for bound in [low, high].compactMap({ $0 }) { versions.append(bound.parts) }
                if let low, let high, low.parts.first ?? 0 > 0, low <= high { ranges.append(low...high) }
            }
        }
        self.init(ownDomains: domains, ownNames: names, publisherNames: publishers, productWords: words.subtracting(Self.genericNames),
                  versions: versions, ranges: ranges)
        self.referenceURLs = referenceURLs
    }

    /// Whether an extracted indicator is kept: not the alert's own host, not one of its versions.
    public func keeps(_ indicator: Indicator, publicSuffixes: IOCPublicSuffixList) -> Bool {
        !isOwn(indicator, publicSuffixes: publicSuffixes) && !isVersion(indicator)
            && !(indicator.type == .domain && Self.technologyNames.contains(indicator.value))
    }

    /// Names of technologies that are written like domains (`ASP.NET`).
    static let technologyNames: Set<String> = ["asp.net", "ado.net", "vb.net"]

    /// What the URL path of a source-control or code-review page holds: commit ids, not file hashes.
    static let sourceControlMarks = ["/commit", "/tree/", "/blob/", "/compare/", "?id=", ";h=", "&id=", "/rev/", "/changeset", "/pull/", "/merge_requests/"]

    /// The indicators found in one text that are kept (`keeps`), also leaving out what the path of one of the
    /// alert's own URLs (or of a warninglisted one) holds (a domain or a hash in `https://github.com/vendor/project/commit/<sha1>`) and the
    /// hashes that only appear in source-control links (commit ids).
    ///
    /// `dropped` are the values extraction found but a warninglist left out: what the path of such a URL holds is
    /// left out too.
    public func filter(_ found: [Indicator], dropped: [Indicator] = [], publicSuffixes: IOCPublicSuffixList) -> [Indicator] {
        let urls = (found + dropped).filter { $0.type == .url }
        let ownURLs = (found.filter { $0.type == .url && isOwn($0, publicSuffixes: publicSuffixes) } + dropped.filter { $0.type == .url })
            .map { $0.value.lowercased() }
        let sourceControlURLs = urls.map { $0.value.lowercased() }.filter { url in Self.sourceControlMarks.contains { url.contains($0) } }
        let hashes: Set<Indicator.Kind> = [.md5, .sha1, .sha256, .sha512]
        return found.filter { indicator in
            guard indicator.type == .cve || keeps(indicator, publicSuffixes: publicSuffixes) else { return false }
            guard indicator.type != .url, indicator.type != .cve else { return true }
            let value = indicator.value.lowercased()
            if ownURLs.contains(where: { $0.contains(value) }) || referenceURLs.contains(where: { $0.contains(value) }) { return false }
            if hashes.contains(indicator.type), sourceControlURLs.contains(where: { $0.contains(value) }) { return false }
            return true
        }
    }

    /// Whether the indicator names the alert's own references, publisher or vendors.
    public func isOwn(_ indicator: Indicator, publicSuffixes: IOCPublicSuffixList) -> Bool {
        let host: String
        switch indicator.type {
        case .domain: host = indicator.value
        case .url: host = IOCWarninglist.host(ofURL: indicator.value.lowercased())
        case .email: host = String(indicator.value.split(separator: "@").last ?? "")
        default: return false
        }
        guard !ownDomains.isEmpty || !ownNames.isEmpty,
              let registrable = publicSuffixes.registrableDomain(of: host) else { return false }
        if ownDomains.contains(registrable) { return true }
        let label = registrable.prefix { $0 != "." }.filter { $0 != "-" }
        if ownNames.contains(String(label)) { return true }
        guard !publisherNames.isEmpty else { return false }
        return host.split(separator: ".").dropLast(registrable.split(separator: ".").count)
            .contains { publisherNames.contains($0.filter { $0 != "-" }) }
    }

    /// Whether a dotted quad equals, continues or falls inside one of the alert's affected versions.
    public func isVersion(_ indicator: Indicator) -> Bool {
        guard indicator.type == .ipv4, !indicator.value.contains("/"),
              let number = IOCVersionNumber(indicator.value) else { return false }
        for version in versions {
            if IOCVersionNumber(parts: version) == number { return true }
            if version.count >= 3, number.parts.count >= 2, version[0] == number.parts[0], version[1] == number.parts[1] {
                return true
            }
        }
        return ranges.contains { $0.contains(number) && $0.lowerBound.parts.first == number.parts.first }
    }
}

/// A dotted version number (`12.2.8.0`), compared part by part, missing parts read as zero.
public struct IOCVersionNumber: Sendable, Hashable, Comparable {
    public var parts: [Int]

    public init(parts: [Int]) {
        var parts = parts
        while parts.count > 1, parts.last == 0 { parts.removeLast() }
        self.parts = parts
    }

    /// The number at the start of `text` (`7.4.3`, `v7.4.3`, `7.4.3-rc1` → 7.4.3); nil when there is none.
    public init?(_ text: String) {
        guard let first = Self.all(in: text).first else { return nil }
        self = first
    }

    /// Every dotted number in `text` (`< 10.2.9`, `7.1.0 to 7.1.4`).
    public static func all(in text: String) -> [IOCVersionNumber] {
        var result: [IOCVersionNumber] = []
        var current: [Int] = []
        var digits = ""
        func close() {
            if !digits.isEmpty, let value = Int(digits.prefix(9)) { current.append(value) }
            digits = ""
        }
        func flush() {
            close()
            if !current.isEmpty, !(current.count == 1 && current[0] == 0) { result.append(IOCVersionNumber(parts: current)) }
            current = []
        }
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                digits.append(Character(String(digit)))
            } else if character == ".", !digits.isEmpty {
                close()
            } else {
                flush()
            }
        }
        flush()
        return result
    }

    public static func < (lhs: IOCVersionNumber, rhs: IOCVersionNumber) -> Bool {
        for index in 0..<max(lhs.parts.count, rhs.parts.count) {
            let left = index < lhs.parts.count ? lhs.parts[index] : 0
            let right = index < rhs.parts.count ? rhs.parts[index] : 0
            if left != right { return left < right }
        }
        return false
    }
}
