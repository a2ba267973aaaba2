import TocsinCore
import XCTest
@testable import TocsinEnrich

final class ClassificationKeywordTests: XCTestCase {
    private func categories(_ text: String) -> [String] {
        ClassificationKeywords.text.matches(in: ClassificationFoldedText([text])).map(\.category)
    }

    // MARK: Folding

    func testFoldingLowersRemovesAccentsAndSplitsOnPunctuation() {
        XCTAssertEqual(ClassificationFoldedText.words(of: "Rançongiciel À l'HÔPITAL: CVE-2024-3400"),
                       ["rancongiciel", "a", "l", "hopital", "cve", "2024", "3400"])
        XCTAssertEqual(ClassificationFoldedText.words(of: "Œuvre, Straße, Ærø, déjà-vu"),
                       ["oeuvre", "strasse", "aero", "deja", "vu"])
    }

    func testFoldingHandlesDecomposedAccents() {
        let decomposed = "vulne\u{0301}rabilite\u{0301}"
        XCTAssertEqual(ClassificationFoldedText.words(of: decomposed), ["vulnerabilite"])
        XCTAssertEqual(categories(decomposed), ["vulnerability"])
    }

    func testFoldingTreatsTypographicApostropheAndNoBreakSpaceAsSeparators() {
        XCTAssertEqual(ClassificationFoldedText.words(of: "d’exploitation\u{00A0}active"), ["d", "exploitation", "active"])
    }

    func testSentenceEndsLeaveBoundaries() {
        XCTAssertEqual(ClassificationFoldedText(["Fuite. De données"]).words, ["fuite", "", "de", "donnees", ""])
        XCTAssertEqual(categories("Fuite. De données"), [], "a phrase does not span two sentences")
    }

    func testNonLatinTextIsKeptAndHarmless() {
        XCTAssertEqual(categories("Japanese Lorem Ipsum 条イ音態ぞゃご法説イシ技"), [])
    }

    // MARK: Keywords, French and English

    func testKeywordTable() {
        let table: [(String, String)] = [
            ("Campagne de rançongiciel visant les hôpitaux", "ransomware"),
            ("RANCONGICIELS : recommandations", "ransomware"),
            ("New ransomware strain hits clinics", "ransomware"),
            ("Ransomware-as-a-service affiliates", "ransomware"),
            ("The attackers demanded a ransom", "ransomware"),
            ("Paiement d'une rançon exigé", "ransomware"),
            ("Un cheval de Troie bancaire", "malware"),
            ("Infostealer distributed through ads", "malware"),
            ("Installation d'une porte dérobée", "malware"),
            ("Campagne d'hameçonnage ciblant les soignants", "phishing"),
            ("Hameconnage par SMS", "phishing"),
            ("Spear-phishing emails with attachments", "phishing"),
            ("Fuite de données chez un prestataire", "data-leak"),
            ("Fuites de données personnelles de santé", "data-leak"),
            ("Major data breach at a laboratory", "data-leak"),
            ("Data exfiltration observed", "data-leak"),
            ("Attaques par déni de service distribué contre des sites hospitaliers", "ddos"),
            ("Attaque par déni de service", "ddos"),
            ("DDoS campaign by NoName057(16)", "ddos"),
            ("Distributed denial-of-service attack", "ddos"),
            ("Vulnérabilité dans OpenSSH", "vulnerability"),
            ("Multiple vulnerabilities in Chrome", "vulnerability"),
            ("Fix for CVE-2024-3400", "vulnerability"),
            ("Cette vulnérabilité est activement exploitée", "exploited"),
            ("L'éditeur indique que cette vulnérabilité est exploitée activement.", "exploited"),
            ("Exploitations de vulnérabilités dans Ivanti Cloud Services Appliance", "exploited"),
            ("A flaw actively exploited by attackers", "exploited"),
            ("Exploited in the wild since March", "exploited"),
            ("Le CERT-FR a connaissance de tentatives d'exploitation.", "exploited"),
            ("Compromission d'un serveur de messagerie", "intrusion"),
            ("APT28 targets hospitals", "intrusion"),
            ("Activités de post-exploitation dans Fortinet FortiGate", "intrusion"),
            ("Fraude au président : vigilance", "fraud"),
            ("Faux ordres de virement (FOVI)", "fraud"),
            ("Supply-chain attack through an update", "supply-chain"),
            ("Attaque par la chaîne d'approvisionnement logicielle", "supply-chain"),
            ("Vulnérabilités affectant des pompes à perfusion", "medical-device"),
            ("Pompes à perfusion : mise à jour", "medical-device"),
            ("Infusion pump firmware", "medical-device"),
            ("Dispositifs médicaux connectés", "medical-device"),
            ("Philips Vue PACS", "medical-device"),
            ("MicroDicom DICOM Viewer", "medical-device"),
            ("HL7 interface engine", "medical-device"),
            ("Patient monitors exposed", "medical-device"),
            ("Liste d'IOC publiée", "threat-intel"),
            ("Indicateurs de compromission", "threat-intel"),
        ]
        for (text, expected) in table {
            XCTAssertTrue(categories(text).contains(expected), "'\(text)' gave \(categories(text)), expected \(expected)")
        }
    }

