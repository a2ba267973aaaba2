import Foundation
import XCTest
import TocsinCore
import TocsinTestSupport
@testable import TocsinIngest

final class CERTFRAdapterTests: XCTestCase {
    private let adapter = CERTFRAdapter()

    func testEveryCERTFRFixtureIsRecognisedAndParses() throws {
        let files = try Fixtures.files(in: "cert-fr", extensions: [".json", ".xml"])
        XCTAssertEqual(files.count, 25)
        var documents = 0
        for url in files {
            let data = try Data(contentsOf: url)
            let name = url.lastPathComponent
            XCTAssertFalse(CAPAdapter.recognises(data), name)
            XCTAssertFalse(FeedAdapter.recognises(data), name)
            if name == "cert-fr-ale_with_cves.json" {
                // A derived list of {alert, published_at, cves}: an index, not a CERT-FR document.
                XCTAssertFalse(CERTFRAdapter.recognises(data), name)
                XCTAssertThrowsError(try adapter.parse(data, options: IngestOptions())) { error in
                    XCTAssertTrue((error as? IngestError)?.message.contains("not a CERT-FR document") == true, "\(error)")
                }
                continue
            }
            XCTAssertTrue(CERTFRAdapter.recognises(data), name)
            let alerts = try adapter.parse(data, options: IngestOptions())
            XCTAssertEqual(alerts.count, name.hasSuffix(".xml") ? 40 : 1, name)
            for alert in alerts {
                assertValid(alert)
                let draft = alert.draft
                XCTAssertNotNil(draft.sourceRef.flatMap(CERTFRReference.init), "\(name): \(draft.sourceRef ?? "nil")")
                XCTAssertNotNil(draft.attributes["certfr.kind"], name)
                XCTAssertNotNil(draft.sourcePublishedAt, name)
                XCTAssertNotNil(draft.sourceVersion, name)
                XCTAssertEqual(draft.tlp, .clear)
                XCTAssertEqual(draft.source, "certfr")
                XCTAssertEqual(draft.references.first?.url, "https://www.cert.ssi.gouv.fr/\(draft.attributes["certfr.kind"] ?? "")/\(draft.sourceRef ?? "")/")
                if name.hasSuffix(".json") {
                    XCTAssertNil(CERTFRText.splitTitle(draft.title).date, draft.title)
                    XCTAssertEqual(draft.attributes["certfr.kind"], "avis")
                }
                documents += 1
            }
        }
        XCTAssertEqual(documents, 22 + 80)
    }

    func testRevisionPairSharesIdentityAndDiffersInVersion() throws {
        let first = try XCTUnwrap(ingest(adapter, "cert-fr/avis-json-revisions/CERTFR-2026-AVI-0133.rev1.json").first).draft
        let latest = try XCTUnwrap(ingest(adapter, "cert-fr/avis-json/CERTFR-2026-AVI-0133.json").first).draft
        XCTAssertEqual(first.sourceRef, "CERTFR-2026-AVI-0133")
        XCTAssertEqual(latest.sourceRef, first.sourceRef)
        XCTAssertEqual(first.sourceVersion, "2026-02-09T00:00:00.000Z")
        XCTAssertEqual(latest.sourceVersion, "2026-02-10T00:00:00.000Z")
        XCTAssertEqual(first.sourcePublishedAt, date("2026-02-09T00:00:00Z"))
        XCTAssertEqual(latest.sourcePublishedAt, first.sourcePublishedAt)
        XCTAssertEqual(latest.sourceUpdatedAt, date("2026-02-10T00:00:00Z"))
        XCTAssertEqual(first.cves, [])
        XCTAssertEqual(latest.cves, ["CVE-2026-25916"])
        XCTAssertEqual(latest.title, "Multiples vulnérabilités dans Roundcube")
        XCTAssertEqual(latest.severity, .high, "remote code execution is among the risks")
        XCTAssertEqual(latest.attributes["certfr.risks"], "Exécution de code arbitraire à distance\nContournement de la politique de sécurité")
        XCTAssertEqual(latest.affectedProducts, [
            AffectedProduct(
                vendor: "Roundcube", product: "Roundcube Webmail",
                versions: ["Roundcube Webmail versions 1.5.x antérieures à 1.5.13", "Roundcube Webmail versions 1.6.x antérieures à 1.6.13"],
                ranges: [VersionRange(version: "1.5", lessThan: "1.5.13"), VersionRange(version: "1.6", lessThan: "1.6.13")],
                status: .affected
            ),
        ])
        XCTAssertEqual(latest.references.map(\.url), [
            "https://www.cert.ssi.gouv.fr/avis/CERTFR-2026-AVI-0133/",
            "https://roundcube.net/news/2026/02/08/security-updates-1.6.13-and-1.5.13",
        ])
        XCTAssertTrue(latest.body?.contains("- 2026-02-10 : Ajout Référence CVE CVE-2026-25916") == true, latest.body ?? "")
    }

