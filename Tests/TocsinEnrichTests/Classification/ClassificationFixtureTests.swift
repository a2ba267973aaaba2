import TocsinCore
import TocsinTestSupport
import XCTest
@testable import TocsinEnrich

/// Classification of drafts built from values read by hand in real documents of the fixture corpus; each test
/// first checks that the values are in the file, so that the expectation stays tied to the real document.
final class ClassificationFixtureTests: XCTestCase {
    private func assertFixture(_ path: String, contains values: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let text = String(decoding: try Fixtures.data(path, file: file, line: line), as: UTF8.self)
        for value in values {
            XCTAssertTrue(text.contains(value), "\(path) does not contain \(value)", file: file, line: line)
        }
    }

    /// The JSON spelling of a MISP tag name (`"` escaped as `\"`), as it appears in the file.
    private func json(_ tag: String) -> String { tag.replacingOccurrences(of: "\"", with: "\\\"") }

    // MARK: MISP

    func testMISPCIRCLXoristRansomware() throws {
        let tags = ["tlp:white", #"circl:incident-classification="malware""#, #"ms-caro-malware:malware-type="Ransom""#,
                    #"malware_classification:malware-category="Ransomware""#]
        try assertFixture("misp/pymisp/circl-osint-xorist-57c4445b.json", contains: [#""info": "Ransomware - Xorist""#] + tags.map(json))
        let draft = AlertDraft(title: "Ransomware - Xorist", summary: "UPX packed", severity: .low, tlp: .clear,
                               attributes: ["misp.tags": tags.joined(separator: "\n"), "misp.threat_level": "Low",
                                            "tocsin.severitySource": "source"])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["malware", "ransomware"])
        XCTAssertEqual(result.reasons["malware"], #"misp tag circl:incident-classification="malware""#)
        XCTAssertEqual(result.reasons["ransomware"], #"misp tag ms-caro-malware:malware-type="Ransom""#)
        XCTAssertEqual(result.severity, .low)
        XCTAssertNil(result.severityRaisedBecause)
    }

    func testMISPEventWithECSIRTTag() throws {
        let tags = [#"ecsirt:malicious-code="ransomware""#, "for_intelmq_processing"]
        try assertFixture("misp/pymisp/event-ecsirt-tags.json", contains: [#""info": "A Random Event""#] + tags.map(json))
        let draft = AlertDraft(title: "A Random Event", summary: "A Random Event", severity: .high, tlp: .amber,
                               attributes: ["misp.tags": tags.joined(separator: "\n"), "tocsin.severitySource": "source"])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["ransomware"])
        XCTAssertEqual(result.reasons["ransomware"], #"misp tag ecsirt:malicious-code="ransomware""#)
    }

    func testESETTurlaThreatActor() throws {
        let tags = [#"misp-galaxy:threat-actor="Turla Group""#, #"misp-galaxy:mitre-attack-pattern="Component Object Model Hijacking""#,
                    #"misp-galaxy:mitre-attack-pattern="Email Collection""#]
        try assertFixture("misp/eset/turla__misp-turla-outlook-event.json", contains: ["Turla Outlook White Paper"] + tags.map(json))
        let draft = AlertDraft(title: "Turla Outlook White Paper", summary: "Turla Outlook White Paper", severity: .high,
                               tlp: .amber, attributes: ["misp.tags": tags.joined(separator: "\n"),
                                                         "misp.galaxies": tags.joined(separator: "\n")])
        XCTAssertEqual(Classification.classify(draft).categories, ["intrusion"])
    }

    func testESETWinntiSupplyChain() throws {
        let tags = [#"misp-galaxy:threat-actor="Axiom""#, #"misp-galaxy:mitre-attack-pattern="Commonly Used Port - T1043""#,
                    #"misp-galaxy:mitre-attack-pattern="Supply Chain Compromise - T1195""#,
                    #"misp-galaxy:mitre-attack-pattern="Data Encrypted - T1022""#]
        try assertFixture("misp/eset/winnti_group__gaming_supply_chain.misp_event.json",
                          contains: ["Asian gaming industry supply-chain attacks"] + tags.map(json))
        let draft = AlertDraft(title: "Asian gaming industry supply-chain attacks", summary: "", severity: .medium,
                               tlp: .amber, attributes: ["misp.tags": tags.joined(separator: "\n"), "misp.threat_level": "Undefined",
                                                         "tocsin.severitySource": "default"])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["intrusion", "supply-chain"])
        XCTAssertEqual(result.reasons["supply-chain"], #"misp tag misp-galaxy:mitre-attack-pattern="Supply Chain Compromise - T1195""#)
        XCTAssertEqual(result.severity, .medium, "no CVSS, no KEV: the default stays")
    }

    func testESETSignSightHasNoTagsAndIsClassifiedByItsTitle() throws {
        let title = "Operation SignSight: Supply-chain attack against a certification authority in Southeast Asia"
        try assertFixture("misp/eset/signsight__signsight-misp-event.json", contains: [title])
        let result = Classification.classify(AlertDraft(title: title, summary: title, severity: .high, tlp: .amber))
        XCTAssertEqual(result.categories, ["supply-chain"])
        XCTAssertEqual(result.reasons["supply-chain"], "keyword 'supply chain'")
    }

    func testCIRCLSednitGalaxies() throws {
        let tags = ["tlp:white", #"workflow:state="incomplete""#, #"misp-galaxy:threat-actor="Sofacy""#,
                    #"misp-galaxy:exploit-kit="Sednit EK""#, #"misp-galaxy:tool="GAMEFISH""#, #"misp-galaxy:mitre-malware="JHUHUGIT""#]
        let title = "OSINT - Sednit update: How Fancy Bear Spent the Year"
        try assertFixture("misp/pymisp/circl-osint-sednit-existing_event.json", contains: [title] + tags.map(json))
        let draft = AlertDraft(title: title, summary: title, severity: .low, tlp: .clear,
                               attributes: ["misp.tags": tags.joined(separator: "\n")])
        XCTAssertEqual(Classification.classify(draft).categories, ["intrusion", "malware"])
    }

    func testJapaneseGalaxyNamesDoNotBreakClassification() throws {
        let tag = #"misp-galaxy:mitre-intrusion-条イ音態ぞゃご法説イシ技set="APT32 - G0050""#
        let galaxy = #"misp-galaxy:mitre-intrusion-set="APT32 - G0050""#
        try assertFixture("misp/pymisp/event-japanese-unicode.json", contains: [json(tag), json(galaxy)])
        let draft = AlertDraft(title: "Japanese Lorem Ipsum 条イ音態ぞゃご法説イシ技", summary: "", severity: .medium, tlp: .amber,
                               attributes: ["misp.tags": tag, "misp.galaxies": galaxy])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["intrusion"])
        XCTAssertEqual(result.reasons["intrusion"], "misp tag \(galaxy)")
    }

    // MARK: CISA KEV

    func testKEVEntryWithKnownRansomwareUse() throws {
        try assertFixture("cve/kev/known_exploited_vulnerabilities.json", contains: [
            #""cveID": "CVE-2025-49704""#, #""vulnerabilityName": "Microsoft SharePoint Code Injection Vulnerability""#,
        ])
        let catalog = try JSONSerialization.jsonObject(with: Fixtures.data("cve/kev/known_exploited_vulnerabilities.json")) as? [String: Any]
        let entry = (catalog?["vulnerabilities"] as? [[String: Any]])?.first { $0["cveID"] as? String == "CVE-2025-49704" }
        XCTAssertEqual(entry?["knownRansomwareCampaignUse"] as? String, "Known")

        let summary = "Microsoft SharePoint contains a code injection vulnerability that could allow an authorized attacker to execute code over a network. This vulnerability could be chained with CVE-2025-49706."
        let draft = AlertDraft(
            title: "CVE-2025-49704: Microsoft SharePoint Code Injection Vulnerability", summary: summary,
            body: summary + "\nDue date: 2025-07-23\nKnown ransomware campaign use: Known", severity: .medium, tlp: .clear,
            cves: ["CVE-2025-49704"], affectedProducts: [AffectedProduct(vendor: "Microsoft", product: "SharePoint", status: .affected)],
            knownExploited: true, sourceRef: "KEV:CVE-2025-49704",
            attributes: ["tocsin.severitySource": "default", "kev.ransomware": "Known", "kev.dueDate": "2025-07-23"])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["exploited", "ransomware", "vulnerability"])
        XCTAssertEqual(result.reasons["ransomware"], "KEV knownRansomwareCampaignUse Known")
        XCTAssertEqual(result.severity, .high)
        XCTAssertEqual(result.severityRaisedBecause, "known exploited in the wild (KEV) raises it to at least high")
    }

    func testKEVEntryWithUnknownRansomwareUseIsNotRansomware() throws {
        try assertFixture("cve/kev/known_exploited_vulnerabilities.json", contains: [
            #""cveID": "CVE-2025-48384""#, #""vulnerabilityName": "Git Link Following Vulnerability""#,
        ])
        let summary = "Git contains a link following vulnerability that stems from Git’s inconsistent handling of carriage return characters in configuration files."
        let draft = AlertDraft(
            title: "CVE-2025-48384: Git Link Following Vulnerability", summary: summary,
            body: summary + "\nDue date: 2025-09-15\nKnown ransomware campaign use: Unknown", severity: .medium, tlp: .clear,
            cves: ["CVE-2025-48384"], knownExploited: true,
            attributes: ["tocsin.severitySource": "default", "kev.ransomware": "Unknown"])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["exploited", "vulnerability"])
        XCTAssertEqual(result.severity, .high)
    }

    // MARK: CERT-FR

    func testCERTFRAvisWhoseImpactIsADenialOfServiceIsNotDDoS() throws {
        let summary = "Une vulnérabilité a été découverte dans OpenSSL. Elle permet à un attaquant de provoquer un déni de service à distance."
        try assertFixture("cert-fr/rss/cert-fr-feed-avis-actualite.xml",
                          contains: ["Vulnérabilité dans OpenSSL (14 août 2026)", "CERTFR-2026-AVI-1026", summary])
        let draft = AlertDraft(title: "Vulnérabilité dans OpenSSL", summary: summary, severity: .medium, tlp: .clear,
                               sourceRef: "CERTFR-2026-AVI-1026",
                               attributes: ["certfr.kind": "avis", "tocsin.severitySource": "source"])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["advisory", "vulnerability"])
        XCTAssertEqual(result.reasons["advisory"], "CERT-FR series avis")
        XCTAssertEqual(result.reasons["vulnerability"], "keyword 'vulnérabilité'")
    }

    func testCERTFRAlertAboutARansomwareCompromise() throws {
        let summary = "\\[Mise à jour du 10 mai 2024\\] Le CERT-FR est intervenu pour le traitement d'une compromission par rançongiciel au sein d'une entité française. Dans le cadre de cette attaque, la vulnérabilité a été exploitée pour ensuite réaliser une latéralisation dans le système d'information de la victime et..."
        try assertFixture("cert-fr/rss/cert-fr-alertes-feed.xml", contains: [
            "[MàJ] Vulnérabilité dans Palo Alto Networks GlobalProtect (12 avril 2024)", "CERTFR-2024-ALE-006", summary,
        ])
        let draft = AlertDraft(title: "Vulnérabilité dans Palo Alto Networks GlobalProtect", summary: summary, severity: .critical,
                               tlp: .clear, sourceRef: "CERTFR-2024-ALE-006",
                               attributes: ["certfr.kind": "alerte", "certfr.updated": "true", "tocsin.severitySource": "source"])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["alert", "vulnerability", "intrusion", "ransomware", "exploited"])
        XCTAssertEqual(result.reasons["ransomware"], "keyword 'rançongiciel'")
        XCTAssertEqual(result.reasons["exploited"], "keyword 'a été exploité'")
        XCTAssertEqual(result.severity, .critical)
    }

    func testCERTFRAlertAboutADataLeak() throws {
        try assertFixture("cert-fr/rss/cert-fr-alertes-feed.xml", contains: [
            "[MàJ] Incident affectant les solutions AnyDesk (05 février 2024)", "victime d'une fuite de données",
        ])
        let summary = "\\[Mise à jour du 27 février 2024\\] Le 29 janvier 2024 l'ANSSI a été alertée par le BSI que l'éditeur AnyDesk Software GmbH a été victime d'une fuite de données. Le code source des applications développées par l'éditeur ainsi que des certificats et clés privées pourraient avoir été dérobés. De..."
        try assertFixture("cert-fr/rss/cert-fr-alertes-feed.xml", contains: [summary])
        let draft = AlertDraft(title: "Incident affectant les solutions AnyDesk", summary: summary, severity: .high, tlp: .clear,
                               attributes: ["certfr.kind": "alerte"])
        XCTAssertEqual(Classification.classify(draft).categories, ["alert", "data-leak"])
    }

    func testCERTFRAlertAboutActivelyExploitedCiscoFlaws() throws {
        let summary = "Le 24 avril 2024, Cisco a publié trois avis de sécurité concernant des vulnérabilités affectant les équipements de sécurité ASA et FTD. Deux d'entre eux concernent les vulnérabilités CVE-2024-20353 et CVE-2024-20359 qui sont activement exploitées dans le cadre d'attaques ciblées. La vulnérabilité..."
        try assertFixture("cert-fr/rss/cert-fr-alertes-feed.xml", contains: ["Multiples vulnérabilités dans les produits Cisco (25 avril 2024)", summary])
        let draft = AlertDraft(title: "Multiples vulnérabilités dans les produits Cisco", summary: summary, severity: .critical,
                               tlp: .clear, cves: ["CVE-2024-20353", "CVE-2024-20359"], attributes: ["certfr.kind": "alerte"])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["alert", "vulnerability", "exploited"])
        XCTAssertEqual(result.reasons["vulnerability"], "CVE ids CVE-2024-20353 and 1 more")
        XCTAssertEqual(result.reasons["exploited"], "keyword 'activement exploité'")
    }

    // MARK: CAP

    func testCAPThunderstormIsPhysicalAndRaisedOneLevel() throws {
        try assertFixture("cap/cap12-spec-A2-thunderstorm.xml", contains: [
            "<category>Met</category>", "<event>SEVERE THUNDERSTORM</event>", "<urgency>Immediate</urgency>",
            "<severity>Severe</severity>", "<certainty>Observed</certainty>", "<headline>SEVERE THUNDERSTORM WARNING</headline>",
        ])
        let draft = AlertDraft(title: "SEVERE THUNDERSTORM WARNING", summary: "", severity: .high, tlp: .clear, attributes: [
            "cap.category": "Met", "cap.event": "SEVERE THUNDERSTORM", "cap.urgency": "Immediate", "cap.severity": "Severe",
            "cap.certainty": "Observed", "tocsin.severitySource": "source",
        ])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["physical"])
        XCTAssertEqual(result.reasons["physical"], "CAP category Met")
        XCTAssertEqual(result.severity, .critical)
        XCTAssertEqual(result.severityRaisedBecause, "CAP urgency Immediate and certainty Observed raise it one level")
    }

    func testCAPHomelandSecurityAdvisoryIsPhysical() throws {
        try assertFixture("cap/cap12-spec-A1-homeland-security.xml", contains: [
            "<category>Security</category>", "<event>Homeland Security Advisory System Update</event>",
            "<urgency>Immediate</urgency>", "<certainty>Likely</certainty>",
        ])
        let draft = AlertDraft(title: "Homeland Security Sets Code ORANGE", summary: "", severity: .high, tlp: .clear, attributes: [
            "cap.category": "Security", "cap.event": "Homeland Security Advisory System Update", "cap.urgency": "Immediate",
            "cap.severity": "Severe", "cap.certainty": "Likely", "tocsin.severitySource": "source",
        ])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["physical"])
        XCTAssertEqual(result.severity, .critical)
    }

    func testCAPBlizzardExpectedIsNotRaised() throws {
        try assertFixture("cap/nws-blizzard-warning-cap11.xml", contains: [
            "<category>Met</category>", "<event>Blizzard Warning</event>", "<urgency>Expected</urgency>", "<certainty>Likely</certainty>",
        ])
        let draft = AlertDraft(title: "Blizzard Warning", summary: "", severity: .high, tlp: .clear, attributes: [
            "cap.category": "Met", "cap.event": "Blizzard Warning", "cap.urgency": "Expected", "cap.severity": "Severe",
            "cap.certainty": "Likely", "tocsin.severitySource": "source",
        ])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["physical"])
        XCTAssertEqual(result.severity, .high)
        XCTAssertNil(result.severityRaisedBecause)
    }

    // MARK: CSAF

    func testCSAFMedicalAdvisoryForPhilipsVuePACS() throws {
        try assertFixture("csaf/cisa/icsma-24-200-01.json", contains: [
            #""category": "csaf_security_advisory""#, #""title": "Philips Vue PACS""#, #""id": "ICSMA-24-200-01""#,
        ])
        let draft = AlertDraft(title: "Philips Vue PACS", summary: "", severity: .critical, tlp: .clear,
                               affectedProducts: [AffectedProduct(vendor: "Philips", product: "Vue PACS")],
                               sourceRef: "ICSMA-24-200-01",
                               attributes: ["csaf.category": "csaf_security_advisory", "tocsin.severitySource": "cvss"])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["advisory", "vulnerability", "medical-device"])
        XCTAssertEqual(result.reasons["medical-device"], "CISA ICS medical advisory ICSMA-24-200-01")
    }

