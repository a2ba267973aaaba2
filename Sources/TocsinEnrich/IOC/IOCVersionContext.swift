/// Whether the words around a dotted quad make it a version or a section number rather than an IPv4 address, in
/// French or in English. Advisories write versions as dotted quads all the time ("Appliquer le correctif
/// 12.2.8.0", "FortiOS 7.4.3.2", "les versions antérieures à 9.1.0.12", "Upgrade to 16.4.2.1", "Fixed in
/// 17.1.0.3", "sections 4.1.2.3"); threat reports write addresses the same way ("trafic suspect vers
/// 5.188.86.172", "connexion à 5.188.86.172", "beacons to 5.188.86.172").
///
/// A quad is a version when:
/// - the word right before it is a version or numbering word (`version`, `build`, `firmware`, `correctif`,
///   `micrologiciel`, `patch`, `before`, `section`, `chapitre`, `§`…);
/// - the two or three words before it make a version phrase: a preposition that only a version word gives a
///   meaning (`à`, `to`, `in`, `than`, `vers`…) after its word (`antérieures à`, `jusqu'à`, `upgrade to`,
///   `prior to`, `fixed in`, `corrigé dans`, `earlier than`, `mise à jour`, `mise à jour vers`, `migration vers`);
/// - the word right before it, with nothing but spaces between, is a product name: a known one (`FortiOS`,
///   `IOS XE`, `PAN-OS`, `Junos`, `ESXi`…), one of the alert's products (`productWords`), or a word in camel case
///   (`SonicOS`, `vCenter`);
/// - the words after it say it is one (`or later`, `and earlier`, `ou ultérieures`, `et antérieures`, `build`).
///
/// A preposition alone never makes a version: `vers`, `à`, `to`, `from`, `in` before an address leave it an
/// address.
enum IOCVersionContext {
    /// Words that make the dotted quad right after them a version or a section number.
    static let versionWords: Set<String> = [
        "v", "ver", "version", "versions", "release", "releases", "build", "builds", "firmware", "firmwares", "fw",
        "rev", "revision", "revisions", "révision", "révisions", "patch", "patches", "hotfix", "hotfixes", "correctif",
        "correctifs", "micrologiciel", "micrologiciels", "update", "updates", "upgrade", "sp", "edition", "édition",
        "mouture", "package", "paquet", "software", "logiciel", "rollup", "cumulative", "cumulatif", "before",
        // Numbering, which is no address either.
        "section", "sections", "sect", "chapitre", "chapitres", "chapter", "chapters", "paragraphe", "paragraphes",
        "paragraph", "paragraphs", "article", "articles", "annexe", "annexes", "annex", "appendix", "clause",
        "clauses", "étape", "étapes", "step", "steps", "tableau", "table", "figure", "partie", "part", "§",
    ]

    /// For each preposition, the words before it that make a version phrase (`antérieures à`, `upgrade to`).
    static let phrases: [String: Set<String>] = {
        let french: Set<String> = [
            "antérieure", "antérieures", "antérieur", "antérieurs", "supérieure", "supérieures", "supérieur",
            "supérieurs", "inférieure", "inférieures", "inférieur", "inférieurs", "égale", "égales", "égal", "égaux",
            "jusqu", "passer", "passez", "migrer", "migrez", "monter", "montez", "identique", "identiques",
        ]
        let fixed: Set<String> = [
            "fixed", "resolved", "addressed", "corrected", "patched", "introduced", "available", "included", "shipped",
            "corrigé", "corrigée", "corrigés", "corrigées", "résolu", "résolue", "résolus", "résolues", "disponible",
            "disponibles", "inclus", "incluse", "incluses", "introduit", "introduite", "apparu", "apparue",
        ]
        let toward: Set<String> = [
            "upgrade", "upgraded", "upgrading", "update", "updated", "updating", "prior", "up", "migrate", "migrated",
            "migrating", "patch", "patched", "equal", "previous", "move", "moving", "version",
        ]
        let than: Set<String> = [
            "earlier", "later", "older", "newer", "lower", "higher", "greater", "less", "inférieure", "inférieures",
            "inférieur", "inférieurs", "supérieure", "supérieures", "supérieur", "supérieurs", "récente", "récentes",
            "récent", "récents", "ancienne", "anciennes", "ancien", "anciens",
        ]
        let vers: Set<String> = [
            "migration", "migrer", "migrez", "passer", "passez", "évoluer", "évoluez", "montée", "monter", "montez",
            "basculer", "basculez", "jour", "version",
        ]
        return [
            "à": french, "a": french, "au": french, "aux": french,
            "to": toward, "vers": vers, "en": vers,
            "in": fixed, "dans": fixed, "with": fixed, "avec": fixed, "par": fixed, "by": fixed, "since": fixed,
            "depuis": fixed, "from": fixed, "as": fixed,
            "than": than, "que": than,
        ]
    }()

