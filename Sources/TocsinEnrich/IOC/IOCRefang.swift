/// Undoes the "defanging" that security writers apply so that indicators cannot be clicked or resolved
/// (`hxxp://evil[.]com`, `user[at]evil(dot)com`), before indicators are looked for.
///
/// The rules, each applied wherever it occurs:
/// - a scheme `h` + two of `x t * _` (not `tt`) + `p` [+ `s`], or `fxp`, followed by `:` or a bracket, becomes
///   `http`/`https`/`ftp` (`hxxp`, `hXXps`, `h**p`, `hxtp`);
/// - a bracket `[ ]`, `( )` or `{ }` holding only `.`, `dot`, `@`, `:`, `://`, `/` or `//` (spaces allowed inside)
///   becomes its content, and `at` in brackets becomes `@` when it sits between an address's characters;
///   spaces around a bracketed `.` or `@` that joins two words are dropped (`example [dot] com`);
/// - `\.` between two label characters becomes `.` (regex-escaped domains);
/// - the ideographic and full-width full stops (`。` `．` `｡`) between label characters become `.`;
/// - commas in the host of a URL that has no dot (`http://192,168,0,1`, `http://example,com/`) become dots;
/// - ` dot ` between two label characters becomes `.` only in an indicator-like context, because "the dot com
///   era" is prose: when written `DOT`, when the chain holds several separators (`www dot evil dot com`), or when
///   the chain follows `@`, `://` or another defanged separator.
///
/// `[.` or `.]` alone, unbalanced brackets and ` at ` without brackets are left as they are.
public enum IOCRefang {
    /// `text` with its defanged indicators restored.
    public static func refang(_ text: String) -> String {
        String(decoding: refanged(Array(text.utf8)).bytes, as: UTF8.self)
    }

    /// Refanged bytes and the offsets (ascending) in them where a defanged separator was restored, so that the
    /// extractor can tell that a writer marked a name as an indicator.
    struct Result {
        var bytes: [UInt8]
        var marks: [Int]
    }

    static func refanged(_ input: [UInt8]) -> Result {
        input.withUnsafeBufferPointer { refanged($0) }
    }

    private static let anywhere: UInt8 = 1
    private static let wordStart: UInt8 = 2
    private static let space: UInt8 = 3

