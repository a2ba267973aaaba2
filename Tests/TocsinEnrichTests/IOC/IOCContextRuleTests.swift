import Foundation
import TocsinCore
import TocsinEnrich
import TocsinIngest
import TocsinTestSupport
import XCTest

/// The context rules for prose: versions and section numbers are not addresses, in French and English; French
/// prepositions hide no address; the alert's own links, publisher and vendors are never indicators; advisories'
/// prose gives none by default.
final class IOCContextRuleTests: XCTestCase {
    private func found(_ text: String) throws -> [String] {
        try IOCTestData.extractor().extract(text).filter { $0.type != .cve }.described
    }

    // MARK: Versions and numbering

    func testFrenchVersionsAreNotAddresses() throws {
        XCTAssertEqual(try found("Appliquer le correctif 12.2.8.0 dès que possible."), [])
        XCTAssertEqual(try found("FortiOS 7.4.3.2 corrige cette vulnérabilité."), [])
        XCTAssertEqual(try found("Mettre à jour le micrologiciel 2.4.1.7."), [])
        XCTAssertEqual(try found("Les versions antérieures à 9.1.0.12 sont vulnérables."), [])
        XCTAssertEqual(try found("Toutes les versions antérieures à 9.1.0.12 sont vulnérables."), [])
        XCTAssertEqual(try found("Appliquer la mise à jour 16.4.2.1 publiée par l'éditeur."), [])
        XCTAssertEqual(try found("Effectuer la mise à jour vers 7.4.3.2."), [])
        XCTAssertEqual(try found("Prévoir la migration vers 7.4.3.2."), [])
        XCTAssertEqual(try found("versions jusqu'à 2.0.1.5 incluse"), [])
        XCTAssertEqual(try found("versions jusqu’à 2.0.1.5 incluse"), [])
        XCTAssertEqual(try found("les versions 9.1.0.12, 9.1.0.13 et 9.1.0.14"), [])
        XCTAssertEqual(try found("la version 4.2.1.0 et ultérieures"), [])
        XCTAssertEqual(try found("4.2.1.0 et versions antérieures"), [])
        XCTAssertEqual(try found("problème corrigé dans 17.1.0.3"), [])
    }

    func testEnglishVersionsAreNotAddresses() throws {
        XCTAssertEqual(try found("Upgrade to 16.4.2.1 or later."), [])
        XCTAssertEqual(try found("Fixed in 17.1.0.3."), [])
        XCTAssertEqual(try found("Cisco IOS XE 17.9.4.1 is affected."), [])
        XCTAssertEqual(try found("Versions prior to 9.1.0.12 are affected."), [])
        XCTAssertEqual(try found("PAN-OS 10.2.4.1 and SonicOS 7.0.1.5"), [])
        XCTAssertEqual(try found("Build 7.1.0.3 ships the fix."), [])
        XCTAssertEqual(try found("Versions earlier than 3.1.4.2 are affected."), [])
        XCTAssertEqual(try found("3.1.4.2 and earlier"), [])
        XCTAssertEqual(try found("FortiOS 7.4.0.1-7.4.3.2"), [])
    }

    func testSectionNumbersAreNotAddresses() throws {
        XCTAssertEqual(try found("Voir les sections 4.1.2.3 et 4.1.2.4 du guide."), [])
        XCTAssertEqual(try found("See sections 4.1.2.3 and 4.1.2.4."), [])
        XCTAssertEqual(try found("comme indiqué au § 4.1.2.3"), [])
        XCTAssertEqual(try found("see section 4.1.2.3, step 1.2.3.4"), [])
    }

