import Foundation
import TocsinCore
import TocsinEnrich
import XCTest

/// A labelled set of French and English sentences in the style of advisories and incident reports: versions,
/// section numbers, vendor and publisher links, defanged and plain indicators, the French `vers` and `à`. Each
/// sentence goes through enrichment as the prose of an alert whose publisher, vendor and references are given,
/// and must yield exactly its labels; the set as a whole is scored like the benchmark does.
final class IOCLabelledSetTests: XCTestCase {
    struct Labelled {
        var language: String
        var text: String
        var expected: [String]
    }

    /// The alert around every sentence: CERT-FR and CISA as publishers' sites, Fortinet and Siemens as vendors.
    static let references = ["https://www.cert.ssi.gouv.fr/avis/CERTFR-2024-AVI-0001/", "https://www.cisa.gov/news-events/ics-advisories"]
    static let products = [AffectedProduct(vendor: "Fortinet", product: "FortiGate"), AffectedProduct(vendor: "Siemens", product: "SCALANCE")]

    static let cases: [Labelled] = [
        // French: versions, numbering, links of the publisher and the vendors.
        Labelled(language: "fr", text: "Appliquer le correctif 12.2.8.0 dès que possible.", expected: []),
        Labelled(language: "fr", text: "FortiOS 7.4.3.2 corrige cette vulnérabilité.", expected: []),
        Labelled(language: "fr", text: "Mettre à jour le micrologiciel 2.4.1.7 des commutateurs.", expected: []),
        Labelled(language: "fr", text: "Les versions antérieures à 9.1.0.12 sont vulnérables.", expected: []),
        Labelled(language: "fr", text: "Installer la mise à jour 16.4.2.1 puis redémarrer.", expected: []),
        Labelled(language: "fr", text: "Se reporter aux sections 4.1.2.3 et 4.1.2.4 du guide d'hygiène.", expected: []),
        Labelled(language: "fr", text: "Les versions 9.1.0.12, 9.1.0.13 et 9.1.0.14 corrigent le problème.", expected: []),
        Labelled(language: "fr", text: "Effectuer la migration vers 7.4.3.2 ou ultérieure.", expected: []),
        Labelled(language: "fr", text: "Consulter le bulletin https://www.cert.ssi.gouv.fr/avis/CERTFR-2024-AVI-0001/ et le site de l'éditeur https://www.fortinet.com/psirt.", expected: []),
        Labelled(language: "fr", text: "Le guide de l'éditeur est sur https://support.fortinet.com/ et https://www.siemens.com/cert.", expected: []),
        // French: real indicators, plain and defanged, behind `vers` and `à`.
        Labelled(language: "fr", text: "Trafic suspect vers 5.188.86.172 observé depuis plusieurs postes.", expected: ["ipv4:5.188.86.172"]),
        Labelled(language: "fr", text: "Connexions sortantes à 91.215.85.17 sur le port 443.", expected: ["ipv4:91.215.85.17"]),
        Labelled(language: "fr", text: "Adresse de C2 : 185.220.101[.]47", expected: ["ipv4:185.220.101.47"]),
        Labelled(language: "fr", text: "La charge est téléchargée depuis hxxp://maj-securite[.]fr/install.exe par le script.",
                 expected: ["url:http://maj-securite.fr/install.exe", "domain:maj-securite.fr"]),
        Labelled(language: "fr", text: "Le domaine malveillant portail-sante-connexion[.]com imite l'intranet.", expected: ["domain:portail-sante-connexion.com"]),
        Labelled(language: "fr", text: "Empreinte SHA-256 du rançongiciel : 3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea",
                 expected: ["sha256:3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea"]),
        Labelled(language: "fr", text: "Exfiltration vers 45.77.12.9 et 45.77.12.10 pendant la nuit.", expected: ["ipv4:45.77.12.9", "ipv4:45.77.12.10"]),
        Labelled(language: "fr", text: "Courriels d'hameçonnage envoyés depuis rh-paie@mutuelle-sante-info[.]fr",
                 expected: ["email:rh-paie@mutuelle-sante-info.fr", "domain:mutuelle-sante-info.fr"]),
        // English: versions, numbering, links of the publisher and the vendors.
        Labelled(language: "en", text: "Upgrade to 16.4.2.1 or later.", expected: []),
        Labelled(language: "en", text: "This issue is fixed in 17.1.0.3.", expected: []),
        Labelled(language: "en", text: "Cisco IOS XE 17.9.4.1 and earlier are affected.", expected: []),
        Labelled(language: "en", text: "Versions prior to 9.1.0.12 are vulnerable.", expected: []),
        Labelled(language: "en", text: "See sections 4.1.2.3 and 4.1.2.4 of the hardening guide.", expected: []),
        Labelled(language: "en", text: "Firmware 2.4.1.7 addresses the flaw; build 7.1.0.3 is the minimum.", expected: []),
        Labelled(language: "en", text: "CISA encourages users to review https://www.cisa.gov/resources-tools and contact Siemens at https://www.siemens.com/cert/advisories.", expected: []),
        // English: real indicators.
        Labelled(language: "en", text: "The implant beacons to 5.188.86.172 over HTTPS.", expected: ["ipv4:5.188.86.172"]),
        Labelled(language: "en", text: "Inbound scans from 194.36.189.21 preceded the exploitation.", expected: ["ipv4:194.36.189.21"]),
        Labelled(language: "en", text: "Webshell dropped at hxxps://203[.]0[.]113[.]77/ and hxxps://cdn-update[.]net/a.aspx",
                 expected: ["url:https://cdn-update.net/a.aspx", "domain:cdn-update.net"]),
        Labelled(language: "en", text: "MD5 44d88612fea8a8f36de82e1278abb02f was seen on the file server.", expected: ["md5:44d88612fea8a8f36de82e1278abb02f"]),
        Labelled(language: "en", text: "Phishing came from billing@invoice-portal[.]co", expected: ["email:billing@invoice-portal.co", "domain:invoice-portal.co"]),
    ]

    func testEveryLabelledSentence() throws {
        let enricher = Enricher(indicators: try IOCTestData.extractor())
        var truePositives = 0
        var falsePositives = 0
        var falseNegatives = 0
        for item in Self.cases {
            let draft = AlertDraft(title: "Alerte", summary: "", body: item.text, severity: .high, tlp: .clear,
                                   affectedProducts: Self.products, references: Self.references.map { Reference(url: $0) },
                                   attributes: ["csaf.publisher": "CISA"])
            let found = enricher.enrich(draft).indicators.described
            XCTAssertEqual(found, item.expected, "[\(item.language)] \(item.text)")
            XCTAssertTrue(enricher.enrich(draft).indicators.allSatisfy { $0.origin == .extracted && $0.confidence != nil })
            let expected = Set(item.expected)
            truePositives += found.filter(expected.contains).count
            falsePositives += found.filter { !expected.contains($0) }.count
            falseNegatives += expected.subtracting(found).count
        }
        let precision = Double(truePositives) / Double(max(1, truePositives + falsePositives))
        let recall = Double(truePositives) / Double(max(1, truePositives + falseNegatives))
        print("labelled set: \(Self.cases.count) sentences, precision \(precision), recall \(recall)")
        XCTAssertGreaterThanOrEqual(precision, 0.98)
        XCTAssertGreaterThanOrEqual(recall, 0.95)
        XCTAssertEqual(Set(Self.cases.map(\.language)), ["fr", "en"])
    }
}
