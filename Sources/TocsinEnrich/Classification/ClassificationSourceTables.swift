/// How each source's own vocabulary maps onto Tocsin's categories: one explicit table per source field.
///
/// Keys are lower-case; a value absent from a table gives no category (it is not guessed at).
enum ClassificationSourceTables {
    private typealias T = ClassificationTaxonomy

    /// CSAF `document.category` (`csaf.category`). Every CSAF document is an advisory; the security advisory and
    /// VEX profiles are about vulnerabilities. A category outside the profiles is a `csaf_base` document.
    static let csafCategories: [String: [String]] = [
        "csaf_security_advisory": [T.advisory, T.vulnerability],
        "csaf_vex": [T.advisory, T.vulnerability],
        "csaf_security_incident_response": [T.advisory, T.intrusion],
        "csaf_informational_advisory": [T.advisory],
        "csaf_base": [T.advisory],
        "csaf_withdrawn": [T.advisory],
        "csaf_superseded": [T.advisory],
    ]
    static let csafOtherCategory: [String] = [T.advisory]

    /// CERT-FR document series (`certfr.kind`): alerts are urgent, avis and hardening guides are advisories,
    /// CTI reports and IOC lists are threat intelligence; news bulletins (`actualite`) and information notes are
    /// classified by their text only.
    static let certfrKinds: [String: [String]] = [
        "alerte": [T.alert],
        "avis": [T.advisory],
        "dur": [T.advisory],
        "cti": [T.threatIntel],
        "ioc": [T.threatIntel],
        "actualite": [],
        "information": [],
    ]

    /// CAP `info.category` (`cap.category`): every CAP category but `Other` is a non-cyber event.
    static let capCategories: [String: [String]] = [
        "geo": [T.physical], "met": [T.physical], "safety": [T.physical], "security": [T.physical],
        "rescue": [T.physical], "fire": [T.physical], "health": [T.physical], "env": [T.physical],
        "transport": [T.physical], "infra": [T.physical], "cbrne": [T.physical], "other": [],
    ]

    /// STIX object types present in a bundle (`stix.types`).
    static let stixTypes: [String: [String]] = [
        "malware": [T.malware],
        "vulnerability": [T.vulnerability],
        "intrusion-set": [T.intrusion],
        "threat-actor": [T.intrusion],
        "campaign": [T.intrusion],
        "indicator": [T.threatIntel],
        "observed-data": [T.threatIntel],
        "sighting": [T.threatIntel],
        "report": [T.threatIntel],
        "infrastructure": [T.threatIntel],
    ]

    /// STIX open vocabularies (`stix.malware_types`, `stix.report_types`, and plain `stix.labels`): the 2.1
    /// malware-type and report-type vocabularies and the 2.0 malware labels.
    static let stixVocabulary: [String: [String]] = [
        "ransomware": [T.ransomware],
        "ddos": [T.ddos],
        "adware": [T.malware], "backdoor": [T.malware], "bot": [T.malware], "bootkit": [T.malware],
        "downloader": [T.malware], "dropper": [T.malware], "exploit-kit": [T.malware], "keylogger": [T.malware],
        "remote-access-trojan": [T.malware], "rat": [T.malware], "resource-exploitation": [T.malware],
        "rogue-security-software": [T.malware], "rootkit": [T.malware], "screen-capture": [T.malware],
        "spyware": [T.malware], "trojan": [T.malware], "virus": [T.malware], "webshell": [T.malware],
        "wiper": [T.malware], "worm": [T.malware], "malware": [T.malware],
        "threat-report": [T.threatIntel], "threat-actor": [T.threatIntel, T.intrusion],
        "intrusion-set": [T.threatIntel, T.intrusion], "campaign": [T.threatIntel, T.intrusion],
        "vulnerability": [T.vulnerability], "indicator": [T.threatIntel], "observed-data": [T.threatIntel],
        "attack-pattern": [T.threatIntel], "phishing": [T.phishing],
    ]

    /// CVE record state (`cve.state`): a published record describes a vulnerability; a rejected one nothing.
    static let cveStates: [String: [String]] = [
        "published": [T.vulnerability],
        "rejected": [],
    ]
}
