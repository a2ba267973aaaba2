import Foundation

/// A MISP machine tag (`namespace:predicate="value"`) and the categories it gives.
///
/// Mapped namespaces, by explicit tables: `misp-galaxy` clusters (ransomware; malware families such as
/// `malpedia`, `mitre-malware`, `tool`, `banker`, `exploit-kit`; threat actors and intrusion sets; ATT&CK attack
/// patterns by technique id or name), the `ecsirt` and `rsit` incident taxonomies, `circl:incident-classification`,
/// `enisa:nefarious-activity-abuse` (and `enisa:physical-attack`, `enisa:disaster`), `malware_classification` and
/// `ms-caro-malware`. Other tags (`tlp:…`, `workflow:…`, free tags) give nothing. STIX labels written as MISP
/// tags (as misp-stix exports them) are read the same way.
struct ClassificationMISPTag: Sendable, Hashable {
    let namespace: String
    let predicate: String?
    let value: String?

    /// Parses `namespace:predicate="value"`, `namespace:predicate` or `namespace="value"`; nil for a tag
    /// without a namespace.
    init?(_ tag: String) {
        let trimmed = tag.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let namespace = trimmed[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        guard !namespace.isEmpty, !namespace.contains("=") else { return nil }
        let rest = trimmed[trimmed.index(after: colon)...]
        if let equals = rest.firstIndex(of: "=") {
            predicate = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = rest[rest.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            self.value = value
        } else {
            predicate = rest.trimmingCharacters(in: .whitespaces).lowercased()
            value = nil
        }
        self.namespace = namespace
    }

    /// The categories this tag gives, each once, in table order.
    var categories: [String] {
        let predicate = predicate ?? ""
        let value = (value ?? "").lowercased()
        switch namespace {
        case "misp-galaxy":
            if Self.galaxyAttackPatterns.contains(predicate) { return Self.attackPatternCategories(self.value ?? "") }
            return Self.galaxies[predicate] ?? []
        case "ecsirt", "rsit":
            return Self.incidentValues["\(predicate)=\(value)"] ?? Self.incidentPredicates[predicate] ?? []
        case "circl":
            return predicate == "incident-classification" ? Self.circl[value] ?? [] : []
        case "enisa":
            switch predicate {
            case "nefarious-activity-abuse": return Self.enisaAbuse(value)
            case "physical-attack", "disaster": return [T.physical]
            default: return []
            }
        case "malware_classification":
            guard predicate == "malware-category" else { return [] }
            return value == "ransomware" ? [T.ransomware] : [T.malware]
        case "ms-caro-malware":
            guard predicate == "malware-type" else { return [] }
            switch value {
            case "ransom": return [T.ransomware]
            case "phish": return [T.phishing]
            default: return [T.malware]
            }
        default:
            return []
        }
    }

    private typealias T = ClassificationTaxonomy

    /// `misp-galaxy:<galaxy>` → category, whatever the cluster.
    static let galaxies: [String: [String]] = [
        "ransomware": [T.ransomware],
        "malpedia": [T.malware], "mitre-malware": [T.malware], "mitre-enterprise-attack-malware": [T.malware],
        "mitre-mobile-attack-malware": [T.malware], "tool": [T.malware], "rat": [T.malware], "banker": [T.malware],
        "stealer": [T.malware], "botnet": [T.malware], "exploit-kit": [T.malware], "backdoor": [T.malware],
        "android": [T.malware], "cryptominers": [T.malware], "ios": [T.malware],
        "threat-actor": [T.intrusion], "mitre-intrusion-set": [T.intrusion],
        "mitre-enterprise-attack-intrusion-set": [T.intrusion], "mitre-mobile-attack-intrusion-set": [T.intrusion],
        "microsoft-activity-group": [T.intrusion], "360net": [T.intrusion],
    ]

    /// Galaxies whose clusters are ATT&CK techniques: classified by technique id, then by name keywords.
    static let galaxyAttackPatterns: Set<String> = [
        "mitre-attack-pattern", "mitre-enterprise-attack-attack-pattern", "mitre-mobile-attack-attack-pattern",
        "mitre-pre-attack-attack-pattern",
    ]

    /// ATT&CK technique ids (without sub-technique) that name a category.
    static let techniques: [String: [String]] = [
        "T1486": [T.ransomware],            // Data Encrypted for Impact
        "T1566": [T.phishing],              // Phishing
        "T1598": [T.phishing],              // Phishing for Information
        "T1192": [T.phishing], "T1193": [T.phishing], "T1194": [T.phishing], // Spearphishing (old ids)
        "T1498": [T.ddos],                  // Network Denial of Service
        "T1499": [T.ddos],                  // Endpoint Denial of Service
        "T1195": [T.supplyChain],           // Supply Chain Compromise
    ]

    /// Categories of an attack-pattern cluster such as `Supply Chain Compromise - T1195` or `Spearphishing
    /// Attachment - T1193`: by its technique id when it has one in `techniques`, else by its name.
    static func attackPatternCategories(_ cluster: String) -> [String] {
        for word in cluster.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) where word.first == "T" {
            let id = String(word)
            if id.count >= 5, let categories = techniques[id] { return categories }
        }
        return ClassificationKeywords.attackPatterns.matches(in: ClassificationFoldedText([cluster])).map(\.category)
    }

    /// `ecsirt`/`rsit` `predicate=value` pairs that differ from their predicate's category.
    static let incidentValues: [String: [String]] = [
        "malicious-code=ransomware": [T.ransomware],
        "availability=dos": [T.ddos], "availability=ddos": [T.ddos],
        "availability=outage": [], "availability=misconfiguration": [], "information-content-security=data-loss": [],
        "availability=sabotage": [T.intrusion],
        "information-content-security=unauthorised-information-modification": [T.intrusion],
        "fraud=phishing": [T.phishing],
        "intrusions=burglary": [T.physical],
        "information-gathering=social-engineering": [T.phishing],
        "vulnerable=ddos-amplifier": [T.vulnerability],
    ]

    /// `ecsirt`/`rsit` predicates (incident classes) → category.
    static let incidentPredicates: [String: [String]] = [
        "malicious-code": [T.malware],
        "intrusions": [T.intrusion],
        "intrusion-attempts": [T.intrusion],
        "information-content-security": [T.dataLeak],
        "fraud": [T.fraud],
        "vulnerable": [T.vulnerability],
    ]

    /// `circl:incident-classification` values.
    static let circl: [String: [String]] = [
        "system-compromise": [T.intrusion], "denial-of-service": [T.ddos], "copyright-issue": [T.fraud],
        "phishing": [T.phishing], "malware": [T.malware], "xss": [T.vulnerability], "vulnerability": [T.vulnerability],
        "fastflux": [T.malware], "sql-injection": [T.vulnerability], "information-leak": [T.dataLeak],
        "scam": [T.fraud], "cryptojacking": [T.malware], "locker": [T.ransomware], "screenlocker": [T.ransomware],
        "wiper": [T.malware],
    ]

    /// `enisa:nefarious-activity-abuse` values, exactly or by their first words.
    static func enisaAbuse(_ value: String) -> [String] {
        if let exact = enisaAbuseValues[value] { return exact }
        for (start, categories) in enisaAbusePrefixes where value.hasPrefix(start) { return categories }
        return []
    }

    static let enisaAbuseValues: [String: [String]] = [
        "ransomware": [T.ransomware], "phishing-attacks": [T.phishing], "spear-phishing-attacks": [T.phishing],
        "social-engineering": [T.phishing], "denial-of-service": [T.ddos],
        "malicious-code-software-activity": [T.malware], "worms-trojans": [T.malware], "rootkits": [T.malware],
        "mobile-malware": [T.malware], "viruses": [T.malware], "spyware-or-deceptive-adware": [T.malware],
        "credentials-stealing-trojans": [T.malware], "rogue-security-software-rogueware-scareware": [T.malware],
        "infected-trusted-mobile-apps": [T.malware], "exploits-exploit-kits": [T.malware],
        "social-engineering-via-signed-malware": [T.malware], "abuse-of-information-leakage": [T.dataLeak],
        "abuse-of-vulnerabilities-0-day-vulnerabilities": [T.vulnerability],
        "elevation-of-privileges": [T.vulnerability], "targeted-attacks": [T.intrusion],
    ]

    static let enisaAbusePrefixes: [(String, [String])] = [
        ("distributed-denial-of-", [T.ddos]),
        ("leakage-", [T.dataLeak]),
        ("identity-theft", [T.fraud]),
        ("web-application-attacks", [T.vulnerability]),
    ]
}