    /// `mise à jour`, `mettre à jour`: the words before `à jour`.
    static let updateVerbs: Set<String> = ["mise", "mises", "mettre", "mettez", "met", "mettant"]

    /// Product and platform names whose versions are often dotted quads.
    static let productWords: Set<String> = [
        "fortios", "fortigate", "fortiproxy", "fortimanager", "fortianalyzer", "fortiweb", "fortisiem", "fortiswitch",
        "fortiap", "fortimail", "forticlient", "fortinac", "pan-os", "globalprotect", "junos", "ios", "xe", "xr",
        "nx-os", "asa", "ftd", "esxi", "vcenter", "vsphere", "workstation", "fusion", "windows", "exchange",
        "sharepoint", "outlook", "office", "chrome", "chromium", "firefox", "thunderbird", "edge", "safari", "android",
        "macos", "ipados", "watchos", "tvos", "visionos", "ubuntu", "debian", "rhel", "centos", "kernel", "linux",
        "openssl", "openssh", "java", "jdk", "jre", "tomcat", "struts", "confluence", "jira", "bitbucket", "bamboo",
        "citrix", "netscaler", "adc", "xenapp", "xendesktop", "ivanti", "epmm", "mobileiron", "sonicos", "sonicwall",
        "sma", "moveit", "screenconnect", "connectwise", "acrobat", "reader", "php", "python", "nodejs", "node.js",
        "apache", "nginx", "iis", "wordpress", "drupal", "joomla", "weblogic", "vmware", "veeam", "zimbra", "plesk",
        "cpanel", "gitlab", "jenkins", "teamcity", "log4j", "spring", "openvpn", "wireguard", "pfsense", "opnsense",
        "mikrotik", "routeros", "qnap", "qts", "synology", "dsm", "sophos", "checkpoint", "gaia", "f5", "big-ip",
        "tmos", "bigip", "arubaos", "aos-cx", "aos", "comware", "dell", "idrac", "ilo", "bmc", "bios", "uefi", "scada",
        "simatic", "wincc", "tia", "sinec", "scalance", "ruggedcom", "step7", "modicon", "unity", "ecostruxure",
        "niagara", "vxworks", "qnx", "plc", "hmi", "epic", "dicom", "pacs", "ris", "hl7",
    ]

    /// The words after a quad that make it a version: `or later`, `et ultérieures`…
    static let trailingLinks: Set<String> = ["or", "and", "ou", "et", "to", "à"]
    static let trailingWords: Set<String> = [
        "later", "earlier", "above", "below", "higher", "lower", "newer", "older", "prior", "before", "after",
        "previous", "up", "ultérieure", "ultérieures", "ultérieur", "ultérieurs", "antérieure", "antérieures",
        "antérieur", "antérieurs", "supérieure", "supérieures", "supérieur", "supérieurs", "inférieure",
        "inférieures", "inférieur", "inférieurs", "précédente", "précédentes", "suivante", "suivantes", "plus",
        "versions", "greater",
    ]

