/// Tocsin's alert categories: the small, stable vocabulary subscribers filter on and emails show.
///
/// Every alert carries one or more of these lower-case names in `categories` (plus any category its publisher
/// stated itself, kept as given). The names are wire names: they appear in the API, webhooks, feeds and
/// subscription filters, and never change meaning. Each has a French and an English label for messages.
///
/// | Name             | Français                         | English                          | Means                                                                 |
/// |------------------|----------------------------------|----------------------------------|-----------------------------------------------------------------------|
/// | `ransomware`     | Rançongiciel                     | Ransomware                       | ransomware, or a flaw known to be used in ransomware campaigns         |
/// | `malware`        | Code malveillant                 | Malware                          | malicious software other than ransomware: trojans, backdoors, spyware… |
/// | `phishing`       | Hameçonnage                      | Phishing                         | phishing, spear-phishing, smishing, social engineering                 |
/// | `data-leak`      | Fuite de données                 | Data leak                        | data breach, leak or exfiltration                                      |
/// | `ddos`           | Déni de service distribué        | DDoS                             | denial-of-service attacks (not a flaw whose impact is a crash)         |
/// | `vulnerability`  | Vulnérabilité                    | Vulnerability                    | a software or hardware flaw, with or without a CVE id                  |
/// | `exploited`      | Exploitation active              | Exploited in the wild            | a flaw known to be exploited (CISA KEV, or the source says so)         |
/// | `intrusion`      | Intrusion                        | Intrusion                        | compromise, APT or intrusion set, post-exploitation activity           |
/// | `fraud`          | Fraude                           | Fraud                            | scams, CEO fraud, false transfer orders, identity theft                |
/// | `supply-chain`   | Chaîne d'approvisionnement       | Supply chain                     | an attack through a supplier, a software package or an update          |
/// | `medical-device` | Dispositif médical               | Medical device                   | medical devices and health IT: pumps, monitors, DICOM, HL7, PACS…      |
/// | `advisory`       | Avis de sécurité                 | Security advisory                | a vendor or CERT advisory (CERT-FR avis, CSAF document)                |
/// | `alert`          | Alerte                           | Alert                            | a CERT alert: an urgent threat that calls for action now               |
/// | `threat-intel`   | Renseignement sur la menace      | Threat intelligence              | indicators of compromise, a threat or CTI report                       |
/// | `physical`       | Événement physique               | Physical event                   | a non-cyber event (CAP weather, earthquake, fire, public safety…)      |
/// | `other`          | Autre                            | Other                            | nothing above applied                                                  |
///
/// Where categories come from, in the order they are listed on an alert:
/// 1. Categories the publisher stated (the draft's own `categories`), kept.
/// 2. The source's own taxonomy, mapped by explicit tables: CSAF `document.category`, CERT-FR series
///    (alerte, avis, cti, ioc…), CAP `category`, MISP tags and galaxies (`misp-galaxy:*`, `ecsirt`, `rsit`, `circl`,
///    `enisa`, `malware_classification`, `ms-caro-malware`), STIX object types, malware types, report types and
///    labels, RSS/Atom categories, CVE state, CISA KEV ransomware use, the known-exploited flag, CVE ids, CVSS
///    scores, indicators and CISA ICS medical advisory ids (`ICSMA-…`).
/// 3. Keywords in the title, summary, body and affected product names, in French and English
///    (`ClassificationKeywords`); matching ignores case and accents and only matches whole words (`ransom` does
///    not match `transom`); a keyword closely preceded by a negation in the same sentence ("not", "no", "pas",
///    "aucune"…) does not count. Keywords never give `advisory`, `alert` or `physical`, which say what kind of
///    document the alert is, and plain "déni de service" / "denial of service" (a flaw's impact) is not `ddos`.
/// 4. `other` when none of the above gave a category.
///
/// Each category comes with a reason (`misp tag ecsirt:malicious-code="ransomware"`, `keyword 'rançongiciel'`,
/// `CERT-FR series alerte`…). Classification also normalises the severity; `ClassificationSeverity` lists the rules.
public enum ClassificationTaxonomy {
    public static let ransomware = "ransomware"
    public static let malware = "malware"
    public static let phishing = "phishing"
    public static let dataLeak = "data-leak"
    public static let ddos = "ddos"
    public static let vulnerability = "vulnerability"
    public static let exploited = "exploited"
    public static let intrusion = "intrusion"
    public static let fraud = "fraud"
    public static let supplyChain = "supply-chain"
    public static let medicalDevice = "medical-device"
    public static let advisory = "advisory"
    public static let alert = "alert"
    public static let threatIntel = "threat-intel"
    public static let physical = "physical"
    public static let other = "other"

