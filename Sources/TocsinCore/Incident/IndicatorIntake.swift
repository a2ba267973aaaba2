import Foundation

/// Reads the indicators a victim declares, one at a time: those that make sense are kept (`stated`), the others are
/// set aside with where they were and why, so that a declaration is never refused whole for a bad line. Pure.
public enum IndicatorIntake {
    /// An indicator as a declarant writes it, before it is checked: the type is plain text so that an unknown one
    /// is reported, not a failure of the whole body.
    public struct Raw: Codable, Sendable, Hashable {
        public var type: String
        public var value: String
        public var comment: String?

        public init(type: String, value: String, comment: String? = nil) {
            self.type = type
            self.value = value
            self.comment = comment
        }
    }

    /// An indicator left out, with where it was (`indicators[3]`, `attachments[0] line 7`) and why.
    public struct Rejection: Codable, Sendable, Hashable {
        public var at: String
        public var value: String
        public var reason: String

        public init(at: String, value: String, reason: String) {
            self.at = at
            self.value = String(value.prefix(200))
            self.reason = reason
        }
    }

    /// The kept indicators and the rejections.
    public struct Outcome: Sendable, Hashable {
        public var indicators: [Indicator] = []
        public var rejected: [Rejection] = []

        public init(indicators: [Indicator] = [], rejected: [Rejection] = []) {
            self.indicators = indicators
            self.rejected = rejected
        }

        mutating func merge(_ other: Outcome) {
            indicators += other.indicators
            rejected += other.rejected
        }
    }

    /// The identity of an indicator for de-duplication: its type and value, case ignored.
    public static func key(_ indicator: Indicator) -> String { "\(indicator.type.rawValue)|\(indicator.value.lowercased())" }

    /// Checks each raw indicator; `at` names the list for the rejections.
    public static func check(_ raws: [Raw], at list: String = "indicators") -> Outcome {
        var outcome = Outcome()
        for (index, raw) in raws.enumerated() {
            let place = "\(list)[\(index)]"
            switch indicator(type: raw.type, value: raw.value, comment: raw.comment) {
            case .success(let indicator): outcome.indicators.append(indicator)
            case .failure(let rejection): outcome.rejected.append(Rejection(at: place, value: raw.value, reason: rejection.reason))
            }
        }
        return outcome
    }

    /// Reads a CSV of indicators, one a line: `type,value[,comment]`; a header line naming `type` and `value` is
    /// skipped, blank lines and lines starting with `#` too.
    public static func csv(_ text: String, at place: String) -> Outcome {
        var outcome = Outcome()
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            if number == 0, fields.first?.lowercased() == "type" { continue }
            let where_ = "\(place) line \(number + 1)"
            guard fields.count >= 2 else {
                outcome.rejected.append(Rejection(at: where_, value: trimmed, reason: "expected type,value[,comment]"))
                continue
            }
            switch indicator(type: fields[0], value: fields[1], comment: fields.count > 2 ? fields[2] : nil) {
            case .success(let indicator): outcome.indicators.append(indicator)
            case .failure(let rejection): outcome.rejected.append(Rejection(at: where_, value: fields[1], reason: rejection.reason))
            }
        }
        return outcome
    }

    /// Why a value is refused, as an error for `Result`.
    public struct Refusal: Error, Hashable {
        public var reason: String
    }

    /// One indicator checked: a known type (any case), a value of that type's form, a short comment.
    public static func indicator(type: String, value raw: String, comment: String?) -> Result<Indicator, Refusal> {
        guard let kind = Indicator.Kind(rawValue: type.trimmingCharacters(in: .whitespaces).lowercased()) else {
            return .failure(Refusal(reason: "unknown type '\(type.prefix(32))'; expected one of "
                + Indicator.Kind.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty, value.count <= AlertContent.Limits.value else {
            return .failure(Refusal(reason: "must be 1 to \(AlertContent.Limits.value) characters"))
        }
        guard (try? TextRules.check(value, field: "value")) != nil else { return .failure(Refusal(reason: "holds control characters")) }
        if let problem = formProblem(kind, value) { return .failure(Refusal(reason: problem)) }
        var note: String?
        if let comment {
            let trimmed = comment.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= 1_000, (try? TextRules.check(trimmed, field: "comment")) != nil else {
                return .failure(Refusal(reason: "comment must be at most 1000 characters without control characters"))
            }
            note = trimmed.isEmpty ? nil : trimmed
        }
        return .success(Indicator(type: kind, value: normalised(kind, value), comment: note, origin: .stated))
    }

    /// What is wrong with a value for its type, or nil when it has the type's form.
    static func formProblem(_ kind: Indicator.Kind, _ value: String) -> String? {
        let hex = CharacterSet(charactersIn: "0123456789abcdefABCDEF")
        func isHex(_ length: Int) -> Bool { value.count == length && value.unicodeScalars.allSatisfy(hex.contains) }
        switch kind {
        case .ipv4:
            let parts = value.split(separator: ".", omittingEmptySubsequences: false)
            let ok = parts.count == 4 && parts.allSatisfy { part in
                (1...3).contains(part.count) && part.allSatisfy(\.isASCIIDigit) && Int(part).map { $0 <= 255 } == true
            }
            return ok ? nil : "is not an IPv4 address such as 203.0.113.7"
        case .ipv6:
            let ok = value.contains(":") && value.count <= 45 && value.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
            return ok ? nil : "is not an IPv6 address such as 2001:db8::1"
        case .domain:
            let labels = value.split(separator: ".", omittingEmptySubsequences: false)
            let ok = labels.count >= 2 && value.count <= 253 && labels.allSatisfy { label in
                (1...63).contains(label.count) && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            } && labels.last.map { !$0.allSatisfy(\.isASCIIDigit) } == true
            return ok ? nil : "is not a domain name such as evil.example"
        case .url:
            guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), ["http", "https", "ftp", "hxxp", "hxxps"].contains(scheme),
                  url.host?.isEmpty == false else { return "is not a URL such as https://evil.example/path" }
            return nil
        case .email:
            return EmailAddress.isPlausible(value) ? nil : "is not an email address"
        case .md5: return isHex(32) ? nil : "is not an MD5 hash (32 hexadecimal digits)"
        case .sha1: return isHex(40) ? nil : "is not a SHA-1 hash (40 hexadecimal digits)"
        case .sha256: return isHex(64) ? nil : "is not a SHA-256 hash (64 hexadecimal digits)"
        case .sha512: return isHex(128) ? nil : "is not a SHA-512 hash (128 hexadecimal digits)"
        case .cve: return CVE.isValid(value.uppercased()) ? nil : "is not a CVE id like CVE-2024-3400"
        case .filename, .other: return nil
        }
    }

    /// The value in its usual case: hashes, domains and e-mail addresses lower case, CVE ids upper case.
    static func normalised(_ kind: Indicator.Kind, _ value: String) -> String {
        switch kind {
        case .md5, .sha1, .sha256, .sha512, .domain, .email, .ipv6: value.lowercased()
        case .cve: value.uppercased()
        default: value
        }
    }
}
