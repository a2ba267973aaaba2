import TocsinCore

extension IOCEvaluationCase {
    /// iocextract's test data as one evaluation case: `input.txt` must yield each line of `valid.txt`.
    ///
    /// iocextract reports raw matches in their defanged form and calls every host-like match a URL; here each
    /// expected line is refanged and read as our kinds: a hash by its length, a dotted quad as an IPv4 address, a
    /// bare host as a domain, anything else (scheme or path) as a URL.
    ///
    /// Two lines of `valid.txt` are artefacts of iocextract's patterns, not indicators, and are left out of the
    /// expectations (`iocextractArtefacts`): `http://[example.com` and `http://example[.com/` (an unclosed
    /// bracket, no URL).
    public static func iocextractCase(input: String, valid: String) -> IOCEvaluationCase {
        var expected: [Indicator.Kind: [String]] = [:]
        for line in valid.split(separator: "\n").map(String.init) where !line.isEmpty && !iocextractArtefacts.contains(line) {
            let refanged = IOCRefang.refang(line)
            let kind: Indicator.Kind
            if refanged.allSatisfy(\.isHexDigit) {
                kind = [32: .md5, 40: .sha1, 64: .sha256, 128: .sha512][refanged.count] ?? .other
            } else if refanged.allSatisfy({ $0.isNumber || $0 == "." }) {
                kind = .ipv4
            } else if !refanged.contains("/") {
                kind = .domain
            } else {
                kind = .url
            }
            expected[kind, default: []].append(refanged)
        }
        return IOCEvaluationCase(id: "iocextract", text: input, expected: expected)
    }

    /// The lines of iocextract's `valid.txt` that are no indicator.
    public static let iocextractArtefacts: Set<String> = ["http://[example.com", "http://example[.com/"]
}
