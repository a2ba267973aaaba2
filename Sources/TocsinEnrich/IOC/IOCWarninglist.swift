import Foundation
import TocsinCore

/// One MISP warninglist (github.com/MISP/misp-warninglists): values known to be benign or meaningless as
/// indicators (documentation addresses, `example.com`, the hash of the empty file, security vendors' blogs), so that
/// extracted indicators that a list matches are dropped or flagged rather than sent for blocking.
///
/// It reads the list's JSON (`name`, `type`, `list`, `matching_attributes`, `description`, `version`) and matches
/// as MISP does, case-insensitively:
/// - `string`: the value equals an entry;
/// - `substring`: the value contains an entry;
/// - `hostname`: the domain, or the host of a URL, equals an entry or is a subdomain of it;
/// - `cidr`: the IP address (or the whole CIDR block) lies inside an entry;
/// - `regex`: an entry matches the value (`/pattern/flags` as PHP writes it, or a bare pattern).
/// A list applies only to the indicator kinds its `matching_attributes` name (MISP attribute types such as
/// `ip-dst`, `domain`, `url`, `md5`, `vulnerability`); a list without them applies to every kind.
public struct IOCWarninglist: Sendable {
    /// How entries are compared with values.
    public enum ListType: String, Sendable, Codable, CaseIterable {
        case string, substring, hostname, cidr, regex
    }

    public let name: String
    public let type: ListType
    public let description: String?
    /// The MISP attribute types the list is meant for, as the file gives them.
    public let matchingAttributes: [String]
    /// The number of entries in the list.
    public let entryCount: Int
    private let kinds: Set<Indicator.Kind>
    /// The entries of a `string` or `hostname` list, lower case.
    private let strings: IOCWarninglistStrings
    private let substrings: [String]
    /// CIDR entries by address width and prefix length: an address is checked with one search per prefix length
    /// present, whatever the number of entries (`public-dns-v4` holds 62,745).
    private let networks: IOCWarninglistNetworks
    private let patterns: [IOCCompiledPattern]

    private struct Network: Sendable {
        var base: IOCAddress
        var prefix: Int
    }

    /// The largest warninglist file accepted (the largest MISP lists are a few megabytes).
    public static let maximumSize = 64 << 20
    /// The largest number of entries accepted in one list.
    public static let maximumEntries = 2_000_000

