import TocsinCore
import XCTest
@testable import TocsinEnrich

final class ClassificationSourceMappingTests: XCTestCase {
    /// A draft whose text says nothing, so that only the source's taxonomy classifies it.
    private func draft(_ attributes: [String: String], title: String = "Bulletin 42") -> AlertDraft {
        AlertDraft(title: title, summary: "", severity: .medium, tlp: .clear, attributes: attributes)
    }

    private func categories(_ attributes: [String: String]) -> [String] {
        Classification.classify(draft(attributes)).categories
    }

    func testCSAFCategories() {
        let table: [(String, [String])] = [
            ("csaf_security_advisory", ["advisory", "vulnerability"]),
            ("csaf_vex", ["advisory", "vulnerability"]),
            ("csaf_informational_advisory", ["advisory"]),
            ("csaf_base", ["advisory"]),
            ("csaf_security_incident_response", ["advisory", "intrusion"]),
            ("Cisco Security Advisory", ["advisory"]),
        ]
        for (category, expected) in table {
            XCTAssertEqual(categories(["csaf.category": category]), expected, category)
        }
        XCTAssertEqual(Classification.classify(draft(["csaf.category": "csaf_vex"])).reasons["advisory"], "CSAF category csaf_vex")
    }

    func testCERTFRSeries() {
        let table: [(String, [String])] = [
            ("alerte", ["alert"]), ("avis", ["advisory"]), ("dur", ["advisory"]), ("cti", ["threat-intel"]),
            ("ioc", ["threat-intel"]), ("actualite", ["other"]), ("information", ["other"]),
        ]
        for (kind, expected) in table {
            XCTAssertEqual(categories(["certfr.kind": kind]), expected, kind)
        }
    }

    func testCAPCategories() {
        for category in ["Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE"] {
            XCTAssertEqual(categories(["cap.category": category]), ["physical"], category)
        }
        XCTAssertEqual(categories(["cap.category": "Other"]), ["other"])
        XCTAssertEqual(categories(["cap.category": "Met\nHealth"]), ["physical"])
    }