    func testCSAFMedicalAdvisoryForADICOMViewerFoundByKeyword() throws {
        try assertFixture("csaf/cisa/icsma-24-163-01.json", contains: [#""title": "MicroDicom DICOM Viewer""#])
        // Without the ICSMA id, as another publisher of the same advisory would send it.
        let draft = AlertDraft(title: "MicroDicom DICOM Viewer", summary: "", severity: .high, tlp: .clear,
                               attributes: ["csaf.category": "csaf_security_advisory"])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["advisory", "vulnerability", "medical-device"])
        XCTAssertEqual(result.reasons["medical-device"], "keyword 'dicom'")
    }

    func testCSAFInformationalAdvisoryIsOnlyAnAdvisory() throws {
        let title = "Red Hat Security Advisory: Red Hat OpenShift Enterprise one-month end-of-life notice"
        try assertFixture("csaf/oasis/rhsa-2019_1862.json", contains: [#""category": "csaf_informational_advisory""#, title])
        let draft = AlertDraft(title: title, summary: "", severity: .low, tlp: .clear,
                               attributes: ["csaf.category": "csaf_informational_advisory"])
        XCTAssertEqual(Classification.classify(draft).categories, ["advisory"])
    }

    func testCSAFWithAVendorCategoryIsAnAdvisory() throws {
        let title = "Cisco IOS and IOS XE Software Smart Install Remote Code Execution Vulnerability"
        try assertFixture("csaf/oasis/cisco-sa-20180328-smi2.json", contains: [#""category": "Cisco Security Advisory""#, title])
        let draft = AlertDraft(title: title, summary: "", severity: .critical, tlp: .clear,
                               attributes: ["csaf.category": "Cisco Security Advisory"])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["advisory", "vulnerability"])
        XCTAssertEqual(result.reasons["vulnerability"], "keyword 'vulnerability'")
    }

    // MARK: STIX

    func testSTIXAPT1Report() throws {
        try assertFixture("stix/oasis-examples/apt1.json", contains: [
            "APT1: Exposing One of China's Cyber Espionage Units", #""type": "intrusion-set""#, #""type": "report""#,
            "remote-access-trojan", "threat-report",
        ])
        let draft = AlertDraft(title: "APT1: Exposing One of China's Cyber Espionage Units", summary: "", severity: .medium,
                               tlp: .clear, attributes: [
                                   "stix.types": "attack-pattern\nidentity\nindicator\nintrusion-set\nmalware\nrelationship\nreport\nthreat-actor\ntool",
                                   "stix.malware_types": "backdoor\ndropper\nkeylogger\nremote-access-trojan",
                                   "stix.report_types": "threat-report\nthreat-actor", "tocsin.severitySource": "default",
                               ])
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["threat-intel", "intrusion", "malware"])
        XCTAssertEqual(result.reasons["intrusion"], "STIX object type intrusion-set")
    }

    func testSTIXAttackPatternsFromCTIDocumentation() throws {
        try assertFixture("stix/oasis-cti-documentation/defining-campaigns-threat-actors-intrusion-sets.json",
                          contains: [#""name": "HTTP Flood""#, #""name": "Content Spoofing""#])
        let draft = AlertDraft(title: "Campaign", summary: "", severity: .medium, tlp: .clear, attributes: [
            "stix.types": "attack-pattern\ncampaign\nidentity\nintrusion-set\nrelationship\nthreat-actor",
            "stix.attack_patterns": "Content Spoofing\nHTTP Flood",
        ])
        XCTAssertEqual(Classification.classify(draft).categories, ["intrusion", "ddos"])
    }
}