    /// Whether the dotted quad at `s[a..<end]` is a version or a section number by the words around it.
    static func isVersion(_ s: UnsafeBufferPointer<UInt8>, _ a: Int, _ end: Int, productWords extra: Set<String>,
                          depth: Int = 0) -> Bool {
        // In a list (`9.1.0.12, 9.1.0.13 et 9.1.0.14`, `sections 4.1.2.3 and 4.1.2.4`), a quad is what the first one is.
        if depth < 4, let previous = previousNumber(s, before: a) {
            return isVersion(s, previous, a, productWords: extra, depth: depth + 1)
        }
        let before = previousWords(s, before: a, count: 3)
        if let first = before.first {
            let w1 = first.lowered
            if versionWords.contains(w1) { return true }
            if first.adjacent {
                if productWords.contains(w1) || extra.contains(w1) || isCamelCase(first.text) { return true }
            }
            if before.count >= 2 {
                let w2 = before[1].lowered
                if phrases[w1]?.contains(w2) == true { return true }
                if before.count >= 3 {
                    let w3 = before[2].lowered
                    // `mise à jour 12.2.8.0`, `mise à jour vers 7.4.3.2`.
                    if w1 == "jour", w2 == "à" || w2 == "a", updateVerbs.contains(w3) { return true }
                    if w1 == "vers" || w1 == "en" || w1 == "to", w2 == "jour", w3 == "à" || w3 == "a" { return true }
                }
            }
        }
        let after = nextWords(s, from: end, count: 2)
        if let next = after.first {
            let n1 = next.lowercased()
            if n1 == "build" || n1 == "builds" { return true }
            if after.count == 2, trailingLinks.contains(n1), trailingWords.contains(after[1].lowercased()) { return true }
        }
        return false
    }

    /// The words that join the items of a list.
    static let listLinks: Set<String> = ["et", "and", "or", "ou", "à", "a", "to", "through", "au"]

    /// Where the dotted number (two dots or more) right before `a` starts, past `, ` or a list word (`et`, `and`,
    /// `to`, `-`); nil when there is none.
    static func previousNumber(_ s: UnsafeBufferPointer<UInt8>, before a: Int) -> Int? {
        var k = a - 1
        var sawSeparator = false
        while k >= 0, a - k <= 4, s[k] == UInt8(ascii: " ") || s[k] == UInt8(ascii: ",") || s[k] == UInt8(ascii: "-")
            || s[k] == UInt8(ascii: "/") || s[k] == UInt8(ascii: ";") {
            sawSeparator = true
            k -= 1
        }
        guard sawSeparator, k >= 0 else { return nil }
        if IOCByteClass.isLetter(s[k]) || s[k] >= 0x80 {
            // A list word between the two numbers.
            let wordEnd = k + 1
            while k >= 0, wordEnd - k <= 8, IOCByteClass.isLetter(s[k]) || s[k] >= 0x80 { k -= 1 }
            let word = String(decoding: UnsafeBufferPointer(rebasing: s[(k + 1)..<wordEnd]), as: UTF8.self).lowercased()
            guard listLinks.contains(word) else { return nil }
            let wordStart = k + 1
            while k >= 0, wordStart - k <= 3, s[k] == UInt8(ascii: " ") || s[k] == UInt8(ascii: ",") { k -= 1 }
            guard k < wordStart - 1, k >= 0 else { return nil }
        }
        let numberEnd = k + 1
        var dots = 0
        while k >= 0, numberEnd - k <= 24, IOCByteClass.isDigit(s[k]) || s[k] == UInt8(ascii: ".") {
            if s[k] == UInt8(ascii: ".") { dots += 1 }
            k -= 1
        }
        let start = k + 1
        guard start < numberEnd, dots >= 2, IOCByteClass.isDigit(s[start]), IOCByteClass.isDigit(s[numberEnd - 1]) else { return nil }
        if k >= 0, IOCByteClass.isAlnum(s[k]) { return nil }
        return start
    }

    /// A word read before the quad: its text, its lower-case form, and whether only spaces part it from the quad
    /// (or from the word after it).
    struct Word {
        var text: String
        var lowered: String
        var adjacent: Bool
    }

