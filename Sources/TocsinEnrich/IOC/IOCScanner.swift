import TocsinCore

/// The single pass over refanged UTF-8 bytes that finds indicators: it walks maximal runs of host-name
/// characters (letters, digits, `-`, `_`, `.`) and decides from the run and the bytes right after it what the run
/// is (URL scheme, email local part, CVE id, IPv4 address, domain name, hash), so that every byte is looked at a
/// bounded number of times whatever the input.
struct IOCScanner {
    let psl: IOCPublicSuffixList
    let options: IOCExtractor.Options
    var sink: IOCSink

    /// URL schemes recognised before `://`.
    static let schemes: Set<String> = [
        "http", "https", "ftp", "ftps", "sftp", "tcp", "udp", "ws", "wss", "smb", "ldap", "ldaps", "ssh", "telnet",
        "irc", "rdp",
    ]

    init(psl: IOCPublicSuffixList, options: IOCExtractor.Options, sink: IOCSink) {
        self.psl = psl
        self.options = options
        self.sink = sink
    }

    // MARK: The loop

    /// Scans `s`; `marks` are the offsets where defanging was undone; `inURL` scans the decoded path of a URL,
    /// where no further URL is reported.
    mutating func scan(_ s: UnsafeBufferPointer<UInt8>, marks: [Int], inURL: Bool) {
        let n = s.count
        var i = 0
        while i < n, !sink.isFull {
            let b = s[i]
            let isColon = b == UInt8(ascii: ":")
            guard IOCByteClass.isRun(b) || isColon else {
                i += 1
                continue
            }
            if (isColon || IOCByteClass.isHex(b)), i == 0 || !isIPv6Neighbour(s[i - 1]),
               let end = scanIPv6(s, at: i) {
                i = end
                continue
            }
            if isColon {
                i += 1
                continue
            }
            var j = i + 1
            while j < n, IOCByteClass.isRun(s[j]) { j += 1 }
            i = max(j, classifyRun(s, i, j, marks: marks, inURL: inURL))
        }
    }

    private func isIPv6Neighbour(_ byte: UInt8) -> Bool {
        IOCByteClass.isRun(byte) || byte == UInt8(ascii: ":")
    }

    /// Decides what the run `s[start..<end]` is and reports it; returns where scanning resumes.
    private mutating func classifyRun(
        _ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, marks: [Int], inURL: Bool
    ) -> Int {
        let n = s.count
        if end - start >= 3, IOCByteClass.lowercased(s[start]) == UInt8(ascii: "c"),
           IOCByteClass.lowercased(s[start + 1]) == UInt8(ascii: "v"),
           IOCByteClass.lowercased(s[start + 2]) == UInt8(ascii: "e"), let after = scanCVE(s, at: start) {
            return after
        }
        if !inURL, end + 2 < n, s[end] == UInt8(ascii: ":"), s[end + 1] == UInt8(ascii: "/"),
           s[end + 2] == UInt8(ascii: "/"), end - start <= 6 {
            let scheme = String(decoding: UnsafeBufferPointer(rebasing: s[start..<end]).map(IOCByteClass.lowercased),
                                as: UTF8.self)
            if Self.schemes.contains(scheme) {
                return scanURL(s, schemeStart: start, schemeEnd: end, marks: marks)
            }
        }
        if end < n, s[end] == UInt8(ascii: "@"), let after = scanEmail(s, runStart: start, at: end, marks: marks) {
            return after
        }
        var a = start
        var z = end
        while a < z, s[a] == UInt8(ascii: ".") || s[a] == UInt8(ascii: "-") { a += 1 }
        while z > a, s[z - 1] == UInt8(ascii: ".") || s[z - 1] == UInt8(ascii: "-") || s[z - 1] == UInt8(ascii: "_") {
            z -= 1
        }
        guard z - a >= 3, z - a <= 253 else {
            scanHashes(s, a, z)
            return end
        }
        // Shape of the run: dotted, all-numeric labels?
        var dots = 0
        var numeric = true
        for index in a..<z {
            let byte = s[index]
            if byte == UInt8(ascii: ".") { dots += 1 } else if !IOCByteClass.isDigit(byte) { numeric = false }
        }
        if dots == 0 {
            scanHashes(s, a, z)
            return end
        }
        if numeric {
            // A dotted quad, or a version or numbering run (`1.1.0`, `1.3.6.1.4.1`) that is no address at all.
            guard dots == 3 else { return end }
            return scanIPv4(s, a, z, runEnd: end, marks: marks, inURL: inURL)
        }
        if dots == 6, let range = addressRange(s, a, z) {
            if !isDefanged(marks, a, z), IOCVersionContext.isVersion(s, a, end, productWords: options.productWords) { return end }
            for value in range where isReportable(.v4(value)) { sink.emit(.ipv4, IOCAddress.formatIPv4(value)) }
            return end
        }
        let defanged = isDefanged(marks, a, z)
        let context: IOCDomainContext = inURL ? .urlPath : .bare
        guard let domain = IOCDomainRules.validate(s, a, z, psl: psl, context: context, defanged: defanged) else {
            scanHashes(s, a, z)
            return end
        }
        if !inURL, z == end, let urlEnd = schemelessURLEnd(s, hostEnd: z) {
            emitSchemelessURL(s, hostStart: a, hostEnd: z, host: domain, urlEnd: urlEnd)
            if options.hostsFromURLs { sink.emit(.domain, domain) }
            scanPath(s, z, urlEnd)
            return urlEnd
        }
        sink.emit(.domain, domain)
        return z == end ? skipPort(s, from: end) : end
    }