    /// For each byte, whether a defanging can start there: anywhere (brackets, `\\`, `:`, the first byte of a
    /// wide full stop), at the start of a word (a defanged scheme), or as the space before `dot`.
    private static let triggers: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for byte in "[({\\:".utf8 { table[Int(byte)] = anywhere }
        table[0xE3] = anywhere
        table[0xEF] = anywhere
        for byte in "hHfF".utf8 { table[Int(byte)] = wordStart }
        table[Int(UInt8(ascii: " "))] = space
        return table
    }()

    private static let dotSign: [UInt8] = [UInt8(ascii: ".")]
    private static let atSign: [UInt8] = [UInt8(ascii: "@")]
    private static let colonSlashSlash: [UInt8] = Array("://".utf8)

    static func refanged(_ s: UnsafeBufferPointer<UInt8>) -> Result {
        let n = s.count
        var out: [UInt8] = []
        out.reserveCapacity(n)
        var marks: [Int] = []
        // Bytes are copied in spans; a span ends where a defanging may start.
        var copyStart = 0
        var i = 0
        let wordStart = Self.wordStart
        let space = Self.space
        triggers.withUnsafeBufferPointer { triggers in
            while i < n {
                let trigger = triggers[Int(s[i])]
                if trigger == 0
                    || (trigger == wordStart && i > 0 && IOCByteClass.isAlnum(s[i - 1]))
                    || (trigger == space && (i + 1 == n || s[i + 1] | 0x20 != UInt8(ascii: "d"))) {
                    i += 1
                    continue
                }
                if copyStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[copyStart..<i])) }
                copyStart = i
                if let next = refangAt(s, i, out: &out, marks: &marks) {
                    i = next
                    copyStart = next
                } else {
                    i += 1
                }
            }
        }
        if copyStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[copyStart..<n])) }
        return Result(bytes: out, marks: marks)
    }

    /// The defanging that starts at `i`, if any, written to `out`: the offset where copying resumes.
    private static func refangAt(
        _ s: UnsafeBufferPointer<UInt8>, _ i: Int, out: inout [UInt8], marks: inout [Int]
    ) -> Int? {
        let n = s.count
        switch s[i] {
        case UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "{"):
            guard let (replacement, tokenEnd) = bracketToken(s, at: i) else { return nil }
            if replacement == atSign, !isAddressContext(out: out, s: s, after: tokenEnd) { return nil }
            var end = tokenEnd
            if replacement.count == 1, joinsSpacedWords(out: out, s: s, after: end) {
                out.removeLast()
                end += 1
            }
            marks.append(out.count)
            out.append(contentsOf: replacement)
            return replacement == colonSlashSlash ? refangCommaHost(s, from: end, into: &out, marks: &marks) : end
        case UInt8(ascii: "\\"):
            guard i + 2 < n, s[i + 1] == UInt8(ascii: "."), let last = out.last, IOCByteClass.isLabel(last),
                  IOCByteClass.isLabel(s[i + 2]) else { return nil }
            marks.append(out.count)
            out.append(UInt8(ascii: "."))
            return i + 2
        case UInt8(ascii: "h"), UInt8(ascii: "H"), UInt8(ascii: "f"), UInt8(ascii: "F"):
            guard let (scheme, end) = defangedScheme(s, at: i) else { return nil }
            marks.append(out.count)
            out.append(contentsOf: scheme)
            return end
        case UInt8(ascii: " "):
            guard isSpelledDot(s, at: i, out: out, marks: marks) else { return nil }
            marks.append(out.count)
            out.append(UInt8(ascii: "."))
            return i + 5
        case UInt8(ascii: ":"):
            guard i + 2 < n, s[i + 1] == UInt8(ascii: "/"), s[i + 2] == UInt8(ascii: "/") else { return nil }
            out.append(contentsOf: colonSlashSlash)
            let end = refangCommaHost(s, from: i + 3, into: &out, marks: &marks)
            return end
        default:
            guard i + 3 < n, isWideFullStop(s[i], s[i + 1], s[i + 2]), let last = out.last,
                  IOCByteClass.isLabel(last), IOCByteClass.isLabel(s[i + 3]) else { return nil }
            marks.append(out.count)
            out.append(UInt8(ascii: "."))
            return i + 3
        }
    }

    /// `[.]`, `(dot)`, `{ . }`, `[at]`, `[@]`, `[:]`, `[://]`, `[/]`, `[//]` at `i`: the replacement and the
    /// offset after the closing bracket.
    private static func bracketToken(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> ([UInt8], Int)? {
        let n = s.count
        let close: UInt8 = switch s[i] {
        case UInt8(ascii: "["): UInt8(ascii: "]")
        case UInt8(ascii: "("): UInt8(ascii: ")")
        default: UInt8(ascii: "}")
        }
        var j = i + 1
        var spaces = 0
        while j < n, s[j] == UInt8(ascii: " "), spaces < 2 { j += 1; spaces += 1 }
        guard j < n else { return nil }
        let replacement: [UInt8]
        switch s[j] {
        case UInt8(ascii: "."):
            replacement = dotSign
            j += 1
        case UInt8(ascii: "@"):
            replacement = atSign
            j += 1
        case UInt8(ascii: "d"), UInt8(ascii: "D"):
            guard j + 2 < n, IOCByteClass.lowercased(s[j + 1]) == UInt8(ascii: "o"),
                  IOCByteClass.lowercased(s[j + 2]) == UInt8(ascii: "t") else { return nil }
            replacement = dotSign
            j += 3
        case UInt8(ascii: "a"), UInt8(ascii: "A"):
            guard j + 1 < n, IOCByteClass.lowercased(s[j + 1]) == UInt8(ascii: "t") else { return nil }
            replacement = atSign
            j += 2
        case UInt8(ascii: ":"):
            if j + 2 < n, s[j + 1] == UInt8(ascii: "/"), s[j + 2] == UInt8(ascii: "/") {
                replacement = colonSlashSlash
                j += 3
            } else {
                replacement = [UInt8(ascii: ":")]
                j += 1
            }
        case UInt8(ascii: "/"):
            if j + 1 < n, s[j + 1] == UInt8(ascii: "/") {
                replacement = [UInt8(ascii: "/"), UInt8(ascii: "/")]
                j += 2
            } else {
                replacement = [UInt8(ascii: "/")]
                j += 1
            }
        default:
            return nil
        }
        spaces = 0
        while j < n, s[j] == UInt8(ascii: " "), spaces < 2 { j += 1; spaces += 1 }
        guard j < n, s[j] == close else { return nil }
        return (replacement, j + 1)
    }

    /// Whether a bracketed `at` sits between the local part and the domain of an address (possibly with one space
    /// on each side), rather than in prose such as "(at) the meeting".
    private static func isAddressContext(out: [UInt8], s: UnsafeBufferPointer<UInt8>, after end: Int) -> Bool {
        var last = out.count - 1
        var next = end
        if last >= 0, out[last] == UInt8(ascii: " "), next < s.count, s[next] == UInt8(ascii: " ") {
            last -= 1
            next += 1
        }
        guard last >= 0, next < s.count else { return false }
        let before = out[last]
        return (IOCByteClass.isLabel(before) || before == UInt8(ascii: ".") || before == UInt8(ascii: "+"))
            && IOCByteClass.isAlnum(s[next])
    }

    /// Whether a one-character replacement has a single space on each side between two label characters, as in
    /// `example [.] com`, so that the spaces belong to the defanging.
    private static func joinsSpacedWords(out: [UInt8], s: UnsafeBufferPointer<UInt8>, after end: Int) -> Bool {
        let count = out.count
        guard count >= 2, out[count - 1] == UInt8(ascii: " "), IOCByteClass.isLabel(out[count - 2]),
              end + 1 < s.count, s[end] == UInt8(ascii: " "), IOCByteClass.isLabel(s[end + 1]) else { return false }
        return true
    }

    /// `hxxp`, `hXXps`, `h**p`, `hxtp`, `fxp` at the start of a word and followed by `:` or a bracket.
    private static func defangedScheme(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> ([UInt8], Int)? {
        let n = s.count
        if i > 0, IOCByteClass.isAlnum(s[i - 1]) { return nil }
        var j: Int
        var scheme: [UInt8]
        if IOCByteClass.lowercased(s[i]) == UInt8(ascii: "h") {
            guard i + 3 < n, isObfuscation(s[i + 1]), isObfuscation(s[i + 2]),
                  IOCByteClass.lowercased(s[i + 3]) == UInt8(ascii: "p"),
                  !(IOCByteClass.lowercased(s[i + 1]) == UInt8(ascii: "t")
                    && IOCByteClass.lowercased(s[i + 2]) == UInt8(ascii: "t")) else { return nil }
            scheme = Array("http".utf8)
            j = i + 4
        } else {
            guard i + 2 < n, IOCByteClass.lowercased(s[i + 1]) == UInt8(ascii: "x"),
                  IOCByteClass.lowercased(s[i + 2]) == UInt8(ascii: "p") else { return nil }
            scheme = Array("ftp".utf8)
            j = i + 3
        }
        if j < n, IOCByteClass.lowercased(s[j]) == UInt8(ascii: "s") {
            scheme.append(UInt8(ascii: "s"))
            j += 1
        }
        guard j < n, s[j] == UInt8(ascii: ":") || s[j] == UInt8(ascii: "[") || s[j] == UInt8(ascii: "(") else {
            return nil
        }
        return (scheme, j)
    }

    private static func isObfuscation(_ byte: UInt8) -> Bool {
        switch IOCByteClass.lowercased(byte) {
        case UInt8(ascii: "x"), UInt8(ascii: "t"), UInt8(ascii: "*"), UInt8(ascii: "_"): return true
        default: return false
        }
    }

    /// ` dot ` at `i` (a space, `dot` in any case, a space) between label characters, in an indicator-like context.
    private static func isSpelledDot(_ s: UnsafeBufferPointer<UInt8>, at i: Int, out: [UInt8], marks: [Int]) -> Bool {
        let n = s.count
        guard i + 5 < n, s[i + 4] == UInt8(ascii: " "), isDotWord(s, at: i + 1), let last = out.last,
              IOCByteClass.isLabel(last), IOCByteClass.isLabel(s[i + 5]) else { return false }
        if s[i + 1] == UInt8(ascii: "D"), s[i + 2] == UInt8(ascii: "O"), s[i + 3] == UInt8(ascii: "T") { return true }
        // A further ` dot ` after the next label makes a chain.
        var j = i + 5
        let limit = min(n, j + 63)
        while j < limit, IOCByteClass.isLabel(s[j]) { j += 1 }
        if j + 4 < n, s[j] == UInt8(ascii: " "), isDotWord(s, at: j + 1), s[j + 4] == UInt8(ascii: " ") { return true }
        // Looking back along the chain already written: another restored separator, `@` or `://`.
        var k = out.count - 1
        let floor = max(0, out.count - 253)
        while k >= floor, IOCByteClass.isRun(out[k]) { k -= 1 }
        if let lastMark = marks.last, lastMark > k { return true }
        guard k >= 0 else { return false }
        if out[k] == UInt8(ascii: "@") { return true }
        return k >= 2 && out[k] == UInt8(ascii: "/") && out[k - 1] == UInt8(ascii: "/") && out[k - 2] == UInt8(ascii: ":")
    }

    private static func isDotWord(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        i + 2 < s.count && IOCByteClass.lowercased(s[i]) == UInt8(ascii: "d")
            && IOCByteClass.lowercased(s[i + 1]) == UInt8(ascii: "o")
            && IOCByteClass.lowercased(s[i + 2]) == UInt8(ascii: "t")
    }

    /// U+3002 `。`, U+FF0E `．`, U+FF61 `｡`.
    private static func isWideFullStop(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Bool {
        (a == 0xE3 && b == 0x80 && c == 0x82) || (a == 0xEF && b == 0xBC && c == 0x8E)
            || (a == 0xEF && b == 0xBD && c == 0xA1)
    }

    /// After `://`: a host written with commas instead of dots and no dot at all becomes dotted; returns where
    /// copying resumes.
    private static func refangCommaHost(
        _ s: UnsafeBufferPointer<UInt8>, from start: Int, into out: inout [UInt8], marks: inout [Int]
    ) -> Int {
        let n = s.count
        var j = start
        var commas = 0
        var previousWasComma = true
        let limit = min(n, start + 253)
        while j < limit {
            let byte = s[j]
            if byte == UInt8(ascii: ",") {
                if previousWasComma { return start }
                commas += 1
                previousWasComma = true
            } else if IOCByteClass.isLabel(byte) {
                previousWasComma = false
            } else {
                break
            }
            j += 1
        }
        guard commas > 0, !previousWasComma, j < limit || j == n else { return start }
        if j < n, s[j] == UInt8(ascii: ".") || IOCByteClass.isLabel(s[j]) { return start }
        for k in start..<j {
            if s[k] == UInt8(ascii: ",") {
                marks.append(out.count)
                out.append(UInt8(ascii: "."))
            } else {
                out.append(s[k])
            }
        }
        return j
    }
}
