import TocsinCore

/// Finds the indicators of compromise in an alert's free text (title, summary, body, references) so that an
/// establishment's security officer knows what to block: IPv4 and IPv6 addresses (with CIDR suffix), domain names,
/// URLs, email addresses, MD5/SHA-1/SHA-256/SHA-512 hashes and CVE ids.
///
/// The text is refanged first (`IOCRefang`), then read in one pass over its UTF-8 bytes. Values are normalised:
/// domains, hashes, email addresses and the scheme and host of URLs in lower case; IPv6 in RFC 5952 form; CVE ids
/// upper case as `CVE-YYYY-NNNN`. Indicators come out once each, in order of first appearance; a URL comes before
/// its host and before what its path holds. A URL may lack its scheme when a host is followed by `/` or `:port/`
/// (`evil.com/gate.php`); it is then reported as written. An address range `A-B` yields both addresses.
///
/// False positives are rejected by rule (see `IOCDomainRules` for domain names):
/// - IPv4: octets above 255 or with a leading zero, dotted runs of other lengths (`1.1.0`, `1.3.6.1.4.1`), a
///   dotted quad glued to letters, or one that the words around it make a version or a section number, in
///   French or English (`version`, `correctif`, `micrologiciel`, `mise à jour`, `antérieures à`, `upgrade to`,
///   `fixed in`, `build`, a product name, `or later`, `section`, `§`…; see `IOCVersionContext`). A defanged
///   quad (`5.188.86[.]172`) is always an address: the writer marked it as one;
/// - addresses in the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32,
///   3fff::/20), always; loopback, private and other non-public ranges only when `rejectNonPublicAddresses` is
///   set, because an internal address in an incident report can matter (the `rfc1918` and `rfc5735`
///   warninglists flag them otherwise);
/// - IPv6: fewer than two colons, or glued to a word (`a::bar`);
/// - hashes: not on word boundaries, or only decimal digits;
/// - URLs: a host that is not a valid domain, IPv4 or IPv6 address; URLs longer than 4,096 bytes.
public struct IOCExtractor: Sendable {
    /// What to do with an indicator that a warninglist matches.
    public enum WarninglistAction: Sendable {
        /// Leave it out of `indicators` (it is still listed in `warninglistHits`).
        case drop
        /// Keep it, with `toIds = false` and the list's name in `comment`.
        case flag
    }

    /// Choices an extraction makes.
    public struct Options: Sendable {
        /// At most this many indicators are returned; scanning stops there.
        public var maxIndicators: Int
        /// The kinds to report.
        public var kinds: Set<Indicator.Kind>
        /// Also report the host of each URL as a domain or IP address.
        public var hostsFromURLs: Bool
        /// Also report the domain (or address literal) of each email address.
        public var domainsFromEmails: Bool
        /// Also report what the path, query and fragment of a URL hold, percent-decoded
        /// (`?redirect=http%3A%2F%2Fevil.com`, a hash in a sandbox link).
        public var indicatorsFromURLPaths: Bool
        /// Reject the documentation address ranges (RFC 5737, RFC 3849, RFC 9637).
        public var rejectDocumentationAddresses: Bool
        /// Reject loopback, private, link-local, multicast and other non-public addresses.
        public var rejectNonPublicAddresses: Bool
        public var warninglistAction: WarninglistAction
        /// Lower-case words of product and vendor names (an alert's affected products): a dotted quad right after
        /// one is a version (`Junos 21.4.3.1`). Common product names are known without it (`IOCVersionContext`).
        public var productWords: Set<String>

        /// The kinds this extractor can find.
        public static let extractableKinds: Set<Indicator.Kind> = [
            .ipv4, .ipv6, .domain, .url, .email, .md5, .sha1, .sha256, .sha512, .cve,
        ]

        public init(
            maxIndicators: Int = 10_000, kinds: Set<Indicator.Kind> = Options.extractableKinds,
            hostsFromURLs: Bool = true, domainsFromEmails: Bool = true, indicatorsFromURLPaths: Bool = true,
            rejectDocumentationAddresses: Bool = true, rejectNonPublicAddresses: Bool = false,
            warninglistAction: WarninglistAction = .drop, productWords: Set<String> = []
        ) {
            self.productWords = productWords
            self.maxIndicators = maxIndicators
            self.kinds = kinds
            self.hostsFromURLs = hostsFromURLs
            self.domainsFromEmails = domainsFromEmails
            self.indicatorsFromURLPaths = indicatorsFromURLPaths
            self.rejectDocumentationAddresses = rejectDocumentationAddresses
            self.rejectNonPublicAddresses = rejectNonPublicAddresses
            self.warninglistAction = warninglistAction
        }
    }

    /// What one extraction found.
    public struct Result: Sendable {
        /// The indicators, in order of first appearance (warninglist hits left out or flagged, per the options).
        public var indicators: [Indicator]
        /// The indicators that a warninglist matched, with the list's name.
        public var warninglistHits: [IOCWarninglistHit]
        /// Whether `maxIndicators` was reached: the text may hold more.
        public var reachedLimit: Bool
    }

    public let publicSuffixes: IOCPublicSuffixList
    public let warninglists: IOCWarninglists
    public let options: Options

    public init(publicSuffixes: IOCPublicSuffixList, warninglists: IOCWarninglists = .empty, options: Options = Options()) {
        self.publicSuffixes = publicSuffixes
        self.warninglists = warninglists
        self.options = options
    }

    /// The same with only the cap changed from the default options.
    public init(publicSuffixes: IOCPublicSuffixList, warninglists: IOCWarninglists = .empty, maxIndicators: Int) {
        self.init(publicSuffixes: publicSuffixes, warninglists: warninglists,
                  options: Options(maxIndicators: maxIndicators))
    }

    /// The indicators in `text`.
    public func extract(_ text: String) -> [Indicator] {
        extractDetailed(text).indicators
    }

    /// The indicators in several texts (an alert's title, summary, body and references), deduplicated across them.
    public func extract(_ texts: [String]) -> [Indicator] {
        extractDetailed(texts.joined(separator: "\n")).indicators
    }

    /// The indicators in `text`, with the warninglist hits and whether the cap was reached.
    public func extractDetailed(_ text: String) -> Result {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return Result(indicators: [], warninglistHits: [], reachedLimit: options.maxIndicators <= 0) }
        let refanged = IOCRefang.refanged(bytes)
        bytes = []
        let sink = IOCSink(limit: options.maxIndicators, kinds: options.kinds, warninglists: warninglists,
                           action: options.warninglistAction)
        var scanner = IOCScanner(psl: publicSuffixes, options: options, sink: sink)
        refanged.bytes.withUnsafeBufferPointer { scanner.scan($0, marks: refanged.marks, inURL: false) }
        return Result(indicators: scanner.sink.indicators, warninglistHits: scanner.sink.hits,
                      reachedLimit: scanner.sink.isFull)
    }
}

extension IOCExtractor {
    /// The same extractor that also knows `productWords` (an alert's product and vendor names) as product names.
    public func with(productWords: Set<String>) -> IOCExtractor {
        guard !productWords.isEmpty else { return self }
        var options = options
        options.productWords = productWords
        return IOCExtractor(publicSuffixes: publicSuffixes, warninglists: warninglists, options: options)
    }
}