    // MARK: CVE

    /// `CVE-2024-3400`, `cve 2014-1001`, `CVE_2021_44228`, with ASCII or Unicode hyphens; reported upper-case as
    /// `CVE-YYYY-NNNN` when it has the shape Core accepts (four-digit year, 4 to 19 digits).
    private mutating func scanCVE(_ s: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        let n = s.count
        var i = start + 3
        guard let afterFirst = separator(s, at: i, allowSpace: true) else { return nil }
        i = afterFirst
        let yearStart = i
        while i < n, IOCByteClass.isDigit(s[i]), i - yearStart < 5 { i += 1 }
        guard i - yearStart == 4, let afterSecond = separator(s, at: i, allowSpace: false) else { return nil }
        let year = UnsafeBufferPointer(rebasing: s[yearStart..<i])
        i = afterSecond
        let numberStart = i
        while i < n, IOCByteClass.isDigit(s[i]), i - numberStart < 20 { i += 1 }
        let digits = i - numberStart
        guard digits >= 4, digits <= 19, i == n || !IOCByteClass.isWord(s[i]) else { return nil }
        sink.emit(.cve, "CVE-" + String(decoding: year, as: UTF8.self) + "-"
            + String(decoding: UnsafeBufferPointer(rebasing: s[numberStart..<i]), as: UTF8.self))
        return i
    }

    /// `-`, `_`, U+2010, U+2011, U+2013 (and a space when `allowSpace`) at `i`: the offset after it.
    private func separator(_ s: UnsafeBufferPointer<UInt8>, at i: Int, allowSpace: Bool) -> Int? {
        guard i < s.count else { return nil }
        switch s[i] {
        case UInt8(ascii: "-"), UInt8(ascii: "_"): return i + 1
        case UInt8(ascii: " ") where allowSpace: return i + 1
        case 0xE2 where i + 2 < s.count && s[i + 1] == 0x80 && (s[i + 2] == 0x90 || s[i + 2] == 0x91 || s[i + 2] == 0x93):
            return i + 3
        default: return nil
        }
    }

    // MARK: Hashes

    /// MD5, SHA-1, SHA-256 and SHA-512 digests: runs of exactly 32, 40, 64 or 128 hex digits between regex word
    /// boundaries (so `<sha256>.exe` and `md5-<hash>` count, `0x<hex>` and `<hex>_x` do not), not all decimal
    /// digits (those are numbers).
    private mutating func scanHashes(_ s: UnsafeBufferPointer<UInt8>, _ a: Int, _ z: Int) {
        guard z - a >= 32 else { return }
        var i = a
        while i < z {
            guard IOCByteClass.isWord(s[i]) else {
                i += 1
                continue
            }
            var j = i
            var hex = true
            var letters = false
            while j < s.count, IOCByteClass.isWord(s[j]) {
                if !IOCByteClass.isHex(s[j]) { hex = false } else if !IOCByteClass.isDigit(s[j]) { letters = true }
                j += 1
            }
            if hex, letters, i == 0 || !IOCByteClass.isWord(s[i - 1]) {
                let kind: Indicator.Kind? = switch j - i {
                case 32: .md5
                case 40: .sha1
                case 64: .sha256
                case 128: .sha512
                default: nil
                }
                if let kind {
                    sink.emit(kind, String(decoding: UnsafeBufferPointer(rebasing: s[i..<j])
                        .map(IOCByteClass.lowercased), as: UTF8.self))
                }
            }
            i = j
        }
    }