    func testSeveralCategoriesAreListedInOrderOfAppearance() {
        XCTAssertEqual(
            categories("Le CERT-FR est intervenu pour le traitement d'une compromission par rançongiciel. La vulnérabilité a été exploitée pour ensuite réaliser une latéralisation."),
            ["intrusion", "ransomware", "vulnerability", "exploited"])
    }

    func testReasonsNameTheKeywordAsWritten() {
        let matches = ClassificationKeywords.text.matches(in: ClassificationFoldedText(["RANÇONGICIELS et CVE-2024-1709"]))
        XCTAssertEqual(matches, [
            .init(category: "ransomware", rule: "rançongiciel"),
            .init(category: "vulnerability", rule: "CVE-…"),
        ])
    }

    // MARK: Whole words and false friends

    func testWholeWordsOnly() {
        XCTAssertEqual(categories("The transom window"), [], "ransom inside transom")
        XCTAssertEqual(categories("Rançonnement"), [], "rançon inside a longer word")
        XCTAssertEqual(categories("apt-get upgrade and aptitude"), [], "apt is not an APT group")
        XCTAssertEqual(categories("ddosify load tester"), [])
        XCTAssertEqual(categories("Le PACSIFIC"), [])
    }

    func testFalseFriends() {
        XCTAssertEqual(categories("Mise à jour des systèmes d'exploitation"), [], "operating systems")
        XCTAssertEqual(categories("Plusieurs systèmes d'exploitation actifs"), [])
        XCTAssertEqual(categories("Elle permet à un attaquant de provoquer un déni de service à distance"), [],
                       "a crash a flaw can cause is not a DDoS attack")
        XCTAssertEqual(categories("A remote attacker can cause a denial of service"), [])
        XCTAssertEqual(categories("Snort intrusion detection rules and intrusion prevention"), [])
        XCTAssertEqual(categories("sonde de détection d'intrusion"), [])
        XCTAssertEqual(categories("Le virus de la grippe circule"), [], "health alerts speak of biological viruses")
        XCTAssertEqual(categories("Known ransomware campaign use: Unknown"), [], "the KEV line for unknown use")
        XCTAssertEqual(categories("Known ransomware campaign use: Known"), ["ransomware"])
        XCTAssertEqual(categories("Une preuve de concept permettant l'exploitation de cette vulnérabilité est disponible"),
                       ["vulnerability"], "a proof of concept is not exploitation in the wild")
    }

    func testNegationCancelsAKeyword() {
        XCTAssertEqual(categories("Microsoft is not aware of active exploitation."), [])
        XCTAssertEqual(categories("L'éditeur n'a pas connaissance d'exploitation active."), [])
        XCTAssertEqual(categories("Aucune fuite de données n'a été constatée."), [])
        XCTAssertEqual(categories("No ransomware was involved"), [])
        XCTAssertEqual(categories("Pas de rançongiciel. Mais un rançongiciel ailleurs"), ["ransomware"],
                       "the negation stops at the sentence end; the second mention counts")
        XCTAssertEqual(categories("No. The flaw is actively exploited"), ["exploited"])
    }

    func testRulesAreWellFormed() {
        for rule in ClassificationKeywords.textRules + ClassificationKeywords.attackPatternRules {
            if let category = rule.category {
                XCTAssertNotNil(ClassificationTaxonomy.category(named: category), "\(rule.phrase) → \(category)")
            }
            XCTAssertFalse(rule.words.isEmpty, rule.phrase)
        }
    }
}