    /// Reads one warninglist from its JSON; `source` names it in error messages (a file path, typically).
    public init(data: Data, source: String = "warninglist") throws(IOCError) {
        guard data.count <= Self.maximumSize else {
            throw .tooLarge(what: "MISP warninglist \(source)", size: data.count, limit: Self.maximumSize)
        }
        let file: IOCWarninglistFile
        do {
            file = try JSONDecoder().decode(IOCWarninglistFile.self, from: data)
        } catch let error as DecodingError {
            throw Self.describe(error, source: source)
        } catch {
            throw .invalidWarninglist(source: source, path: "$", message: "\(error)")
        }
        let type: ListType
        if let raw = file.type {
            guard let known = ListType(rawValue: raw) else {
                throw .invalidWarninglist(source: source, path: "type", message: "'\(raw.prefix(40))' is not one of "
                    + ListType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            type = known
        } else {
            type = .string
        }
        try self.init(name: file.name, type: type, entries: file.list, matchingAttributes: file.matchingAttributes ?? [],
                      description: file.description, source: source)
    }

    /// A warninglist built in code, with the same checks as one read from a file.
    public init(
        name: String, type: ListType, entries: [String], matchingAttributes: [String] = [], description: String? = nil,
        source: String = "warninglist"
    ) throws(IOCError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidWarninglist(source: source, path: "name", message: "must not be empty")
        }
        guard entries.count <= Self.maximumEntries else {
            throw .invalidWarninglist(source: source, path: "list",
                                      message: "has \(entries.count) entries; at most \(Self.maximumEntries) are accepted")
        }
        self.name = name
        self.type = type
        self.description = description
        self.matchingAttributes = matchingAttributes
        self.entryCount = entries.count
        self.kinds = matchingAttributes.isEmpty
            ? Set(Indicator.Kind.allCases) : Set(matchingAttributes.flatMap(Self.kinds(forAttribute:)))
        var strings: [String] = []
        var substrings: [String] = []
        var networks: [Network] = []
        var patterns: [IOCCompiledPattern] = []
        for (index, raw) in entries.enumerated() {
            let entry = raw.trimmingWhitespace()
            guard !entry.isEmpty else { continue }
            switch type {
            case .string:
                strings.append(entry.lowercased())
            case .substring:
                substrings.append(entry.lowercased())
            case .hostname:
                var host = entry.lowercased()
                while host.hasPrefix(".") || host.hasPrefix("*.") { host.removeFirst(host.hasPrefix(".") ? 1 : 2) }
                while host.hasSuffix(".") { host.removeLast() }
                if !host.isEmpty { strings.append(host) }
            case .cidr:
                guard let network = Self.network(entry) else {
                    throw .invalidWarninglist(source: source, path: "list[\(index)]",
                                              message: "'\(entry.prefix(60))' is not an IP address or CIDR block")
                }
                networks.append(network)
            case .regex:
                guard let pattern = IOCCompiledPattern(entry) else {
                    throw .invalidWarninglist(source: source, path: "list[\(index)]",
                                              message: "'\(entry.prefix(60))' is not a valid regular expression")
                }
                patterns.append(pattern)
            }
        }
        self.strings = IOCWarninglistStrings(strings)
        self.substrings = substrings
        self.networks = IOCWarninglistNetworks(networks.map { ($0.base, $0.prefix) })
        self.patterns = patterns
    }

    /// Whether the list is meant for indicators of this kind.
    public func applies(to kind: Indicator.Kind) -> Bool { kinds.contains(kind) }

    /// Whether the list matches the indicator.
    public func matches(_ indicator: Indicator) -> Bool {
        guard kinds.contains(indicator.type) else { return false }
        let value = indicator.value.lowercased()
        switch type {
        case .string:
            return strings.contains(value)
        case .substring:
            return substrings.contains { value.contains($0) }
        case .hostname:
            let host: String
            switch indicator.type {
            case .url: host = Self.host(ofURL: value)
            case .email: host = value.split(separator: "@").last.map(String.init) ?? value
            default: host = value
            }
            return matchesHostname(host)
        case .cidr:
            guard let (address, prefix) = Self.addressAndPrefix(indicator) else { return false }
            return networks.contains(address, prefix: prefix)
        case .regex:
            return patterns.contains { $0.matches(indicator.value) }
        }
    }

    private func matchesHostname(_ host: String) -> Bool {
        var candidate = Substring(host)
        while true {
            if strings.contains(String(candidate)) { return true }
            guard let dot = candidate.firstIndex(of: ".") else { return false }
            candidate = candidate[candidate.index(after: dot)...]
        }
    }

    /// The MISP attribute types that correspond to each indicator kind.
    static func kinds(forAttribute attribute: String) -> [Indicator.Kind] {
        switch attribute.lowercased() {
        case "ip-src", "ip-dst", "ip-src|port", "ip-dst|port", "ip", "ip-any":
            return [.ipv4, .ipv6]
        case "domain|ip":
            return [.domain, .ipv4, .ipv6]
        case "domain", "hostname", "hostname|port":
            return [.domain]
        case "url", "uri", "link":
            return [.url]
        case "email", "email-src", "email-dst", "target-email", "email-reply-to", "whois-registrant-email",
             "dns-soa-email":
            return [.email]
        case "md5", "filename|md5": return [.md5]
        case "sha1", "filename|sha1": return [.sha1]
        case "sha256", "filename|sha256": return [.sha256]
        case "sha512", "filename|sha512": return [.sha512]
        case "vulnerability": return [.cve]
        case "filename": return [.filename]
        default: return []
        }
    }

    /// The host of a lower-case URL, with or without scheme.
    static func host(ofURL url: String) -> String {
        var rest = Substring(url)
        if let range = rest.range(of: "://") { rest = rest[range.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            return String(rest[rest.index(after: rest.startIndex)..<close])
        }
        if let colon = rest.lastIndex(of: ":"), rest.firstIndex(of: ":") == colon { rest = rest[..<colon] }
        return String(rest)
    }

    private static func network(_ entry: String) -> Network? {
        let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IOCAddress(parts[0]) else { return nil }
        guard parts.count == 2 else { return Network(base: address, prefix: address.bitWidth) }
        guard let prefix = Int(parts[1]), prefix >= 0, prefix <= address.bitWidth else { return nil }
        return Network(base: address, prefix: prefix)
    }

    private static func addressAndPrefix(_ indicator: Indicator) -> (IOCAddress, Int)? {
        var text = Substring(indicator.value)
        if indicator.type == .url { text = Substring(host(ofURL: indicator.value.lowercased())) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IOCAddress(parts[0]) else { return nil }
        guard parts.count == 2 else { return (address, address.bitWidth) }
        guard let prefix = Int(parts[1]) else { return nil }
        return (address, prefix)
    }

    private static func describe(_ error: DecodingError, source: String) -> IOCError {
        func path(_ context: DecodingError.Context) -> String {
            let components = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return components.isEmpty ? "$" : components.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            var components = context.codingPath.map(\.stringValue)
            components.append(key.stringValue)
            return .invalidWarninglist(source: source, path: components.joined(separator: "."), message: "is missing")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return .invalidWarninglist(source: source, path: path(context), message: "expected \(type)")
        case .dataCorrupted(let context):
            return .invalidWarninglist(source: source, path: path(context), message: "is not valid JSON")
        @unknown default:
            return .invalidWarninglist(source: source, path: "$", message: "\(error)")
        }
    }
}

/// The JSON shape of a MISP warninglist file.
struct IOCWarninglistFile: Decodable {
    var name: String
    var type: String?
    var list: [String]
    var matchingAttributes: [String]?
    var description: String?

    enum CodingKeys: String, CodingKey {
        case name, type, list, description
        case matchingAttributes = "matching_attributes"
    }
}

/// A compiled warninglist regular expression. `NSRegularExpression` is immutable and documented as safe to share
/// between threads, hence the unchecked conformance.
final class IOCCompiledPattern: @unchecked Sendable {
    private let expression: NSRegularExpression

    /// `/pattern/flags` (PHP style, flags among `imsxu`) or a bare pattern; nil when it does not compile.
    init?(_ entry: String) {
        var pattern = entry
        var options: NSRegularExpression.Options = []
        if entry.hasPrefix("/"), let close = entry.lastIndex(of: "/"), close != entry.startIndex {
            let flags = entry[entry.index(after: close)...]
            if flags.allSatisfy({ "imsxu".contains($0) }) {
                pattern = String(entry[entry.index(after: entry.startIndex)..<close])
                if flags.contains("i") { options.insert(.caseInsensitive) }
                if flags.contains("m") { options.insert(.anchorsMatchLines) }
                if flags.contains("s") { options.insert(.dotMatchesLineSeparators) }
                if flags.contains("x") { options.insert(.allowCommentsAndWhitespace) }
            }
        }
        guard pattern.utf8.count <= 4_096, let expression = try? NSRegularExpression(pattern: pattern, options: options)
        else { return nil }
        self.expression = expression
    }

    func matches(_ value: String) -> Bool {
        let range = NSRange(value.startIndex..<value.endIndex, in: value)
        return expression.firstMatch(in: value, options: [], range: range) != nil
    }
}