    func testFrenchWordsNeverHideAnAddress() throws {
        XCTAssertEqual(try found("trafic suspect vers 5.188.86.172 observé"), ["ipv4:5.188.86.172"])
        XCTAssertEqual(try found("connexion à 5.188.86.172"), ["ipv4:5.188.86.172"])
        XCTAssertEqual(try found("connexions sortantes à destination de 45.77.12.9"), ["ipv4:45.77.12.9"])
        XCTAssertEqual(try found("exfiltration vers 91.215.85.17 et 91.215.85.18"), ["ipv4:91.215.85.17", "ipv4:91.215.85.18"])
        XCTAssertEqual(try found("The implant beacons to 5.188.86.172 over HTTPS."), ["ipv4:5.188.86.172"])
        XCTAssertEqual(try found("Traffic from 45.77.12.9 was observed."), ["ipv4:45.77.12.9"])
        XCTAssertEqual(try found("C2 5.188.86.172"), ["ipv4:5.188.86.172"])
        XCTAssertEqual(try found("IP 5.188.86.172"), ["ipv4:5.188.86.172"])
        // A defanged quad is an address whatever precedes it: the writer marked it.
        XCTAssertEqual(try found("version 5.188.86[.]172"), ["ipv4:5.188.86.172"])
    }

    // MARK: The alert's own hosts and versions

    private func enricher(advisoryIndicators: Bool = false) throws -> Enricher {
        Enricher(indicators: try IOCTestData.extractor(), advisoryIndicators: advisoryIndicators)
    }

    private func draft(_ body: String, references: [String] = [], products: [AffectedProduct] = [],
                       attributes: [String: String] = [:]) -> AlertDraft {
        AlertDraft(title: "Alerte", summary: "Résumé", body: body, severity: .high, tlp: .clear,
                   affectedProducts: products, references: references.map { Reference(url: $0) }, attributes: attributes)
    }

    func testOwnReferencesPublisherAndVendorsAreNeverIndicators() throws {
        let enriched = try enricher().enrich(draft("""
            For more information, visit https://www.cisa.gov/ics and https://www.siemens.com/cert/advisories.
            Patch: https://access.redhat.com/errata/RHSA-2024:1234. Release notes at
            https://github.com/vrana/adminer/releases/tag/v4.8.1. Contact cert@cert.ssi.gouv.fr.
            The implant talks to hxxp://update-check[.]net/gate.php.
            """, references: ["https://github.com/vrana/adminer/security", "https://www.cert.ssi.gouv.fr/avis/CERTFR-2024-AVI-0001/"],
            products: [AffectedProduct(vendor: "Siemens", product: "SIMATIC S7"), AffectedProduct(vendor: "Red Hat", product: "Enterprise Linux")],
            attributes: ["csaf.publisher": "CISA"]))
        XCTAssertEqual(enriched.indicators.described, ["url:http://update-check.net/gate.php", "domain:update-check.net"])

        // A publisher's name matches a subdomain (`cisa.dhs.gov`); a vendor's name only the registrable label.
        let phishing = try enricher().enrich(draft("Write to central@cisa.dhs.gov. Lure: hxxps://siemens.update-check[.]net/login",
            products: [AffectedProduct(vendor: "Siemens", product: "SIMATIC S7")], attributes: ["csaf.publisher": "CISA"]))
        XCTAssertEqual(phishing.indicators.described, ["url:https://siemens.update-check.net/login", "domain:siemens.update-check.net"])
    }

    func testAffectedVersionsAreNotAddresses() throws {
        let products = [AffectedProduct(vendor: "Acme", product: "Gateway", versions: ["< 12.2.8.1"],
                                        ranges: [VersionRange(version: "12.2.0.0", lessThan: "12.2.8.1")]),
                        AffectedProduct(product: "Agent", versions: ["9.1.0.12"])]
        let enriched = try enricher().enrich(draft("""
            The appliance runs 12.2.5.3; agents 9.1.0.12 and 9.1.0.7 are exposed. The Gateway 12.2.4.0 beacons to 185.220.101.47.
            """, products: products))
        XCTAssertEqual(enriched.indicators.described, ["ipv4:185.220.101.47"])
    }

    // MARK: Origin

