import Foundation
@testable import TocsinIngest
import TocsinTestSupport
import XCTest

/// The byte-level searches of `CERTFRText` (update notes, remote code execution) find what the Foundation searches
/// they replaced found, on random French prose and on the CERT-FR feeds of the corpus.
final class CERTFRTextTests: XCTestCase {
    /// Every character `FrenchFolding` folds itself folds as Foundation folds it; every other one is left to Foundation.
    func testTheFoldingTableIsFoundations() {
        for value in UInt32(0x80)...0x2FFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar)
            let foundation = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            guard let folded = FrenchFolding.caseAndDiacriticFolded(Array(text.utf8)) else { continue }
            if folded == [0xFF] {
                XCTAssertTrue(foundation.unicodeScalars.allSatisfy { !$0.isASCII }, "U+\(String(value, radix: 16)) folds to \(foundation)")
            } else {
                XCTAssertEqual(String(decoding: folded, as: UTF8.self), foundation, "U+\(String(value, radix: 16))")
            }
            let caseFolded = FrenchFolding.caseFolded(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
            XCTAssertEqual(caseFolded?.compare(text, options: .caseInsensitive), .orderedSame, "U+\(String(value, radix: 16))")
        }
        XCTAssertNil(FrenchFolding.caseAndDiacriticFolded(Array("straße".utf8)), "ß folds to two letters: left to Foundation")
        XCTAssertNil(FrenchFolding.caseAndDiacriticFolded(Array("e\u{301}".utf8)), "a combining accent: left to Foundation")
    }

    private static let pieces = [
        "Mise à jour du ", "MISE À JOUR DU ", "mise a jour du ", "Mise  à jour du ", "mise à jour du", "\\[", "\\]", "[", "]", "(", ")",
        "22 novembre 2023", "1er mars 2024", "4 MARS 2024", "31 février 2024", "15 Février 2024.", "2 août 2026:", "décembre", " ",
        "Exécution de code arbitraire à distance", "EXÉCUTION DE CODE À DISTANCE", "exécution de code a distance", "exe\u{301}cution",
        "Execution de code arbitraire a distance", "distance", " de code ", "à", "À", "É", "é", "è", "ç", "œ", "Œ", "ß", "ÿ", "Ÿ",
        "Ð", "\u{A0}", "\u{202F}", "’", "«", "»", "…", "—", "\r\n", "\n", "\t", "*", "x", "Le ", "l’éditeur ", "🙂", "İ", "K",
        "ﬁ", "ı", "\u{300}", "MàJ", "jour du ",
    ]

    func testTheByteLevelSearchesMatchFoundationsOnRandomProse() {
        var generator = SplitMix64(seed: 1515)
        var found = (updates: 0, execution: 0)
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...10, using: &generator)
            let text = (0..<count).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            let updates = CERTFRText.updateDates(in: text)
            XCTAssertEqual(updates, ReferenceCERTFRText.updateDates(in: text), "update notes in \(text.debugDescription)")
            let execution = CERTFRText.statesRemoteCodeExecution(text)
            XCTAssertEqual(execution, ReferenceCERTFRText.statesRemoteCodeExecution(text), "remote code execution in \(text.debugDescription)")
            found.updates += updates.isEmpty ? 0 : 1
            found.execution += execution ? 1 : 0
        }
        XCTAssertGreaterThan(found.updates, 100)
        XCTAssertGreaterThan(found.execution, 500)
    }

    private static let titlePieces = [
        "[MàJ]", "[MÀJ]", "[màj] ", "[MaJ]", "[", "]", "(", ")", " ", "\u{A0}", "\t", "\r\n", "Vulnérabilité dans Citrix ", "Exim",
        "(02 octobre 2023)", "(1er août 2026)", "(1ER AOÛT 2026)", "(31 février 2024)", "(13 Décembre 2023)", "(2 mai)", "(x y z)",
        "02", "octobre", "2023", "+7", "-1", "99999999999999999999", "1er", "er", "février", "ÉTÉ", "Œuvre", "’", "«", "»", "ß",
        "Ð", "¡", "µ", "\u{85}", "\u{AD}", "e\u{301}", "(\u{301}", ")\u{301}", "]\u{301}", "🙂", "٣", "\u{2028}", "\u{202F}",
    ]

    func testTitlesAndFrenchDatesAreCutAsBefore() {
        var generator = SplitMix64(seed: 2023)
        var dated = 0
        for _ in 0..<30_000 {
            let count = Int.random(in: 0...7, using: &generator)
            let title = (0..<count).map { _ in Self.titlePieces.randomElement(using: &generator)! }.joined()
            let (fast, reference) = (CERTFRText.splitTitle(title), ReferenceCERTFRText.splitTitle(title))
            XCTAssertEqual(fast.title, reference.title, title.debugDescription)
            XCTAssertEqual(fast.updated, reference.updated, title.debugDescription)
            XCTAssertEqual(fast.date, reference.date, title.debugDescription)
            dated += fast.date == nil ? 0 : 1
            let words = (0..<3).map { _ in Self.titlePieces.randomElement(using: &generator)! }.joined(separator: " ")
            XCTAssertEqual(CERTFRText.frenchDate(words), ReferenceCERTFRText.frenchDate(words), words.debugDescription)
        }
        XCTAssertGreaterThan(dated, 1_000)
    }

    func testFrenchDatesInProseAreFoundAsBefore() {
        var generator = SplitMix64(seed: 1789)
        for _ in 0..<30_000 {
            let count = Int.random(in: 0...9, using: &generator)
            let text = (0..<count).map { _ in (Self.titlePieces + Self.pieces).randomElement(using: &generator)! }.joined(separator: [" ", "", "*"].randomElement(using: &generator)!)
            XCTAssertEqual(CERTFRText.frenchDates(in: text), ReferenceCERTFRText.frenchDates(in: text), text.debugDescription)
        }
    }

    private static let referencePieces = ["CERTFR", "CERTA", "CERT", "-", "2024", "+202", "-202", "AVI", "ALE", "avi", "0014", "014", "14", "00145",
                                          " ", "\t", "\r\n", "\u{A0}", "é", "\u{301}", "٢٠٢٤", "Ⅳ", "/", "x"]

    func testReferencesAreReadAsBefore() {
        var generator = SplitMix64(seed: 2004)
        var found = 0
        for round in 0..<50_000 {
            let count = Int.random(in: 1...9, using: &generator)
            var text = (0..<count).map { _ in Self.referencePieces.randomElement(using: &generator)! }.joined()
            if round % 2 == 0 { text = ["CERTFR-2024-AVI-0014", "CERTA-2008-ALE-009", " CERTFR-2026-ACT-034\n"].randomElement(using: &generator)! + text }
            let parsed = CERTFRReference(text)
            XCTAssertEqual(parsed.map { "\($0.prefix)-\($0.year)-\($0.series)-\($0.number)" }, ReferenceCERTFRText.reference(text), text.debugDescription)
            found += parsed == nil ? 0 : 1
            XCTAssertEqual(CERTFRReference.find(in: text)?.description, ReferenceCERTFRText.find(in: text), text.debugDescription)
        }
        XCTAssertGreaterThan(found, 100)
        // A long run is no reference, but a reference may start further in it, where another "CERT" begins.
        XCTAssertEqual(CERTFRReference.find(in: String(repeating: "CERT", count: 10) + "FR-2024-AVI-0014/")?.description, "CERTFR-2024-AVI-0014")
        XCTAssertEqual(CERTFRReference.find(in: "/CERTCERTFR-2024-AVI-0014/")?.description, "CERTFR-2024-AVI-0014")
        XCTAssertNil(CERTFRReference.find(in: "/CERTFR-2024-AVI-00145/"))
        XCTAssertEqual(CERTFRReference.find(in: "/CERT/CERTFR-2024-AVI-0014/")?.description, "CERTFR-2024-AVI-0014")
    }

    func testTheCERTFRFeedsReadAsBefore() throws {
        for path in ["cert-fr/rss/cert-fr-alertes-feed.xml", "cert-fr/rss/cert-fr-feed-avis-actualite.xml"] {
            let root = try SafeXMLParser.parse(Fixtures.data(path))
            let items = root.child("channel", namespace: nil)?.children("item", namespace: nil) ?? []
            XCTAssertGreaterThan(items.count, 10)
            for item in items {
                for text in [item.childValue("description", namespace: nil), item.childValue("title", namespace: nil)].compactMap({ $0 }) {
                    XCTAssertEqual(CERTFRText.splitTitle(text).title, ReferenceCERTFRText.splitTitle(text).title, text)
                    XCTAssertEqual(CERTFRText.splitTitle(text).date, ReferenceCERTFRText.splitTitle(text).date, text)
                    XCTAssertEqual(CERTFRText.updateDates(in: text), ReferenceCERTFRText.updateDates(in: text), text)
                    XCTAssertEqual(CERTFRText.statesRemoteCodeExecution(text), ReferenceCERTFRText.statesRemoteCodeExecution(text), text)
                    let plain = CERTFRText.withoutMarkdown(FeedText.plainText(fromHTML: text))
                    XCTAssertEqual(CERTFRText.updateDates(in: plain), ReferenceCERTFRText.updateDates(in: plain), plain)
                    XCTAssertEqual(CERTFRText.statesRemoteCodeExecution(plain), ReferenceCERTFRText.statesRemoteCodeExecution(plain), plain)
                }
            }
        }
    }
}