    func testMISPTagParsing() {
        let tag = ClassificationMISPTag(#"misp-galaxy:ransomware="LockBit""#)
        XCTAssertEqual(tag?.namespace, "misp-galaxy")
        XCTAssertEqual(tag?.predicate, "ransomware")
        XCTAssertEqual(tag?.value, "LockBit")
        XCTAssertEqual(ClassificationMISPTag("tlp:amber")?.predicate, "amber")
        XCTAssertNil(ClassificationMISPTag("ESET"))
        XCTAssertNil(ClassificationMISPTag("PasteBin MALWAREMESSIAGH"))
        XCTAssertEqual(ClassificationMISPTag("PasteBin: MALWAREMESSIAGH")?.categories, [])
    }

    func testMISPTags() {
        let table: [(String, [String])] = [
            (#"misp-galaxy:ransomware="LockBit""#, ["ransomware"]),
            (#"misp-galaxy:malpedia="Emotet""#, ["malware"]),
            (#"misp-galaxy:mitre-malware="CHOPSTICK""#, ["malware"]),
            (#"misp-galaxy:tool="X-Agent""#, ["malware"]),
            (#"misp-galaxy:exploit-kit="Sednit EK""#, ["malware"]),
            (#"misp-galaxy:banker="Gozi""#, ["malware"]),
            (#"misp-galaxy:threat-actor="Sofacy""#, ["intrusion"]),
            (#"misp-galaxy:mitre-intrusion-set="APT32 - G0050""#, ["intrusion"]),
            (#"misp-galaxy:mitre-attack-pattern="Supply Chain Compromise - T1195""#, ["supply-chain"]),
            (#"misp-galaxy:mitre-attack-pattern="Spearphishing Attachment - T1193""#, ["phishing"]),
            (#"misp-galaxy:mitre-attack-pattern="Data Encrypted for Impact - T1486""#, ["ransomware"]),
            (#"misp-galaxy:mitre-attack-pattern="Network Denial of Service - T1498""#, ["ddos"]),
            (#"misp-galaxy:mitre-attack-pattern="Phishing - T1566.001""#, ["phishing"]),
            (#"misp-galaxy:mitre-attack-pattern="Exfiltration to Cloud Storage - T1567.002""#, []),
            (#"misp-galaxy:sector="Health""#, []),
            (#"ecsirt:malicious-code="ransomware""#, ["ransomware"]),
            (#"ecsirt:malicious-code="trojan""#, ["malware"]),
            (#"ecsirt:availability="ddos""#, ["ddos"]),
            (#"ecsirt:availability="outage""#, []),
            (#"ecsirt:fraud="phishing""#, ["phishing"]),
            (#"ecsirt:fraud="masquerade""#, ["fraud"]),
            (#"ecsirt:intrusions="compromised""#, ["intrusion"]),
            (#"ecsirt:information-content-security="Unauthorised-information-access""#, ["data-leak"]),
            (#"ecsirt:vulnerable="vulnerable-service""#, ["vulnerability"]),
            (#"ecsirt:other="other""#, []),
            (#"rsit:malicious-code="c2-server""#, ["malware"]),
            (#"rsit:intrusions="burglary""#, ["physical"]),
            (#"rsit:information-content-security="data-loss""#, []),
            (#"circl:incident-classification="phishing""#, ["phishing"]),
            (#"circl:incident-classification="information-leak""#, ["data-leak"]),
            (#"circl:incident-classification="system-compromise""#, ["intrusion"]),
            (#"circl:incident-classification="screenlocker""#, ["ransomware"]),
            (#"circl:incident-classification="spam""#, []),
            (#"circl:topic="medical""#, []),
            (#"enisa:nefarious-activity-abuse="ransomware""#, ["ransomware"]),
            (#"enisa:nefarious-activity-abuse="phishing-attacks""#, ["phishing"]),
            (#"enisa:nefarious-activity-abuse="distributed-denial-of-network-service-network-layer-attack""#, ["ddos"]),
            (#"enisa:nefarious-activity-abuse="leakage-affecting-cloud-computing""#, ["data-leak"]),
            (#"enisa:nefarious-activity-abuse="identity-theft-identity-fraud-account)""#, ["fraud"]),
            (#"enisa:physical-attack="sabotage""#, ["physical"]),
            (#"malware_classification:malware-category="Ransomware""#, ["ransomware"]),
            (#"malware_classification:malware-category="Trojan""#, ["malware"]),
            (#"ms-caro-malware:malware-type="Ransom""#, ["ransomware"]),
            (#"ms-caro-malware:malware-type="Backdoor""#, ["malware"]),
            ("tlp:amber", []),
            (#"workflow:state="incomplete""#, []),
        ]
        for (tag, expected) in table {
            XCTAssertEqual(ClassificationMISPTag(tag)?.categories, expected, tag)
        }
    }

    func testMISPTagsAndGalaxiesClassifyWithTheTagAsReason() {
        let result = Classification.classify(draft([
            "misp.tags": "tlp:amber\n" + #"ecsirt:malicious-code="ransomware""#,
            "misp.galaxies": #"misp-galaxy:threat-actor="Turla Group""#,
        ]))
        XCTAssertEqual(result.categories, ["ransomware", "intrusion"])
        XCTAssertEqual(result.reasons["ransomware"], #"misp tag ecsirt:malicious-code="ransomware""#)
        XCTAssertEqual(result.reasons["intrusion"], #"misp tag misp-galaxy:threat-actor="Turla Group""#)
    }

    func testSTIX() {
        XCTAssertEqual(categories(["stix.types": "indicator\nmalware\nrelationship"]), ["threat-intel", "malware"])
        XCTAssertEqual(categories(["stix.types": "attack-pattern\ncampaign\nidentity\nintrusion-set\nrelationship\nthreat-actor"]),
                       ["intrusion"])
        XCTAssertEqual(categories(["stix.types": "vulnerability"]), ["vulnerability"])
        XCTAssertEqual(categories(["stix.malware_types": "ransomware"]), ["ransomware"])
        XCTAssertEqual(categories(["stix.malware_types": "remote-access-trojan\nbackdoor"]), ["malware"])
        XCTAssertEqual(categories(["stix.malware_types": "something-new"]), ["malware"], "a malware of any type is malware")
        XCTAssertEqual(categories(["stix.report_types": "threat-actor\nthreat-report"]), ["threat-intel", "intrusion"])
        XCTAssertEqual(categories(["stix.labels": "Threat-Report\n" + #"misp:tool="MISP-STIX-Converter""#]), ["threat-intel"])
        XCTAssertEqual(categories(["stix.labels": #"misp-galaxy:ransomware="Ryuk""#]), ["ransomware"])
        XCTAssertEqual(categories(["stix.attack_patterns": "HTTP Flood\nContent Spoofing"]), ["ddos"])
        XCTAssertEqual(categories(["stix.attack_patterns": "Spear Phishing Attack Pattern used by admin@338"]), ["phishing"])
    }

    func testFeedCategoriesCVEStateAndKEV() {
        XCTAssertEqual(categories(["feed.categories": "Ransomware\nSanté"]), ["ransomware"])
        XCTAssertEqual(categories(["feed.categories": "data-leak"]), ["data-leak"])
        XCTAssertEqual(Classification.classify(draft(["feed.categories": "Hameçonnage"])).reasons["phishing"],
                       "feed category 'Hameçonnage'")
        XCTAssertEqual(categories(["cve.state": "PUBLISHED"]), ["vulnerability"])
        XCTAssertEqual(categories(["cve.state": "REJECTED"]), ["other"])
        XCTAssertEqual(categories(["kev.ransomware": "Known"]), ["ransomware"])
        XCTAssertEqual(categories(["kev.ransomware": "Unknown"]), ["other"])
    }

    func testDraftFields() {
        var draft = draft([:])
        draft.knownExploited = true
        draft.cves = ["CVE-2024-3400"]
        draft.indicators = [Indicator(type: .cve, value: "CVE-2024-3400"), Indicator(type: .ipv4, value: "203.0.113.7")]
        draft.sourceRef = "ICSMA-24-200-01"
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["exploited", "vulnerability", "threat-intel", "medical-device"])
        XCTAssertEqual(result.reasons["vulnerability"], "CVE id CVE-2024-3400")
        XCTAssertEqual(result.reasons["threat-intel"], "1 indicator of compromise")
        XCTAssertEqual(result.reasons["medical-device"], "CISA ICS medical advisory ICSMA-24-200-01")
    }

    func testOrderKeepsStatedThenSourceThenKeywords() {
        var draft = draft(["certfr.kind": "alerte"], title: "Campagne de rançongiciel : Santé")
        draft.categories = [" Santé ", "ALERT", "other"]
        let result = Classification.classify(draft)
        XCTAssertEqual(result.categories, ["santé", "alert", "ransomware"])
        XCTAssertEqual(result.reasons["santé"], "stated by the source")
        XCTAssertEqual(result.reasons["alert"], "stated by the source")
        XCTAssertEqual(result.reasons["ransomware"], "keyword 'rançongiciel'")
    }

    func testNothingMatchedGivesOther() {
        let result = Classification.classify(draft([:], title: "Réunion du comité"))
        XCTAssertEqual(result.categories, ["other"])
        XCTAssertEqual(result.reasons, ["other": "no rule matched"])
    }

    func testTaxonomyLabels() {
        XCTAssertEqual(ClassificationTaxonomy.all.count, 16)
        XCTAssertEqual(Set(ClassificationTaxonomy.all.map(\.name)).count, 16)
        for category in ClassificationTaxonomy.all {
            XCTAssertEqual(category.name, category.name.lowercased())
            XCTAssertFalse(category.french.isEmpty)
            XCTAssertFalse(category.english.isEmpty)
        }
        XCTAssertEqual(ClassificationTaxonomy.label(for: "data-leak", language: "fr"), "Fuite de données")
        XCTAssertEqual(ClassificationTaxonomy.label(for: "data-leak", language: "en"), "Data leak")
        XCTAssertEqual(ClassificationTaxonomy.label(for: "santé", language: "fr"), "santé")
    }
}