    func testLegacyCERTAAdvisoryWithFreeTextAffectedSystemsAndNullSummary() throws {
        let draft = try XCTUnwrap(ingest(adapter, "cert-fr/avis-json/CERTA-2004-AVI-400.json").first).draft
        XCTAssertEqual(draft.sourceRef, "CERTA-2004-AVI-400")
        XCTAssertEqual(draft.title, "Multiples vulnérabilités dans Ethereal")
        XCTAssertTrue(draft.summary.hasPrefix("Ethereal est un renifleur réseau."), draft.summary)
        XCTAssertEqual(draft.sourcePublishedAt, date("2004-12-15T00:00:00Z"))
        XCTAssertEqual(draft.sourceVersion, "2005-02-17T00:00:00.000Z")
        XCTAssertEqual(draft.severity, .high)
        XCTAssertEqual(draft.cves, [])
        XCTAssertEqual(draft.affectedProducts.first?.product, "Ethereal")
        XCTAssertEqual(draft.affectedProducts.first?.ranges, [VersionRange(version: "0.9.0", lessThanOrEqual: "0.10.7")])
        XCTAssertEqual(draft.references.count, 1 + 5 + 1)
    }

    func testThreeDigitIdAndExactVersionList() throws {
        let draft = try XCTUnwrap(ingest(adapter, "cert-fr/avis-json/CERTFR-2016-AVI-001.json").first).draft
        XCTAssertEqual(draft.sourceRef, "CERTFR-2016-AVI-001")
        XCTAssertEqual(draft.summary.prefix(60), "Une vulnérabilité a été corrigée dans Cisco IOS XR. Elle per")
        XCTAssertEqual(draft.cves, ["CVE-2015-6432"])
        XCTAssertEqual(draft.severity, .medium)
        let product = try XCTUnwrap(draft.affectedProducts.first)
        XCTAssertEqual(product.product, "Cisco IOS XR")
        XCTAssertEqual(product.ranges.map(\.version), ["4.2.0", "4.3.0", "5.0.0", "5.1.0", "5.2.0", "5.2.2", "5.2.4", "5.3.0", "5.3.2"])
    }

    func testSiemensScadaAdvisory() throws {
        let draft = try XCTUnwrap(ingest(adapter, "cert-fr/avis-json/CERTFR-2024-AVI-0014.json").first).draft
        XCTAssertEqual(draft.cves.count, 21)
        XCTAssertEqual(draft.cves.first, "CVE-2023-49252")
        XCTAssertEqual(draft.attributes["certfr.scada"], "true")
        let spectrum = try XCTUnwrap(draft.affectedProducts.first)
        XCTAssertEqual(spectrum.vendor, "Siemens")
        XCTAssertEqual(spectrum.product, "Spectrum Power 7", "N/A product names fall back to the text")
        XCTAssertEqual(spectrum.ranges, [VersionRange(version: "0", lessThan: "V23Q4")])
    }

    func testLargeAdvisories() throws {
        let juniper = try XCTUnwrap(ingest(adapter, "cert-fr/avis-json/CERTFR-2024-AVI-0741.json").first).draft
        XCTAssertEqual(juniper.cves.count, 210)
        XCTAssertEqual(juniper.cves.first, "CVE-2023-29483")
        XCTAssertEqual(juniper.sourcePublishedAt, date("2024-09-05T00:00:00Z"))
        XCTAssertEqual(juniper.sourceVersion, "2024-10-15T00:00:00.000Z")
        let windows = try XCTUnwrap(ingest(adapter, "cert-fr/avis-json/CERTFR-2024-AVI-0021.json").first).draft
        XCTAssertEqual(windows.cves.count, 39)
        XCTAssertEqual(windows.cves.first, "CVE-2024-20663")
        XCTAssertEqual(windows.references.count, 1 + 39 + 1)
        XCTAssertEqual(windows.affectedProducts.map(\.product), ["Windows", "Windows 10", "Windows 11"])
        XCTAssertEqual(windows.affectedProducts.reduce(0) { $0 + $1.versions.count }, 36)
        XCTAssertTrue(windows.affectedProducts[1].versions.contains("Windows 10 Version 1809 pour systèmes x64"))
        let fortinet = try XCTUnwrap(ingest(adapter, "cert-fr/avis-json/CERTFR-2024-AVI-0108.json").first).draft
        XCTAssertEqual(fortinet.affectedProducts.first { $0.product == "FortiOS" }?.ranges.first, VersionRange(version: "7.4", lessThan: "7.4.3"))
        XCTAssertFalse(fortinet.summary.contains("<span"), fortinet.summary)
        let bigData = try XCTUnwrap(fortinet.affectedProducts.first { $0.product == "FortiAnalyzer-BigData" })
        XCTAssertEqual(bigData.vendor, "Fortinet")
        XCTAssertEqual(bigData.ranges, [VersionRange(version: "7.2", lessThan: "7.2.6")])
        XCTAssertEqual(bigData.versions, ["FortiAnalyzer-BigData versions 7.2.x antérieures à 7.2.6"])
        let analyzer = try XCTUnwrap(fortinet.affectedProducts.first { $0.product == "FortiAnalyzer" })
        XCTAssertTrue(analyzer.versions.contains("FortiAnalyzer-BigData 6.2, 6.4 et 7.0 toutes versions"), "no version part: the structured name")
    }

