/// Where a domain-name candidate was found, which decides the false-positive rules it must pass.
enum IOCDomainContext {
    /// Free text: the name must look like a host name, not like a file, a path or a code identifier.
    case bare
    /// The host of a URL with a scheme (`http://report.zip/`): clearly a host, so only syntax and suffix count.
    case urlHost
    /// The domain of an email address.
    case emailDomain
    /// Inside the path or query of a URL (`?redirect=evil.com`): file names are still rejected.
    case urlPath
}

/// The rules that decide whether a dotted run of characters is a domain name worth reporting.
///
/// Syntax (every context): 2 to 127 labels, at most 253 bytes, labels of 1 to 63 letters, digits, `-` and `_`,
/// not starting or ending with `-`; `_` only left of the registrable domain (registries never sell it, DNS records
/// such as `_dmarc.example.com` use it); the top-level label alphabetic or `xn--`; the suffix a rule of the ICANN
/// section of the Public Suffix List and at least one label more than it (`co.uk` alone is not a domain).
///
/// In free text, unless the writer defanged the name (`report[.]zip`), these are not domains:
/// - file names: the last label is a common file extension; this only matters where the extension is also a TLD
///   (`zip`, `mov`, `py`, `sh`, `md`, `so`, `one`, `cab`, `key`, `map`, `dot`…). `pl`, `rs`, `ps`, `cc`, `ai`,
///   `app`, `run` are deliberately not treated as extensions: real domains under them are too common;
/// - path components and malware detection names: the name directly follows `/` or `\` (`Win32/Emotet.PS`,
///   `C:\Temp\invoice.zip`, `~/bin/tool.sh`);
/// - code: the name is directly followed by `(` (`self.report(`), its top-level label is in mixed case
///   (`Mail.Ru`, `Exchange.Net`), two or more labels are capitalised words (`Microsoft.Exchange.Net`), or it is a
///   reverse-DNS identifier of three or more labels starting with `com`, `org`, `net`, `edu`, `gov`, `mil` or
///   `int` (`com.example.app`, Java packages and Android application ids).
/// Inside a URL path the file-extension rule still applies; the other free-text rules do not.
enum IOCDomainRules {
    /// File extensions commonly named in security writing (the full list is kept so that the rule reads as what it
    /// is; only those that are also TLDs can change a result).
    static let fileExtensions: Set<String> = [
        "exe", "dll", "sys", "drv", "ocx", "cpl", "scr", "msi", "msp", "lnk", "bat", "cmd", "ps1", "psm1", "vbs",
        "vbe", "js", "jse", "wsf", "wsh", "hta", "jar", "class", "apk", "ipa", "dmg", "pkg", "deb", "rpm", "elf",
        "bin", "so", "dylib", "ko", "py", "pyc", "rb", "php", "asp", "aspx", "jsp", "cgi", "sh", "bash", "c", "h",
        "cpp", "java", "kt", "swift", "ts", "json", "xml", "yaml", "yml", "toml", "ini", "cfg", "conf", "config",
        "log", "txt", "md", "rst", "csv", "tsv", "doc", "docx", "docm", "dot", "dotm", "xls", "xlsx", "xlsm", "xlsb",
        "ppt", "pptx", "pptm", "rtf", "odt", "ods", "odp", "pdf", "one", "eml", "msg", "html", "htm", "mht", "svg",
        "png", "jpg", "jpeg", "gif", "bmp", "ico", "tif", "tiff", "webp", "mp3", "mp4", "mov", "avi", "mkv", "wav",
        "zip", "rar", "7z", "gz", "tgz", "bz2", "xz", "tar", "cab", "iso", "img", "vhd", "vhdx", "vmdk", "ova",
        "dat", "db", "sqlite", "tmp", "bak", "pem", "crt", "cer", "der", "key", "pfx", "p12", "reg", "inf", "lib",
        "pdb", "map", "war", "whl", "gem", "nupkg", "crx", "xpi", "vsix",
    ]