    // MARK: IP addresses

    /// A dotted quad in `s[a..<z]` (the run ends at `runEnd`), with its CIDR suffix, or as the host of a URL
    /// without scheme (`192.0.2.1:8080/path`).
    private mutating func scanIPv4(
        _ s: UnsafeBufferPointer<UInt8>, _ a: Int, _ z: Int, runEnd: Int, marks: [Int], inURL: Bool
    ) -> Int {
        guard let value = IOCAddress.parseIPv4(s, a, z) else { return runEnd }
        if !isDefanged(marks, a, z), IOCVersionContext.isVersion(s, a, runEnd, productWords: options.productWords) {
            return runEnd
        }
        let address = IOCAddress.v4(value)
        guard isReportable(address) else { return runEnd }
        let text = IOCAddress.formatIPv4(value)
        guard z == runEnd else {
            sink.emit(.ipv4, text)
            return runEnd
        }
        if let (prefix, after) = cidrSuffix(s, at: z, maximum: 32) {
            sink.emit(.ipv4, text + "/\(prefix)")
            return after
        }
        if !inURL, let urlEnd = schemelessURLEnd(s, hostEnd: z) {
            emitSchemelessURL(s, hostStart: a, hostEnd: z, host: text, urlEnd: urlEnd)
            if options.hostsFromURLs { sink.emit(.ipv4, text) }
            scanPath(s, z, urlEnd)
            return urlEnd
        }
        sink.emit(.ipv4, text)
        return skipPort(s, from: z)
    }

    /// Both ends of an address range written `A-B` (`192.0.2.1-192.0.2.255`).
    private func addressRange(_ s: UnsafeBufferPointer<UInt8>, _ a: Int, _ z: Int) -> [UInt32]? {
        guard let dash = (a..<z).first(where: { s[$0] == UInt8(ascii: "-") }),
              let first = IOCAddress.parseIPv4(s, a, dash), let last = IOCAddress.parseIPv4(s, dash + 1, z)
        else { return nil }
        return [first, last]
    }

    /// `/N` at `i` with N ≤ `maximum`, not followed by a word character, `/` or `.`.
    private func cidrSuffix(_ s: UnsafeBufferPointer<UInt8>, at i: Int, maximum: Int) -> (Int, Int)? {
        let n = s.count
        guard i + 1 < n, s[i] == UInt8(ascii: "/"), IOCByteClass.isDigit(s[i + 1]) else { return nil }
        var j = i + 1
        var prefix = 0
        while j < n, IOCByteClass.isDigit(s[j]), j - i <= 3 {
            prefix = prefix * 10 + Int(s[j] - 48)
            j += 1
        }
        guard prefix <= maximum, j - i <= 4 else { return nil }
        if j < n, IOCByteClass.isWord(s[j]) || s[j] == UInt8(ascii: "/") || s[j] == UInt8(ascii: ".") { return nil }
        return (prefix, j)
    }

    /// An IPv6 address starting at `i`, with its CIDR suffix: the offset after it when one was found (reported or
    /// rejected by rule), nil when there is none.
    private mutating func scanIPv6(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let n = s.count
        var j = i
        var colons = 0
        while j < n, j - i <= 46 {
            let byte = s[j]
            if byte == UInt8(ascii: ":") { colons += 1 } else if !IOCByteClass.isHex(byte) && byte != UInt8(ascii: ".") {
                break
            }
            j += 1
        }
        guard colons >= 2 else { return nil }
        var z = j
        while z > i, s[z - 1] == UInt8(ascii: ".") { z -= 1 }
        if z - i >= 2, s[z - 1] == UInt8(ascii: ":"), s[z - 2] != UInt8(ascii: ":") { z -= 1 }
        if z < n, IOCByteClass.isWord(s[z]) { return nil }
        guard let (high, low) = IOCAddress.parseIPv6(s, i, z) else { return nil }
        let address = IOCAddress.v6(high, low)
        var after = z
        var suffix = ""
        if let (prefix, end) = cidrSuffix(s, at: z, maximum: 128) {
            suffix = "/\(prefix)"
            after = end
        }
        if isReportable(address) { sink.emit(.ipv6, IOCAddress.formatIPv6(high, low) + suffix) }
        return after
    }