    func testExtractedIndicatorsCarryTheirOriginAndAStatedCopyWins() throws {
        var source = draft("Beacons to hxxp://evil-c2[.]org/gate and 185.220.101.47; hash \(String(repeating: "ab", count: 32)).")
        source.indicators = [Indicator(type: .ipv4, value: "185.220.101.47")]
        let enriched = try enricher().enrich(source)
        XCTAssertEqual(enriched.indicators.described, [
            "ipv4:185.220.101.47", "url:http://evil-c2.org/gate", "domain:evil-c2.org", "sha256:\(String(repeating: "ab", count: 32))",
        ])
        XCTAssertEqual(enriched.indicators.map(\.effectiveOrigin), [.stated, .extracted, .extracted, .extracted])
        XCTAssertEqual(enriched.indicators[0].origin, .stated)
        XCTAssertNil(enriched.indicators[0].confidence)
        XCTAssertEqual(enriched.indicators[1].confidence, IOCConfidence.defanged)
        XCTAssertEqual(enriched.indicators[3].confidence, 0.9)
        // Enriching again changes nothing.
        XCTAssertEqual(try enricher().enrich(enriched), enriched)
    }

    func testAStatedIndicatorReplacesAnExtractedCopy() {
        let list = [Indicator(type: .domain, value: "Evil.com", origin: .extracted, confidence: 0.5),
                    Indicator(type: .ipv4, value: "5.188.86.172"),
                    Indicator(type: .domain, value: "evil.com", origin: .stated)]
        XCTAssertEqual(list.deduplicatedByOrigin(), [Indicator(type: .domain, value: "evil.com", origin: .stated),
                                                    Indicator(type: .ipv4, value: "5.188.86.172")])
    }

    // MARK: Advisories

    func testAdvisoryProseGivesNoIndicatorsUnlessTurnedOn() throws {
        let text = "Exploitation observed from 185.220.101.47 (CVE-2024-3400). Appliquer le correctif 12.2.8.0."
        let advisory = draft(text, attributes: [AlertContent.proseAttribute: AlertContent.advisoryProse])
        let quiet = try enricher().enrich(advisory)
        XCTAssertEqual(quiet.indicators, [])
        XCTAssertEqual(quiet.cves, ["CVE-2024-3400"])
        let loud = try enricher(advisoryIndicators: true).enrich(advisory)
        XCTAssertEqual(loud.indicators.described, ["ipv4:185.220.101.47"])
        XCTAssertEqual(loud.indicators.map(\.effectiveOrigin), [.extracted])
    }

    /// The fixtures the issue names: CISA's, Red Hat's and Adminer's CSAF advisories and the VEX example give no
    /// false indicator, by default and with advisory prose turned on.
    func testAdvisoryFixturesYieldNoFalseIndicators() throws {
        var files = try Fixtures.files(in: "csaf/cisa", extensions: ["json"]) + Fixtures.files(in: "csaf/redhat", extensions: ["json"])
        files.append(try Fixtures.url("csaf/oasis/2022-evd-uc-03-ms-001.json"))
        for advisoryIndicators in [false, true] {
            let enricher = try enricher(advisoryIndicators: advisoryIndicators)
            var checked = 0
            for url in files {
                guard let data = try? Data(contentsOf: url), let (format, alerts) = try? IngestRegistry.parse(data, format: nil, options: IngestOptions())
                else { continue }
                for alert in alerts {
                    XCTAssertTrue(format.writesAdvisoryProse(alert.draft), url.lastPathComponent)
                    let stated = Set(alert.draft.indicators.map(\.deduplicationKey))
                    let extra = enricher.enrich(alert.draft).indicators.filter { !stated.contains($0.deduplicationKey) }
                    XCTAssertEqual(extra.described, [], "\(url.lastPathComponent), advisory prose \(advisoryIndicators ? "on" : "off")")
                    checked += 1
                }
            }
            XCTAssertGreaterThan(checked, 10)
        }
    }
}