    /// First labels that make a dotted name a reverse-DNS identifier rather than a host name.
    static let reverseDNSPrefixes: Set<String> = ["com", "org", "net", "edu", "gov", "mil", "int"]

    /// The lower-case domain name in `s[a..<z]`, or nil when it is not one in `context`.
    static func validate(
        _ s: UnsafeBufferPointer<UInt8>, _ a: Int, _ z: Int, psl: IOCPublicSuffixList, context: IOCDomainContext,
        defanged: Bool
    ) -> String? {
        let length = z - a
        guard length >= 3, length <= 253 else { return nil }
        // Syntax, label by label.
        var labelStarts: [Int] = [a]
        var capitalisedLabels = 0
        var labelStart = a
        var i = a
        while i <= z {
            if i == z || s[i] == UInt8(ascii: ".") {
                let labelLength = i - labelStart
                guard labelLength >= 1, labelLength <= 63, s[labelStart] != UInt8(ascii: "-"),
                      s[i - 1] != UInt8(ascii: "-") else { return nil }
                if labelLength >= 2, IOCByteClass.isUpper(s[labelStart]), IOCByteClass.isLower(s[labelStart + 1]) {
                    capitalisedLabels += 1
                }
                if i < z {
                    labelStart = i + 1
                    labelStarts.append(labelStart)
                    guard labelStarts.count <= 127 else { return nil }
                }
            } else if !IOCByteClass.isLabel(s[i]) {
                return nil
            }
            i += 1
        }
        guard labelStarts.count >= 2 else { return nil }
        let tldStart = labelStarts[labelStarts.count - 1]
        guard isTopLevelLabel(s, tldStart, z) else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: s[a..<z]).map(IOCByteClass.lowercased), as: UTF8.self)
        let (suffixLabels, known) = psl.suffixLabelCount(ofLowercased: name, section: .icann)
        guard known, labelStarts.count > suffixLabels else { return nil }
        // `_` only in labels left of the registrable one.
        let registrableIndex = labelStarts.count - suffixLabels - 1
        for index in registrableIndex..<labelStarts.count {
            let start = labelStarts[index]
            let end = index + 1 < labelStarts.count ? labelStarts[index + 1] - 1 : z
            if UnsafeBufferPointer(rebasing: s[start..<end]).contains(UInt8(ascii: "_")) { return nil }
        }
        if defanged || context == .urlHost || context == .emailDomain { return name }
        let tld = name[name.index(name.startIndex, offsetBy: tldStart - a)...]
        if fileExtensions.contains(String(tld)) { return nil }
        if context == .urlPath { return name }
        if a > 0, s[a - 1] == UInt8(ascii: "/") || s[a - 1] == UInt8(ascii: "\\") { return nil }
        if z < s.count, s[z] == UInt8(ascii: "(") { return nil }
        if capitalisedLabels >= 2 || isMixedCase(s, tldStart, z) { return nil }
        if labelStarts.count >= 3, let firstDot = name.firstIndex(of: "."),
           reverseDNSPrefixes.contains(String(name[..<firstDot])) { return nil }
        return name
    }

    private static func isTopLevelLabel(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        if end - start >= 5, IOCByteClass.lowercased(s[start]) == UInt8(ascii: "x"),
           IOCByteClass.lowercased(s[start + 1]) == UInt8(ascii: "n"), s[start + 2] == UInt8(ascii: "-"),
           s[start + 3] == UInt8(ascii: "-") {
            return true
        }
        for index in start..<end where !IOCByteClass.isLetter(s[index]) { return false }
        return end - start >= 2
    }

    private static func isMixedCase(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var upper = false
        var lower = false
        for index in start..<end {
            if IOCByteClass.isUpper(s[index]) { upper = true } else if IOCByteClass.isLower(s[index]) { lower = true }
        }
        return upper && lower
    }
}