    private func isReportable(_ address: IOCAddress) -> Bool {
        if options.rejectDocumentationAddresses, address.isDocumentation { return false }
        if options.rejectNonPublicAddresses, address.isNonPublic { return false }
        return true
    }

    // MARK: Email addresses

    /// `local@domain` or `local@[IPv4]`, the local part being the run (and `+`-joined runs) before `@`.
    private mutating func scanEmail(
        _ s: UnsafeBufferPointer<UInt8>, runStart: Int, at atSign: Int, marks: [Int]
    ) -> Int? {
        let n = s.count
        var localStart = runStart
        while localStart > 0, atSign - localStart < 64,
              IOCByteClass.isRun(s[localStart - 1]) || s[localStart - 1] == UInt8(ascii: "+") {
            localStart -= 1
        }
        while localStart < atSign, s[localStart] == UInt8(ascii: "+") { localStart += 1 }
        let local = UnsafeBufferPointer(rebasing: s[localStart..<atSign])
        guard !local.isEmpty, local.count <= 64, local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
              !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") })
        else { return nil }
        let localText = String(decoding: local.map(IOCByteClass.lowercased), as: UTF8.self)
        let p = atSign + 1
        guard p < n else { return nil }
        if s[p] == UInt8(ascii: "[") {
            var q = p + 1
            while q < n, q - p <= 16, IOCByteClass.isDigit(s[q]) || s[q] == UInt8(ascii: ".") { q += 1 }
            guard q < n, s[q] == UInt8(ascii: "]"), let value = IOCAddress.parseIPv4(s, p + 1, q) else { return nil }
            let text = IOCAddress.formatIPv4(value)
            sink.emit(.email, localText + "@[" + text + "]")
            if options.domainsFromEmails, isReportable(.v4(value)) { sink.emit(.ipv4, text) }
            return q + 1
        }
        var q = p
        while q < n, IOCByteClass.isRun(s[q]) { q += 1 }
        let runEnd = q
        while q > p, s[q - 1] == UInt8(ascii: ".") || s[q - 1] == UInt8(ascii: "-") { q -= 1 }
        if p < q, s[p] == UInt8(ascii: ".") { return nil }
        guard let domain = IOCDomainRules.validate(s, p, q, psl: psl, context: .emailDomain,
                                                   defanged: isDefanged(marks, p, q)) else { return nil }
        sink.emit(.email, localText + "@" + domain)
        if options.domainsFromEmails { sink.emit(.domain, domain) }
        return runEnd
    }

    // MARK: URLs