    func testAlertFeed() throws {
        let alerts = try ingest(adapter, "cert-fr/rss/cert-fr-alertes-feed.xml")
        XCTAssertTrue(alerts.allSatisfy { $0.draft.attributes["certfr.kind"] == "alerte" && $0.draft.severity == .high })
        let exim = alerts[0].draft
        XCTAssertEqual(exim.sourceRef, "CERTFR-2023-ALE-010")
        XCTAssertEqual(exim.title, "Multiples vulnérabilités dans Exim")
        XCTAssertEqual(exim.sourcePublishedAt, date("2023-10-02T00:00:00Z"))
        XCTAssertEqual(exim.sourceVersion, "2023-10-02T00:00:00.000Z")
        XCTAssertTrue(exim.summary.contains("six avis de sécurité [1] concernant"), exim.summary)
        XCTAssertTrue(exim.summary.contains("(Mail Transfer Agent ou MTA)"), exim.summary)
        let citrix = alerts[1].draft
        XCTAssertEqual(citrix.sourceRef, "CERTFR-2023-ALE-012")
        XCTAssertEqual(citrix.title, "Vulnérabilité dans Citrix NetScaler ADC et NetScaler Gateway")
        XCTAssertEqual(citrix.attributes["certfr.updated"], "true")
        XCTAssertEqual(citrix.sourcePublishedAt, date("2023-10-23T00:00:00Z"))
        XCTAssertEqual(citrix.sourceUpdatedAt, date("2023-11-22T00:00:00Z"))
        XCTAssertEqual(citrix.sourceVersion, "2023-11-22T00:00:00.000Z")
        let gitlab = alerts[4].draft
        XCTAssertEqual(gitlab.sourceRef, "CERTFR-2024-ALE-002")
        XCTAssertEqual(gitlab.cves.first, "CVE-2024-0402")
        XCTAssertEqual(alerts.last?.draft.sourceRef, "CERTFR-2026-ALE-008")
    }

    func testAvisAndActualiteFeed() throws {
        let alerts = try ingest(adapter, "cert-fr/rss/cert-fr-feed-avis-actualite.xml")
        let kinds = Dictionary(grouping: alerts, by: { $0.draft.attributes["certfr.kind"] ?? "" }).mapValues(\.count)
        XCTAssertEqual(kinds, ["avis": 38, "actualite": 2])
        let mattermost = alerts[0].draft
        XCTAssertEqual(mattermost.sourceRef, "CERTFR-2026-AVI-0777")
        XCTAssertEqual(mattermost.title, "Multiples vulnérabilités dans Mattermost Desktop App")
        XCTAssertEqual(mattermost.sourcePublishedAt, date("2026-06-18T00:00:00Z"))
        XCTAssertEqual(mattermost.severity, .medium)
        let bulletin = alerts[1].draft
        XCTAssertEqual(bulletin.sourceRef, "CERTFR-2026-ACT-034")
        XCTAssertEqual(bulletin.title, "Bulletin d'actualité CERTFR-2026-ACT-034")
        XCTAssertEqual(bulletin.severity, .info)
        XCTAssertEqual(alerts.last?.draft.sourceRef, "CERTFR-2026-AVI-1056")
    }

    func testReferenceParsing() {
        XCTAssertEqual(CERTFRReference("CERTFR-2024-AVI-0014")?.kind, "avis")
        XCTAssertEqual(CERTFRReference("CERTA-2008-ALE-009")?.kind, "alerte")
        XCTAssertEqual(CERTFRReference("CERTFR-2026-ACT-034")?.kind, "actualite")
        XCTAssertEqual(CERTFRReference("CERTFR-2023-CTI-001")?.kind, "cti")
        XCTAssertNil(CERTFRReference("CERTFR-2024-AVI-14"))
        XCTAssertNil(CERTFRReference("CVE-2024-0014"))
        XCTAssertEqual(CERTFRReference.find(in: "https://www.cert.ssi.gouv.fr/alerte/CERTFR-2023-ALE-010/")?.description, "CERTFR-2023-ALE-010")
    }

    func testRefusals() {
        func error(_ text: String) -> IngestError? {
            do { _ = try adapter.parse(Data(text.utf8), options: IngestOptions()); return nil } catch { return error }
        }
        XCTAssertEqual(error("{\"title\": \"x\"}")?.path, "reference")
        XCTAssertEqual(error("{\"reference\": \"ABC\", \"title\": \"x\"}")?.path, "reference")
        XCTAssertEqual(error("{\"reference\": \"CERTFR-2024-AVI-0001\", \"title\": \"  \"}")?.path, "title")
        XCTAssertEqual(error("{\"reference\": \"CERTFR-2024-AVI-0001\", \"title\": \"x\", \"cves\": {}}")?.path, "cves")
        XCTAssertEqual(error("[{\"alert\": \"CERTFR-2024-ALE-014\"}]")?.format, .certfr)
    }
}
