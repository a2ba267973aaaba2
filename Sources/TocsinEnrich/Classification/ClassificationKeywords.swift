/// The keyword rules, French and English, that classify an alert by its text.
///
/// The rules favour precision over recall: a security officer filtering on `ddos` wants denial-of-service
/// attacks, not every advisory whose flaw can crash a service ("déni de service à distance" is the impact
/// CERT-FR lists in most avis), so plain "déni de service" is not a `ddos` keyword. Likewise `exploited` needs
/// "activement exploitée", "exploited in the wild" and the like, never a bare "exploitation" (which also names
/// operating systems: "systèmes d'exploitation"), and `intrusion` takes "compromission" but not "indicateurs de
/// compromission", which is `threat-intel`. Bare "virus" is left out because health alerts use it for biology, and
/// "malicious code" because vulnerability descriptions say "execute malicious code". `advisory`, `alert` and
/// `physical` have no keywords: they say what kind of document an alert is, which only its source knows.
enum ClassificationKeywords {
    private typealias T = ClassificationTaxonomy

    /// Rules over an alert's title, summary, body and affected product names.
    static let text = ClassificationKeywordMatcher(textRules)

    /// Rules over ATT&CK and STIX attack-pattern names ("Spearphishing Attachment", "HTTP Flood", "Supply Chain
    /// Compromise"), where a denial-of-service technique does mean an attack.
    static let attackPatterns = ClassificationKeywordMatcher(attackPatternRules)