    /// A URL whose scheme is `s[schemeStart..<schemeEnd]` (followed by `://`); returns where scanning resumes.
    private mutating func scanURL(
        _ s: UnsafeBufferPointer<UInt8>, schemeStart: Int, schemeEnd: Int, marks: [Int]
    ) -> Int {
        let n = s.count
        let authorityStart = schemeEnd + 3
        var p = authorityStart
        while p < n, isAuthorityByte(s[p]) { p += 1 }
        let authorityEnd = p
        var hostStart = authorityStart
        for index in authorityStart..<authorityEnd where s[index] == UInt8(ascii: "@") { hostStart = index + 1 }
        var hostEnd = authorityEnd
        var portStart = authorityEnd
        enum Host { case domain(String), v4(UInt32), v6(UInt64, UInt64) }
        var host: Host?
        if hostStart < n, s[hostStart] == UInt8(ascii: "[") {
            // A bracketed IPv6 literal: the authority scan stopped at `[`.
            var q = hostStart + 1
            while q < n, q - hostStart <= 47, IOCByteClass.isHex(s[q]) || s[q] == UInt8(ascii: ":")
                || s[q] == UInt8(ascii: ".") { q += 1 }
            guard q < n, s[q] == UInt8(ascii: "]"), let (high, low) = IOCAddress.parseIPv6(s, hostStart + 1, q) else {
                return authorityStart
            }
            host = .v6(high, low)
            hostEnd = q + 1
            portStart = hostEnd
            p = hostEnd
            if p < n, s[p] == UInt8(ascii: ":") {
                p += 1
                while p < n, IOCByteClass.isDigit(s[p]) { p += 1 }
            }
        } else {
            if let (high, low) = IOCAddress.parseIPv6(s, hostStart, authorityEnd) {
                host = .v6(high, low)
            } else {
                var colon = authorityEnd
                for index in hostStart..<authorityEnd where s[index] == UInt8(ascii: ":") {
                    colon = index
                    break
                }
                hostEnd = colon
                portStart = colon
                if colon < authorityEnd {
                    guard authorityEnd - colon <= 6,
                          (colon + 1..<authorityEnd).allSatisfy({ IOCByteClass.isDigit(s[$0]) })
                    else { return authorityStart }
                }
                var nameEnd = hostEnd
                if nameEnd > hostStart, s[nameEnd - 1] == UInt8(ascii: ".") { nameEnd -= 1 }
                if let value = IOCAddress.parseIPv4(s, hostStart, nameEnd) {
                    host = .v4(value)
                } else if let domain = IOCDomainRules.validate(s, hostStart, nameEnd, psl: psl, context: .urlHost,
                                                               defanged: isDefanged(marks, hostStart, nameEnd)) {
                    host = .domain(domain)
                }
            }
        }
        guard let host else { return authorityStart }
        let hostText: String
        let hostKind: Indicator.Kind
        switch host {
        case .domain(let name):
            hostText = name
            hostKind = .domain
        case .v4(let value):
            guard isReportable(.v4(value)) else { return p }
            hostText = IOCAddress.formatIPv4(value)
            hostKind = .ipv4
        case .v6(let high, let low):
            guard isReportable(.v6(high, low)) else { return p }
            hostText = IOCAddress.formatIPv6(high, low)
            hostKind = .ipv6
        }
        let pathStart = p
        var end = pathStart
        if end < n, s[end] == UInt8(ascii: "/") || s[end] == UInt8(ascii: "?") || s[end] == UInt8(ascii: "#") {
            end = pathEnd(s, from: end)
        }
        end = trimmedURLEnd(s, start: schemeStart, end: end, floor: pathStart)
        if end - schemeStart <= Self.maximumURLLength {
            var value = String(decoding: UnsafeBufferPointer(rebasing: s[schemeStart..<schemeEnd])
                .map(IOCByteClass.lowercased), as: UTF8.self)
            value += "://"
            value += String(decoding: UnsafeBufferPointer(rebasing: s[authorityStart..<hostStart]), as: UTF8.self)
            if case .domain(let name) = host { value += name } else {
                value += String(decoding: UnsafeBufferPointer(rebasing: s[hostStart..<hostEnd])
                    .map(IOCByteClass.lowercased), as: UTF8.self)
            }
            value += String(decoding: UnsafeBufferPointer(rebasing: s[portStart..<end]), as: UTF8.self)
            sink.emit(.url, value)
        }
        if options.hostsFromURLs { sink.emit(hostKind, hostText) }
        scanPath(s, pathStart, end)
        return end
    }

    /// URLs longer than an indicator value may be (Core's `AlertDraft.Limits.value`) are not reported.
    static let maximumURLLength = 4_096

