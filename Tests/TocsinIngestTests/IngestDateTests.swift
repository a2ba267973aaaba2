import Foundation
import TocsinCore
@testable import TocsinIngest
import TocsinTestSupport
import XCTest

final class IngestDateTests: XCTestCase {
    private func iso(_ text: String) -> Date? { IngestDate.parse(text) }
    private func utc(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: seconds) }

    func testRFC3339Forms() {
        // 2003-04-02T19:39:01Z
        XCTAssertEqual(iso("2003-04-02T14:39:01-05:00"), utc(1_049_312_341))
        XCTAssertEqual(iso("2013-01-05T10:58:23-00:00"), utc(1_357_383_503))
        XCTAssertEqual(iso("2026-03-15T20:02:39.675Z")?.timeIntervalSince1970, 1_773_604_959.675)
        XCTAssertEqual(iso("2018-08-15T14:52:00-08:00"), iso("2018-08-15T22:52:00Z"))
        XCTAssertEqual(iso("2018-08-15 22:52:00+0000"), iso("2018-08-15T22:52:00Z"))
        XCTAssertEqual(iso("2018-08-16T00:52:00+02"), iso("2018-08-15T22:52:00Z"))
        XCTAssertEqual(iso("2026-02-09T00:00:00.000000"), utc(1_770_595_200), "no offset: UTC")
        XCTAssertEqual(iso("2026-02-09"), utc(1_770_595_200))
        XCTAssertNil(iso("2026-02-30T00:00:00Z"))
        XCTAssertNil(iso("2026-13-01"))
        XCTAssertNil(iso("2026-02-09T25:00:00Z"))
        XCTAssertNil(iso("2026-02-09Tjunk"))
    }

    func testTheFormsJSONSourcesWrite() {
        XCTAssertEqual(iso("2024-06-11T06:00:00.000000Z"), RFC3339.parse("2024-06-11T06:00:00Z"))
        XCTAssertEqual(iso("2024-08-26T14:33:05.281221"), RFC3339.parse("2024-08-26T14:33:05.281Z"))
        XCTAssertEqual(iso("2023-03-08T00:00:00"), RFC3339.parse("2023-03-08T00:00:00Z"))
        XCTAssertEqual(iso("2024-09-03T17:57:24+00:00"), RFC3339.parse("2024-09-03T17:57:24Z"))
        XCTAssertEqual(iso("2024-08-22T19:20:09.516938+00:00"), RFC3339.parse("2024-08-22T19:20:09.516Z"), "fractions are cut, not rounded")
        XCTAssertEqual(iso("2024-02-09"), RFC3339.parse("2024-02-09T00:00:00Z"))
        XCTAssertEqual(iso("2025-02-04T12:00:00.0Z"), RFC3339.parse("2025-02-04T12:00:00Z"))
        XCTAssertEqual(iso("2024-01-01T10:00:00-05:00"), RFC3339.parse("2024-01-01T15:00:00Z"))
        XCTAssertNil(iso("8/30/2024"))
    }

    func testDaysOnly() {
        XCTAssertEqual(IngestDate.day("2018-10-10"), RFC3339.parse("2018-10-10T00:00:00Z"))
        XCTAssertNil(IngestDate.day("2018-1-10"))
        XCTAssertNil(IngestDate.day("2018-02-30"))
        XCTAssertNil(IngestDate.day("10/10/2018"))
        XCTAssertNil(IngestDate.day("2018-10-10T00:00:00Z"))
    }

    func testRFC822Forms() {
        let expected = iso("2023-03-07T00:29:00Z")
        XCTAssertEqual(IngestDate.parse("Tue, 07 Mar 2023 00:29:00 GMT"), expected)
        XCTAssertEqual(IngestDate.parse("Tue, 07 Mar 2023 00:29:00 +0000"), expected)
        XCTAssertEqual(IngestDate.parse("Mon, 06 Mar 2023 19:29:00 EST"), expected)
        XCTAssertEqual(IngestDate.parse("Mon, 06 Mar 2023 16:29:00 PST"), expected)
        XCTAssertEqual(IngestDate.parse("Tue, 07 Mar 2023 01:29:00 +0100"), expected)
        XCTAssertEqual(IngestDate.parse("7 Mar 2023 00:29 UT"), expected)
        XCTAssertEqual(IngestDate.parse("Tuesday, 07 March 2023 00:29:00 GMT"), expected)
        XCTAssertEqual(IngestDate.parse("Tue, 07 Mar 23 00:29:00 Z"), expected)
        XCTAssertEqual(IngestDate.parse("Tue, 07 Mar 2023 00:29:00"), expected, "no zone: UTC")
        XCTAssertNil(IngestDate.parse("Tue, 32 Mar 2023 00:29:00 GMT"))
        XCTAssertNil(IngestDate.parse("Tue, 07 Foo 2023 00:29:00 GMT"))
        XCTAssertNil(IngestDate.parse("Tue, 07 Mar 2023 00:29:00 +9999"))
        XCTAssertNil(IngestDate.parse("yesterday"))
        XCTAssertNil(IngestDate.parse(""))
    }

    func testFrenchDates() {
        XCTAssertEqual(CERTFRText.frenchDate("02 octobre 2023"), iso("2023-10-02"))
        XCTAssertEqual(CERTFRText.frenchDate("1er août 2026"), iso("2026-08-01"))
        XCTAssertEqual(CERTFRText.frenchDate("13 décembre 2023"), iso("2023-12-13"))
        XCTAssertNil(CERTFRText.frenchDate("31 février 2024"))
        let split = CERTFRText.splitTitle("[MàJ] Vulnérabilité dans Citrix NetScaler ADC et NetScaler Gateway (23 octobre 2023)")
        XCTAssertEqual(split.title, "Vulnérabilité dans Citrix NetScaler ADC et NetScaler Gateway")
        XCTAssertTrue(split.updated)
        XCTAssertEqual(split.date, iso("2023-10-23"))
        XCTAssertEqual(CERTFRText.updateDates(in: "\\[Mise à jour du 22 novembre 2023\\] x. [Mise à jour du 4 mars 2024] y"),
                       [iso("2023-11-22")!, iso("2024-03-04")!])
    }
    // MARK: The byte-level RFC 822 reader against the character-level one it replaced

    /// Parts random dates are made of: the forms feeds write and their near misses (signs, overflowing numbers,
    /// doubled colons, odd zones, letters, non-ASCII characters).
    private static let weekdays = ["Mon", "Tue,", "Wednesday,", "THU", "fri", "Sa", "Sun.", "", "", "Dim"]
    private static let days = ["07", "7", "1", "31", "0", "32", "+7", "-7", "x", "99999999999999999999", "07é", "٠٧", "00007"]
    private static let months = ["Mar", "mar", "MARCH", "Jan", "Feb", "Dec", "Sept", "May", "Foo", "Ma", "mär", "Mars", "Dé"]
    private static let years = ["2023", "23", "99", "50", "49", "+5", "-1", "0", "10000", "2023x", "9223372036854775808", "1970"]
    private static let clocks = ["00:29", "00:29:00", "23:59:60", "00::29", "24:00", "1:2:3:4", ":", "00:29:", "a:b", "7:5", "+1:-0", "00:29:00.5"]
    private static let zones = ["GMT", "gmt", "UT", "+0000", "-0500", "+0130", "+9999", "+-100", "++100", "Z", "A", "j", "EST", "edt",
                                "akdt", "+01", "+01:00", "", "", "(CET)", "CEST", "+00000", "é", "1"]
    private static let separators = [" ", " ", ", ", ",", "\t", "  ", " ,", "\u{A0}", "\n", "\r\n"]

    func testTheByteLevelRFC822ReaderMatchesTheCharacterLevelOneOnRandomDates() {
        var generator = SplitMix64(seed: 822)
        func pick(_ list: [String]) -> String { list.randomElement(using: &generator)! }
        var valid = 0
        for round in 0..<30_000 {
            var parts = [pick(Self.weekdays), pick(Self.days), pick(Self.months), pick(Self.years), pick(Self.clocks), pick(Self.zones)]
            if round % 7 == 0 { parts.swapAt(1, 2) }
            if round % 11 == 0 { parts.append(pick(["(UTC)", "extra", "été", "+0000"])) }
            var text = ""
            for part in parts where !part.isEmpty { text += (text.isEmpty ? "" : pick(Self.separators)) + part }
            if round % 13 == 0 { text = pick([" ", "\u{A0}", "\t"]) + text + pick(["", " ", "\u{3000}"]) }
            XCTAssertEqual(IngestDate.parse(text), ReferenceIngestDate.parse(text), text.debugDescription)
            valid += IngestDate.parse(text) == nil ? 0 : 1
        }
        XCTAssertGreaterThan(valid, 300, "enough of the random dates are valid to compare values, not only refusals")
        // Random strings of the characters dates are written with.
        let alphabet = Array(" ,\t:+-0123456789GMTmarJanSepUTCZzé\u{A0}")
        for _ in 0..<20_000 {
            let text = String((0..<Int.random(in: 0...30, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            XCTAssertEqual(IngestDate.parse(text), ReferenceIngestDate.parse(text), text.debugDescription)
        }
    }

    /// Every date-like value of the corpus (XML date elements, JSON date fields) reads as before.
    func testTheDatesOfTheCorpusReadAsBefore() throws {
        let xmlDate = try NSRegularExpression(pattern: #"<((?:[A-Za-z]+:)?(?:pubDate|lastBuildDate|date|published|updated|modified|effective|expires|onset|sent|issued|created))>([^<]{1,80})</"#)
        let jsonDate = try NSRegularExpression(pattern: #""[A-Za-z_]*(?:date|Date|_at|published|modified|updated|created|timestamp)[A-Za-z_]*"\s*:\s*"([^"]{1,80})""#)
        var values = Set<String>()
        for folder in ["feeds", "cert-fr", "cap", "csaf", "cve", "misp", "stix"] {
            for url in try Fixtures.files(in: folder, extensions: [".xml", ".json"]) {
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                let range = NSRange(text.startIndex..., in: text)
                for match in xmlDate.matches(in: text, range: range) { values.insert((text as NSString).substring(with: match.range(at: 2))) }
                for match in jsonDate.matches(in: text, range: range) { values.insert((text as NSString).substring(with: match.range(at: 1))) }
            }
        }
        XCTAssertGreaterThan(values.count, 500)
        var rfc822 = 0
        for value in values {
            XCTAssertEqual(IngestDate.parse(value), ReferenceIngestDate.parse(value), value.debugDescription)
            if value.first?.isLetter == true, IngestDate.parse(value) != nil { rfc822 += 1 }
        }
        XCTAssertGreaterThan(rfc822, 50, "the corpus's RFC 822 dates are among them")
    }
}
