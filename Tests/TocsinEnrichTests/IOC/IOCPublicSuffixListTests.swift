import Foundation
import TocsinEnrich
import XCTest

final class IOCPublicSuffixListTests: XCTestCase {
    private static let sample = """
        // A comment line.
        // ===BEGIN ICANN DOMAINS===
        com
        io
        uk
        co.uk
        jp
        *.kawasaki.jp
        !city.kawasaki.jp
        // Wildcard without a plain rule for the parent.
        *.ck
        !www.ck
        cn
        公司.cn
        // ===END ICANN DOMAINS===
        // ===BEGIN PRIVATE DOMAINS===
        github.io
        // ===END PRIVATE DOMAINS===
        """

    private func sampleList() throws -> IOCPublicSuffixList {
        try IOCPublicSuffixList(text: Self.sample)
    }

    func testPlainAndMultiLabelRules() throws {
        let list = try sampleList()
        XCTAssertEqual(list.ruleCount, 12)
        let match = try XCTUnwrap(list.match("WWW.Example.CO.UK."))
        XCTAssertEqual(match.publicSuffix, "co.uk")
        XCTAssertEqual(match.registrableDomain, "example.co.uk")
        XCTAssertTrue(match.isKnown)
        XCTAssertEqual(list.registrableDomain(of: "example.com"), "example.com")
        XCTAssertNil(list.registrableDomain(of: "co.uk"), "a public suffix alone has no registrable domain")
    }

    func testWildcardsAndExceptions() throws {
        let list = try sampleList()
        XCTAssertEqual(list.match("a.b.kawasaki.jp")?.publicSuffix, "b.kawasaki.jp")
        XCTAssertEqual(list.registrableDomain(of: "a.b.kawasaki.jp"), "a.b.kawasaki.jp")
        XCTAssertNil(list.registrableDomain(of: "b.kawasaki.jp"), "matched by the wildcard: a suffix")
        XCTAssertEqual(list.match("city.kawasaki.jp")?.publicSuffix, "kawasaki.jp", "the exception prevails")
        XCTAssertEqual(list.registrableDomain(of: "www.city.kawasaki.jp"), "city.kawasaki.jp")
        XCTAssertEqual(list.match("foo.bar.ck")?.publicSuffix, "bar.ck")
        XCTAssertEqual(list.match("www.ck")?.publicSuffix, "ck")
        XCTAssertEqual(list.registrableDomain(of: "www.ck"), "www.ck")
    }

    func testSectionsAndUnknownSuffixes() throws {
        let list = try sampleList()
        XCTAssertEqual(list.match("user.github.io", section: .all)?.registrableDomain, "user.github.io")
        XCTAssertEqual(list.match("user.github.io", section: .icann)?.registrableDomain, "github.io")
        let unknown = try XCTUnwrap(list.match("example.notatld"))
        XCTAssertFalse(unknown.isKnown)
        XCTAssertEqual(unknown.publicSuffix, "notatld", "the implicit * rule")
        XCTAssertNil(list.registrableDomain(of: "example.notatld"))
        XCTAssertNil(list.match("bad..name"))
        XCTAssertNil(list.match(""))
    }

    func testUnicodeRulesAlsoMatchTheirPunycodeForm() throws {
        let list = try sampleList()
        XCTAssertEqual(list.match("shop.xn--55qx5d.cn")?.publicSuffix, "xn--55qx5d.cn")
        XCTAssertEqual(list.match("shop.公司.cn")?.publicSuffix, "公司.cn")
    }

    func testRejectsWhatIsNotAList() {
        XCTAssertThrowsError(try IOCPublicSuffixList(text: "// only comments\n\n")) { error in
            XCTAssertEqual(error as? IOCError, .emptyPublicSuffixList)
        }
        XCTAssertThrowsError(try IOCPublicSuffixList(data: Data([0xFF, 0xFE, 0x00]))) { error in
            XCTAssertEqual(error as? IOCError, .notUTF8(what: "the Public Suffix List"))
        }
        XCTAssertThrowsError(try IOCPublicSuffixList(contentsOfFile: "/nonexistent/psl.dat")) { error in
            XCTAssertTrue("\(error)".contains("publicsuffix package"), "\(error)")
        }
    }

    func testTheInstalledList() throws {
        let list = try IOCTestData.publicSuffixes()
        XCTAssertGreaterThan(list.ruleCount, 5_000)
        XCTAssertEqual(list.registrableDomain(of: "news.bbc.co.uk"), "bbc.co.uk")
        XCTAssertEqual(list.registrableDomain(of: "mcdonalds.promoscupom.cf"), "promoscupom.cf")
        XCTAssertEqual(list.match("foo.bar.kawasaki.jp")?.publicSuffix, "bar.kawasaki.jp")
        XCTAssertEqual(list.registrableDomain(of: "city.kawasaki.jp"), "city.kawasaki.jp")
        XCTAssertEqual(list.match("someone.github.io", section: .all)?.publicSuffix, "github.io")
        XCTAssertEqual(list.match("someone.github.io", section: .icann)?.publicSuffix, "io")
        XCTAssertEqual(list.match("example.xn--p1ai")?.publicSuffix, "xn--p1ai", "рф in its ASCII form")
        XCTAssertEqual(list.match("example.zip")?.isKnown, true)
        XCTAssertEqual(list.match("example.tld")?.isKnown, false)
    }
}