    /// Characters of a URL authority: host name characters, `:` (port, userinfo), `@`, `%`, `+`, `!`, `~`, `=`.
    private func isAuthorityByte(_ byte: UInt8) -> Bool {
        IOCByteClass.isRun(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "@")
            || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "!")
            || byte == UInt8(ascii: "~") || byte == UInt8(ascii: "=")
    }

    /// Where a URL path starting at `i` ends: at whitespace, a control character, a quote, `<`, `>`, `` ` ``, `[`,
    /// `|`, `\`, `^`, or Unicode spacing and punctuation (no-break space, « », general punctuation, CJK and
    /// full-width punctuation).
    private func pathEnd(_ s: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        let n = s.count
        var j = i
        while j < n {
            let byte = s[j]
            if byte <= 0x20 || byte == 0x7F { break }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "`"),
                 UInt8(ascii: "["), UInt8(ascii: "|"), UInt8(ascii: "\\"), UInt8(ascii: "^"):
                return j
            case 0xC2:
                if j + 1 < n, s[j + 1] == 0xA0 || s[j + 1] == 0xAB || s[j + 1] == 0xBB { return j }
            case 0xE2:
                if j + 1 < n, s[j + 1] == 0x80 || s[j + 1] == 0x81 { return j }
            case 0xE3:
                if j + 1 < n, s[j + 1] == 0x80 { return j }
            case 0xEF:
                if j + 1 < n, s[j + 1] == 0xBC || s[j + 1] == 0xBD { return j }
            default:
                break
            }
            if j - i > Self.maximumURLLength { return j }
            j += 1
        }
        return j
    }

    /// `end` moved back over trailing punctuation that belongs to the sentence (`.,;:!?*'"`) and over closing
    /// brackets that the URL does not open.
    private func trimmedURLEnd(_ s: UnsafeBufferPointer<UInt8>, start: Int, end: Int, floor: Int) -> Int {
        var end = end
        while end > floor {
            let last = s[end - 1]
            switch last {
            case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "!"),
                 UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "'"), UInt8(ascii: "\""):
                end -= 1
                continue
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ">"):
                let open: UInt8 = switch last {
                case UInt8(ascii: ")"): UInt8(ascii: "(")
                case UInt8(ascii: "]"): UInt8(ascii: "[")
                case UInt8(ascii: "}"): UInt8(ascii: "{")
                default: UInt8(ascii: "<")
                }
                var balance = 0
                for index in start..<end {
                    if s[index] == open { balance += 1 } else if s[index] == last { balance -= 1 }
                }
                if balance < 0 {
                    end -= 1
                    continue
                }
            default:
                break
            }
            break
        }
        return end
    }

    /// The end of a URL without scheme whose host ends at `hostEnd`: the host must be followed by `/` or by
    /// `:port/`; nil otherwise.
    private func schemelessURLEnd(_ s: UnsafeBufferPointer<UInt8>, hostEnd: Int) -> Int? {
        let n = s.count
        var p = hostEnd
        if p < n, s[p] == UInt8(ascii: ":") {
            var q = p + 1
            while q < n, IOCByteClass.isDigit(s[q]), q - p <= 5 { q += 1 }
            guard q > p + 1, q - p <= 6 else { return nil }
            p = q
        }
        guard p < n, s[p] == UInt8(ascii: "/") else { return nil }
        if p + 1 < n, s[p + 1] == UInt8(ascii: "/") { return nil }
        let end = trimmedURLEnd(s, start: hostEnd, end: pathEnd(s, from: p), floor: p + 1)
        return end - hostEnd <= Self.maximumURLLength ? end : nil
    }

    private mutating func emitSchemelessURL(
        _ s: UnsafeBufferPointer<UInt8>, hostStart: Int, hostEnd: Int, host: String, urlEnd: Int
    ) {
        sink.emit(.url, host + String(decoding: UnsafeBufferPointer(rebasing: s[hostEnd..<urlEnd]), as: UTF8.self))
    }

    /// Reports what the path, query and fragment `s[start..<end]` of a URL hold (`?u=evil.com`, a hash in a
    /// sandbox link), after percent-decoding them once.
    private mutating func scanPath(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        guard options.indicatorsFromURLPaths, end - start > 3 else { return }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(end - start)
        var i = start
        while i < end {
            if s[i] == UInt8(ascii: "%"), i + 2 < end, let high = hexDigit(s[i + 1]), let low = hexDigit(s[i + 2]) {
                decoded.append(high << 4 | low)
                i += 3
            } else {
                decoded.append(s[i])
                i += 1
            }
        }
        decoded.withUnsafeBufferPointer { scan($0, marks: [], inURL: true) }
    }

    private func hexDigit(_ byte: UInt8) -> UInt8? {
        if IOCByteClass.isDigit(byte) { return byte - 48 }
        let lower = IOCByteClass.lowercased(byte)
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f") ? lower - 87 : nil
    }

    /// Past `:port` after a host reported on its own.
    private func skipPort(_ s: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        guard i + 1 < s.count, s[i] == UInt8(ascii: ":"), IOCByteClass.isDigit(s[i + 1]) else { return i }
        var j = i + 1
        while j < s.count, IOCByteClass.isDigit(s[j]), j - i <= 5 { j += 1 }
        return j
    }

    /// Whether defanging was undone inside `[a, z)`.
    private func isDefanged(_ marks: [Int], _ a: Int, _ z: Int) -> Bool {
        guard !marks.isEmpty else { return false }
        var low = 0
        var high = marks.count
        while low < high {
            let mid = (low + high) / 2
            if marks[mid] < a { low = mid + 1 } else { high = mid }
        }
        return low < marks.count && marks[low] < z
    }
}
