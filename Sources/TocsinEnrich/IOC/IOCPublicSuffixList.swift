import Foundation

/// The Public Suffix List (publicsuffix.org): which domain suffixes are open to registration (`com`, `co.uk`,
/// `*.kawasaki.jp`), so that the extractor can tell a real domain name from a file name or a dotted identifier and
/// find the registrable part of a host name.
///
/// It reads the standard `public_suffix_list.dat` format: one rule per line, `//` comments, `*.` wildcard rules,
/// `!` exception rules, and the `===BEGIN PRIVATE DOMAINS===` marker that separates the ICANN section from
/// suffixes run by private companies (`github.io`, `blogspot.com`). Rules in Unicode are also stored in their
/// `xn--` form. Lookups follow the list's algorithm: an exception rule prevails, otherwise the longest matching rule,
/// otherwise the implicit `*` rule (the last label alone, reported as not explicit).
///
/// The list is loaded by the caller (Debian and Ubuntu ship it in the `publicsuffix` package at
/// `/usr/share/publicsuffix/public_suffix_list.dat`); nothing is fetched over the network.
public struct IOCPublicSuffixList: Sendable {
    /// Which sections of the list a lookup uses.
    public enum Section: Sendable {
        /// Only the suffixes delegated by ICANN (`com`, `co.uk`, `*.bd`): what registries sell.
        case icann
        /// ICANN suffixes and the private ones (`github.io`, `s3.amazonaws.com`): what browsers use for cookies.
        case all
    }

    /// The public suffix of a domain name and what comes from it.
    public struct Match: Sendable, Hashable {
        /// The public suffix (`co.uk` for `www.example.co.uk`).
        public var publicSuffix: String
        /// The public suffix plus one label (`example.co.uk`), or nil when the name is itself a public suffix.
        public var registrableDomain: String?
        /// Whether a rule of the list matched; false when only the implicit `*` rule did (an unknown TLD).
        public var isKnown: Bool
    }

    /// The number of rules read from the file.
    public let ruleCount: Int
    private let rules: [Substring: UInt8]

    private static let normalICANN: UInt8 = 1, normalPrivate: UInt8 = 2
    private static let wildcardICANN: UInt8 = 4, wildcardPrivate: UInt8 = 8
    private static let exceptionICANN: UInt8 = 16, exceptionPrivate: UInt8 = 32
    /// The real list is about 250 KB; anything much larger is not it.
    public static let maximumSize = 16 << 20

    /// Reads the list from the bytes of a `public_suffix_list.dat` file.
    public init(data: Data) throws(IOCError) {
        guard data.count <= Self.maximumSize else {
            throw .tooLarge(what: "the Public Suffix List", size: data.count, limit: Self.maximumSize)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .notUTF8(what: "the Public Suffix List") }
        try self.init(text: text)
    }

    /// Reads the list from a file, typically `/usr/share/publicsuffix/public_suffix_list.dat`.
    public init(contentsOfFile path: String) throws(IOCError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: "\(error.localizedDescription); on Debian or Ubuntu install the "
                + "publicsuffix package (apt-get install publicsuffix)")
        }
        try self.init(data: data)
    }

    /// Reads the list from its text.
    public init(text: String) throws(IOCError) {
        var rules: [Substring: UInt8] = [:]
        var isPrivate = false
        var count = 0
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.drop(while: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("//") {
                if line.contains("===BEGIN PRIVATE DOMAINS===") { isPrivate = true }
                if line.contains("===BEGIN ICANN DOMAINS===") { isPrivate = false }
                continue
            }
            guard let token = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first else { continue }
            var body = Substring(token.lowercased())
            var kind: UInt8
            if body.hasPrefix("!") {
                body = body.dropFirst()
                kind = isPrivate ? Self.exceptionPrivate : Self.exceptionICANN
            } else if body.hasPrefix("*.") {
                body = body.dropFirst(2)
                kind = isPrivate ? Self.wildcardPrivate : Self.wildcardICANN
            } else {
                kind = isPrivate ? Self.normalPrivate : Self.normalICANN
            }
            guard !body.isEmpty, body.utf8.count <= 253, !body.hasPrefix("."), !body.hasSuffix(".") else { continue }
            var forms = [String(body)]
            if body.utf8.contains(where: { $0 >= 0x80 }) {
                let labels = body.split(separator: ".", omittingEmptySubsequences: false).map(IOCPunycode.asciiLabel)
                if labels.allSatisfy({ $0 != nil }) { forms.append(labels.compactMap { $0 }.joined(separator: ".")) }
            }
            for form in forms where Self.isRuleText(form) {
                rules[Substring(form), default: 0] |= kind
            }
            count += 1
        }
        guard !rules.isEmpty else { throw .emptyPublicSuffixList }
        self.rules = rules
        self.ruleCount = count
    }

    /// The public suffix of `domain` (any case, with or without a final dot), nil when it is not a domain name.
    public func match(_ domain: String, section: Section = .all) -> Match? {
        var name = domain.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty, name.utf8.count <= 253,
              !name.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
        else { return nil }
        let (length, known) = suffixLabelCount(ofLowercased: name, section: section)
        let starts = Self.labelStarts(name)
        let suffixStart = starts[starts.count - length]
        let registrable = starts.count > length ? String(name[starts[starts.count - length - 1]...]) : nil
        return Match(publicSuffix: String(name[suffixStart...]), registrableDomain: registrable, isKnown: known)
    }

    /// The registrable domain of `domain` (`example.co.uk` for `www.example.co.uk`), nil when `domain` is a public
    /// suffix itself or ends in an unknown TLD.
    public func registrableDomain(of domain: String, section: Section = .all) -> String? {
        guard let match = match(domain, section: section), match.isKnown else { return nil }
        return match.registrableDomain
    }

    /// How many trailing labels of a lower-case, dot-separated name form its public suffix, and whether a rule of
    /// the list (rather than the implicit `*`) decided it.
    func suffixLabelCount(ofLowercased name: String, section: Section) -> (labels: Int, known: Bool) {
        let normal = section == .icann ? Self.normalICANN : Self.normalICANN | Self.normalPrivate
        let wildcard = section == .icann ? Self.wildcardICANN : Self.wildcardICANN | Self.wildcardPrivate
        let exception = section == .icann ? Self.exceptionICANN : Self.exceptionICANN | Self.exceptionPrivate
        let starts = Self.labelStarts(name)
        let count = starts.count
        var best = 0
        var previousBits: UInt8 = 0
        for k in 1...count {
            let bits = rules[name[starts[count - k]...]] ?? 0
            if bits & exception != 0 { return (k - 1, true) }
            if bits & normal != 0 || (k >= 2 && previousBits & wildcard != 0) { best = k }
            previousBits = bits
        }
        return best == 0 ? (1, false) : (best, true)
    }

    private static func labelStarts(_ name: String) -> [String.Index] {
        var starts = [name.startIndex]
        var index = name.startIndex
        while let dot = name[index...].firstIndex(of: ".") {
            index = name.index(after: dot)
            starts.append(index)
        }
        return starts
    }

    private static func isRuleText(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            byte >= 0x80 || IOCByteClass.isAlnum(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_")
        }
    }
}