    /// Up to `count` words before `a`, nearest first. Spaces, `:`, `=`, `#`, `(`, `,`, quotes and apostrophes part
    /// words; a `.` may sit right before the quad (`ver. 1.2.3.4`) but otherwise ends the sentence, as a line
    /// break does.
    static func previousWords(_ s: UnsafeBufferPointer<UInt8>, before a: Int, count: Int) -> [Word] {
        var words: [Word] = []
        var k = a - 1
        var first = true
        while words.count < count, k >= 0 {
            var adjacent = true
            var skipped = 0
            // Separators.
            while k >= 0, skipped < 4 {
                let byte = s[k]
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { k -= 1; skipped += 1; continue }
                if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "#")
                    || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "'")
                    || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "*") || (first && byte == UInt8(ascii: ".")) {
                    adjacent = false
                    k -= 1
                    skipped += 1
                    continue
                }
                // No-break space, « », ’.
                if k >= 1, s[k - 1] == 0xC2, byte == 0xA0 || byte == 0xAB || byte == 0xBB {
                    if byte != 0xA0 { adjacent = false }
                    k -= 2
                    skipped += 1
                    continue
                }
                if k >= 2, s[k - 2] == 0xE2, s[k - 1] == 0x80, byte == 0x99 || byte == 0xAF {
                    if byte == 0x99 { adjacent = false }
                    k -= 3
                    skipped += 1
                    continue
                }
                break
            }
            guard k >= 0 else { break }
            // `§`.
            if k >= 1, s[k - 1] == 0xC2, s[k] == 0xA7 {
                words.append(Word(text: "§", lowered: "§", adjacent: adjacent))
                k -= 2
                first = false
                continue
            }
            let wordEnd = k + 1
            while k >= 0, wordEnd - k <= 24, isWordByte(s, k) { k -= 1 }
            guard wordEnd - k - 1 >= 1, wordEnd - k <= 24 else { break }
            let text = String(decoding: UnsafeBufferPointer(rebasing: s[(k + 1)..<wordEnd]), as: UTF8.self)
            words.append(Word(text: text, lowered: text.lowercased(), adjacent: adjacent))
            first = false
        }
        return words
    }

    /// Up to `count` words from `end`, past spaces, `(` and `,`.
    static func nextWords(_ s: UnsafeBufferPointer<UInt8>, from end: Int, count: Int) -> [String] {
        var words: [String] = []
        var k = end
        let n = s.count
        while words.count < count, k < n {
            var skipped = 0
            while k < n, skipped < 4,
                  s[k] == UInt8(ascii: " ") || s[k] == UInt8(ascii: "(") || s[k] == UInt8(ascii: ",") || s[k] == UInt8(ascii: "\t") {
                k += 1
                skipped += 1
            }
            let start = k
            while k < n, k - start <= 24, isWordByte(s, k) { k += 1 }
            guard k > start, k - start <= 24 else { break }
            words.append(String(decoding: UnsafeBufferPointer(rebasing: s[start..<k]), as: UTF8.self))
        }
        return words
    }

    /// Letters, digits, `-` and the bytes of non-ASCII letters (not the punctuation handled as separators).
    private static func isWordByte(_ s: UnsafeBufferPointer<UInt8>, _ k: Int) -> Bool {
        let byte = s[k]
        if IOCByteClass.isAlnum(byte) || byte == UInt8(ascii: "-") { return true }
        guard byte >= 0x80 else { return false }
        // Continuation bytes of `’`, `«`, `»`, no-break space and `§` are separators, not letters.
        if byte == 0xE2 || byte == 0xC2 { return false }
        if k >= 1, s[k - 1] == 0xC2 { return false }
        if k >= 1, s[k - 1] == 0xE2 || (k >= 2 && s[k - 2] == 0xE2) { return false }
        return true
    }

    /// `FortiOS`, `SonicOS`, `vCenter`: a lower-case letter followed by an upper-case one.
    private static func isCamelCase(_ word: String) -> Bool {
        var previousLower = false
        for byte in word.utf8 {
            if IOCByteClass.isUpper(byte), previousLower { return true }
            previousLower = IOCByteClass.isLower(byte)
        }
        return false
    }
}