    /// One category with the labels messages show and a one-line meaning.
    public struct Category: Sendable, Hashable {
        /// The wire name, lower-case.
        public let name: String
        public let french: String
        public let english: String
        /// What the category covers, in one English line, for documentation and the API.
        public let meaning: String
    }

    /// Every category, in the order the table above lists them.
    public static let all: [Category] = [
        Category(name: ransomware, french: "Rançongiciel", english: "Ransomware",
                 meaning: "ransomware, or a flaw known to be used in ransomware campaigns"),
        Category(name: malware, french: "Code malveillant", english: "Malware",
                 meaning: "malicious software other than ransomware: trojans, backdoors, spyware, botnets"),
        Category(name: phishing, french: "Hameçonnage", english: "Phishing",
                 meaning: "phishing, spear-phishing, smishing, social engineering"),
        Category(name: dataLeak, french: "Fuite de données", english: "Data leak",
                 meaning: "data breach, leak or exfiltration"),
        Category(name: ddos, french: "Déni de service distribué", english: "DDoS",
                 meaning: "denial-of-service attacks, not flaws whose impact is a crash"),
        Category(name: vulnerability, french: "Vulnérabilité", english: "Vulnerability",
                 meaning: "a software or hardware flaw, with or without a CVE id"),
        Category(name: exploited, french: "Exploitation active", english: "Exploited in the wild",
                 meaning: "a flaw known to be exploited (CISA KEV, or the source says so)"),
        Category(name: intrusion, french: "Intrusion", english: "Intrusion",
                 meaning: "compromise, APT or intrusion set, post-exploitation activity"),
        Category(name: fraud, french: "Fraude", english: "Fraud",
                 meaning: "scams, CEO fraud, false transfer orders, identity theft"),
        Category(name: supplyChain, french: "Chaîne d'approvisionnement", english: "Supply chain",
                 meaning: "an attack through a supplier, a software package or an update"),
        Category(name: medicalDevice, french: "Dispositif médical", english: "Medical device",
                 meaning: "medical devices and health IT: infusion pumps, patient monitors, DICOM, HL7, PACS"),
        Category(name: advisory, french: "Avis de sécurité", english: "Security advisory",
                 meaning: "a vendor or CERT advisory (CERT-FR avis, CSAF document)"),
        Category(name: alert, french: "Alerte", english: "Alert",
                 meaning: "a CERT alert: an urgent threat that calls for action now"),
        Category(name: threatIntel, french: "Renseignement sur la menace", english: "Threat intelligence",
                 meaning: "indicators of compromise, a threat or CTI report"),
        Category(name: physical, french: "Événement physique", english: "Physical event",
                 meaning: "a non-cyber event: CAP weather, earthquake, fire, public safety"),
        Category(name: other, french: "Autre", english: "Other",
                 meaning: "no rule gave a category"),
    ]

    private static let byName: [String: Category] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The category with this wire name, or nil for a name outside Tocsin's taxonomy (a publisher's own).
    public static func category(named name: String) -> Category? { byName[name] }

    /// The label to show for a category name in `language` (`fr` or anything else for English); a name outside
    /// the taxonomy is shown as it is.
    public static func label(for name: String, language: String) -> String {
        guard let category = byName[name] else { return name }
        return language.lowercased().hasPrefix("fr") ? category.french : category.english
    }
}