    static let textRules: [ClassificationKeywordRule] = [
        // ransomware
        .init("ransomware*", T.ransomware), .init("ransom", T.ransomware), .init("ransoms", T.ransomware),
        .init("rançongiciel*", T.ransomware), .init("rançon", T.ransomware), .init("rançons", T.ransomware),
        .init("logiciel* de rançon*", T.ransomware), .init("cryptolocker*", T.ransomware),

        // malware
        .init("malware*", T.malware), .init("maliciel*", T.malware), .init("logiciel* malveillant*", T.malware),
        .init("code* malveillant*", T.malware),
        .init("malicious software", T.malware), .init("trojan*", T.malware), .init("cheval de troie", T.malware),
        .init("chevaux de troie", T.malware), .init("backdoor*", T.malware), .init("porte* dérobée*", T.malware),
        .init("spyware*", T.malware), .init("logiciel* espion*", T.malware), .init("botnet*", T.malware),
        .init("infostealer*", T.malware), .init("stealer*", T.malware), .init("rootkit*", T.malware),
        .init("keylogger*", T.malware), .init("webshell*", T.malware), .init("web shell*", T.malware),
        .init("dropper*", T.malware), .init("wiper*", T.malware), .init("computer virus*", T.malware),
        .init("virus informatique*", T.malware), .init("cryptojack*", T.malware),

        // phishing
        .init("phishing", T.phishing), .init("spearphishing", T.phishing), .init("hameçonnage*", T.phishing),
        .init("filoutage", T.phishing), .init("smishing", T.phishing), .init("vishing", T.phishing),
        .init("quishing", T.phishing), .init("social engineering", T.phishing),
        .init("ingénierie sociale", T.phishing), .init("credential harvesting", T.phishing),
        .init("faux courriel*", T.phishing), .init("courriel* frauduleux", T.phishing),

        // data-leak
        .init("fuite* de données", T.dataLeak), .init("fuite* d'informations", T.dataLeak),
        .init("data leak*", T.dataLeak), .init("data breach*", T.dataLeak), .init("breach", T.dataLeak),
        .init("breaches", T.dataLeak), .init("exfiltration*", T.dataLeak), .init("exfiltrated", T.dataLeak),
        .init("exfiltrating", T.dataLeak), .init("exfiltré*", T.dataLeak), .init("violation* de données", T.dataLeak), .init("vol de données", T.dataLeak),
        .init("data theft", T.dataLeak), .init("stolen data", T.dataLeak), .init("données dérobées", T.dataLeak),
        .init("données volées", T.dataLeak), .init("leaked data", T.dataLeak), .init("data leaked", T.dataLeak),

        // ddos
        .init("ddos", T.ddos), .init("déni de service distribué", T.ddos),
        .init("distributed denial-of-service", T.ddos), .init("attaque* par déni de service", T.ddos),
        .init("attaque* en déni de service", T.ddos), .init("denial of service attack campaign*", T.ddos),
        .init("dos attack*", T.ddos), .init("noname057*", T.ddos),

        // vulnerability
        .init("vulnérabilité", T.vulnerability), .init("vulnérabilités", T.vulnerability),
        .init("vulnerability", T.vulnerability), .init("vulnerabilities", T.vulnerability),
        .init("cve # #", T.vulnerability, shown: "CVE-…"), .init("faille* de sécurité", T.vulnerability),
        .init("security flaw*", T.vulnerability), .init("zero-day", T.vulnerability),
        .init("zéro-jour", T.vulnerability), .init("jour-zéro", T.vulnerability), .init("0-day", T.vulnerability),

        // exploited
        .init("actively exploited", T.exploited), .init("exploited in the wild", T.exploited),
        .init("exploitation in the wild", T.exploited), .init("exploited in attacks", T.exploited),
        .init("active exploitation", T.exploited), .init("known exploited", T.exploited),
        .init("being exploited", T.exploited), .init("has been exploited", T.exploited),
        .init("have been exploited", T.exploited), .init("in the wild", T.exploited),
        .init("activement exploité*", T.exploited), .init("exploité* activement", T.exploited),
        .init("exploitation active", T.exploited), .init("exploitations actives", T.exploited),
        .init("exploité* dans la nature", T.exploited), .init("exploité* dans le cadre d'attaque*", T.exploited),
        .init("a été exploité*", T.exploited), .init("ont été exploité*", T.exploited),
        .init("tentative* d'exploitation*", T.exploited), .init("exploitations de vulnérabilité*", T.exploited),
        .init("connaissance de multiples exploitation*", T.exploited),
        .init("connaissance d'exploitation*", T.exploited),

        // intrusion
        .init("intrusion*", T.intrusion), .init("compromission*", T.intrusion),
        .init("apt#", T.intrusion, shown: "APT…"), .init("apt group*", T.intrusion), .init("groupe* apt", T.intrusion),
        .init("advanced persistent threat*", T.intrusion), .init("intrusion set*", T.intrusion),
        .init("mode* opératoire*", T.intrusion), .init("lateral movement", T.intrusion),
        .init("latéralisation", T.intrusion), .init("post-exploitation", T.intrusion),
        .init("incident* de sécurité", T.intrusion), .init("security incident*", T.intrusion),

        // fraud
        .init("fraude*", T.fraud), .init("fraud*", T.fraud), .init("escroquerie*", T.fraud),
        .init("arnaque*", T.fraud), .init("scam", T.fraud), .init("scams", T.fraud), .init("scammer*", T.fraud),
        .init("faux ordre* de virement", T.fraud), .init("fovi", T.fraud),
        .init("business email compromise", T.fraud), .init("identity theft", T.fraud),
        .init("faux support* technique*", T.fraud), .init("tech support scam*", T.fraud),

        // supply-chain
        .init("supply chain", T.supplyChain), .init("chaîne d'approvisionnement", T.supplyChain),
        .init("chaîne de sous-traitance", T.supplyChain), .init("typosquat*", T.supplyChain),
        .init("dependency confusion", T.supplyChain), .init("malicious package*", T.supplyChain),
        .init("paquet* malveillant*", T.supplyChain),

        // medical-device
        .init("dispositif* médical", T.medicalDevice), .init("dispositif* médicaux", T.medicalDevice), .init("medical device*", T.medicalDevice),
        .init("infusion pump*", T.medicalDevice), .init("pompe* à perfusion", T.medicalDevice),
        .init("pousse-seringue*", T.medicalDevice), .init("insulin pump*", T.medicalDevice),
        .init("pompe* à insuline", T.medicalDevice), .init("patient monitor*", T.medicalDevice),
        .init("moniteur* patient*", T.medicalDevice), .init("moniteur* de surveillance", T.medicalDevice),
        .init("dicom", T.medicalDevice), .init("hl7", T.medicalDevice), .init("pacs", T.medicalDevice),
        .init("fhir", T.medicalDevice), .init("pacemaker*", T.medicalDevice),
        .init("stimulateur* cardiaque*", T.medicalDevice), .init("défibrillateur*", T.medicalDevice),
        .init("defibrillator*", T.medicalDevice), .init("medical imaging", T.medicalDevice),
        .init("imagerie médicale", T.medicalDevice), .init("medical ventilator*", T.medicalDevice),
        .init("biomédical*", T.medicalDevice), .init("biomedical", T.medicalDevice),
        .init("icsma", T.medicalDevice, shown: "ICSMA"), .init("ics medical", T.medicalDevice),

        // threat-intel
        .init("ioc", T.threatIntel), .init("iocs", T.threatIntel), .init("indicator* of compromise", T.threatIntel),
        .init("indicateur* de compromission", T.threatIntel), .init("threat intelligence", T.threatIntel),
        .init("renseignement sur la menace", T.threatIntel), .init("cti", T.threatIntel),
        .init("threat report*", T.threatIntel), .init("rapport* de menace", T.threatIntel),
        .init("état de la menace", T.threatIntel), .init("yara", T.threatIntel),

        // Guards: phrases that contain a keyword but do not mean its category.
        // "systèmes d'exploitation" are operating systems.
        .init("système* d'exploitation", nil),
        // Intrusion detection and prevention systems are products, not intrusions.
        .init("intrusion detection", nil), .init("intrusion prevention", nil),
        .init("détection* d'intrusion*", nil), .init("prévention* d'intrusion*", nil),
        // The line the KEV catalogue adds to every entry whose ransomware use is not known.
        .init("known ransomware campaign use: unknown", nil),
    ]

    static let attackPatternRules: [ClassificationKeywordRule] = [
        .init("phishing", T.phishing), .init("spearphishing", T.phishing), .init("spear phishing", T.phishing),
        .init("social engineering", T.phishing),
        .init("denial of service", T.ddos), .init("flood", T.ddos), .init("ddos", T.ddos),
        .init("supply chain", T.supplyChain),
        .init("data encrypted for impact", T.ransomware), .init("ransomware", T.ransomware),
    ]
}
