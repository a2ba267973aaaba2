import Foundation
import TocsinCore
import TocsinEnrich
import XCTest

final class IOCExtractorTests: XCTestCase {
    func testKindsNormalisationAndOrder() throws {
        let text = """
            Actor used hxxps://Login-Update[.]COM/owa/auth.php?u=1 (hosted on 45.77.12[.]9) and mailed
            Invoice[at]Login-Update[.]com. Dropper SHA256 \(String(repeating: "AB", count: 32)) exploits
            cve-2021-44228 and CVE 2023-4966; C2 over 2A00:1450:4007:080B:0000:0000:0000:200E and 45.77.12.9 again.
            """
        let indicators = try IOCTestData.extractor().extract(text)
        XCTAssertEqual(indicators.described, [
            "url:https://login-update.com/owa/auth.php?u=1",
            "domain:login-update.com",
            "ipv4:45.77.12.9",
            "email:invoice@login-update.com",
            "sha256:\(String(repeating: "ab", count: 32))",
            "cve:CVE-2021-44228",
            "cve:CVE-2023-4966",
            "ipv6:2a00:1450:4007:80b::200e",
        ])
    }

    func testURLBoundaries() throws {
        let extractor = try IOCTestData.extractor(IOCExtractor.Options(kinds: [.url]))
        XCTAssertEqual(extractor.extract("Foo https://citizenlab.ca/about/), bar").values(.url), ["https://citizenlab.ca/about/"])
        XCTAssertEqual(extractor.extract("(see https://en.wikipedia.org/wiki/Foo_(bar))").values(.url),
                       ["https://en.wikipedia.org/wiki/Foo_(bar)"])
        XCTAssertEqual(extractor.extract("DownloadString('https://example[.]com/rdp.ps1');").values(.url),
                       ["https://example.com/rdp.ps1"])
        XCTAssertEqual(extractor.extract("<a href=\"http://evil.com/x?a=1&b=2\">").values(.url), ["http://evil.com/x?a=1&b=2"])
        XCTAssertEqual(extractor.extract("https://www.welivesecurity.com[WeLiveSecurity]").values(.url),
                       ["https://www.welivesecurity.com"])
        XCTAssertEqual(extractor.extract("http://userid:password@Example.com:8080/").values(.url),
                       ["http://userid:password@example.com:8080/"])
        XCTAssertEqual(extractor.extract("tcp://[FDC4:2581::1]:80/path").values(.url), ["tcp://[fdc4:2581::1]:80/path"])
        XCTAssertEqual(extractor.extract("“https://evil.com/a”, and").values(.url), ["https://evil.com/a"])
        XCTAssertEqual(extractor.extract("http://localhost/ and http://nohost and http://x.notatld/").values(.url), [])
    }

    func testURLsWithoutScheme() throws {
        let extractor = try IOCTestData.extractor()
        XCTAssertEqual(extractor.extract("get evil.com/a/b.php now").described,
                       ["url:evil.com/a/b.php", "domain:evil.com"])
        XCTAssertEqual(extractor.extract("192[.]168[.]0[.]1:9090/url and 192.168.0.2:443").described,
                       ["url:192.168.0.1:9090/url", "ipv4:192.168.0.1", "ipv4:192.168.0.2"])
        XCTAssertEqual(extractor.extract("1.1.1.1/0 and 2001:4860::/32").described,
                       ["ipv4:1.1.1.1/0", "ipv6:2001:4860::/32"], "CIDR blocks, not paths")
        XCTAssertEqual(extractor.extract("range 45.77.12.1-45.77.12.254").described,
                       ["ipv4:45.77.12.1", "ipv4:45.77.12.254"], "both ends of an address range")
    }

    func testWhatURLPathsHold() throws {
        let text = "https://asf.goole.com/mail?url=http%3A%2F%2Ffreasdfuewriter.com%2Fcs%2Fimage.jpg&x=1"
        XCTAssertEqual(try IOCTestData.extractor().extract(text).values(.domain), ["asf.goole.com", "freasdfuewriter.com"])
        let quiet = try IOCTestData.extractor(IOCExtractor.Options(hostsFromURLs: false, indicatorsFromURLPaths: false))
        XCTAssertEqual(quiet.extract(text).described, ["url:\(text)"])
        let sandbox = "https://www.virustotal.com/gui/file/\(String(repeating: "0f", count: 32))/detection"
        XCTAssertEqual(try IOCTestData.extractor().extract(sandbox).values(.sha256), [String(repeating: "0f", count: 32)])
    }

    func testEmails() throws {
        let extractor = try IOCTestData.extractor()
        XCTAssertEqual(extractor.extract("From: John.Smith+promo@Mail.Example.co.uk>").described,
                       ["email:john.smith+promo@mail.example.co.uk", "domain:mail.example.co.uk"])
        XCTAssertEqual(extractor.extract("test@[192.168.0.1]").described, ["email:test@[192.168.0.1]", "ipv4:192.168.0.1"])
        XCTAssertEqual(extractor.extract("@handle and a..b@example.com and .x@example.com").values(.email), [])
        let withoutDomains = try IOCTestData.extractor(IOCExtractor.Options(domainsFromEmails: false))
        XCTAssertEqual(withoutDomains.extract("a@example.com").described, ["email:a@example.com"])
    }

    func testCVEForms() throws {
        let found = try IOCTestData.extractor().extract(
            "CVE-2024-3400, cve_2021_44228, CVE‑2023‑12345 (non-breaking hyphens), CVE-2024-123 too short, CVE-2024-12345678901234567890 too long"
        ).values(.cve)
        XCTAssertEqual(found, ["CVE-2024-3400", "CVE-2021-44228", "CVE-2023-12345"])
        for id in found { XCTAssertTrue(CVE.isValid(id), id) }
    }

    func testDuplicatesAreReportedOnce() throws {
        let found = try IOCTestData.extractor().extract("evil.com EVIL.com evil[.]com http://evil.com http://evil.com").described
        XCTAssertEqual(found, ["domain:evil.com", "url:http://evil.com"])
    }

    func testCapOnIndicators() throws {
        let text = (1...50).map { "10.0.0.\($0)" }.joined(separator: " ")
        let extractor = try IOCTestData.extractor(IOCExtractor.Options(maxIndicators: 10))
        let result = extractor.extractDetailed(text)
        XCTAssertEqual(result.indicators.values(.ipv4), (1...10).map { "10.0.0.\($0)" })
        XCTAssertTrue(result.reachedLimit)
        XCTAssertFalse(try IOCTestData.extractor().extractDetailed(text).reachedLimit)
        XCTAssertEqual(try IOCTestData.extractor().extract(text).count, 50)
        XCTAssertEqual(IOCExtractor.Options().maxIndicators, 10_000)
    }

    func testKindsFilter() throws {
        let extractor = try IOCTestData.extractor(IOCExtractor.Options(kinds: [.cve]))
        XCTAssertEqual(extractor.extract("evil.com 8.8.8.8 CVE-2024-3400").described, ["cve:CVE-2024-3400"])
    }

    func testHostileInputsStayLinear() throws {
        let extractor = try IOCTestData.extractor()
        let size = 400_000
        let inputs = [
            String(repeating: "a.", count: size / 2),
            String(repeating: ":", count: size),
            String(repeating: "1.", count: size / 2),
            String(repeating: "[.]", count: size / 3),
            String(repeating: "a dot ", count: size / 6),
            "http://" + String(repeating: "a", count: size),
            "http://evil.com/" + String(repeating: "(", count: size),
            String(repeating: "x@", count: size / 2),
            String(repeating: "f", count: size),
            String(repeating: "cve-", count: size / 4),
        ]
        for input in inputs {
            let start = Date()
            _ = extractor.extract(input)
            XCTAssertLessThan(Date().timeIntervalSince(start), 10, String(input.prefix(20)))
        }
    }

    func testThroughput() throws {
        var corpus = ""
        for path in ["ioc/ioc-finder/long-article-1.txt", "ioc/eset/exchange_exploitation__README.adoc",
                     "ioc/eset/mispadu__README.adoc", "ioc/iocextract/input.txt"] {
            corpus += try IOCTestData.text(path) + "\n"
        }
        var text = ""
        while text.utf8.count < 4_000_000 { text += corpus }
        let extractor = try IOCTestData.extractor()
        let start = Date()
        let found = extractor.extract(text)
        let seconds = Date().timeIntervalSince(start)
        let megabytes = Double(text.utf8.count) / 1_000_000
        print("IOC extraction: \(String(format: "%.1f", megabytes)) MB in \(String(format: "%.3f", seconds)) s = "
            + "\(String(format: "%.1f", megabytes / seconds)) MB/s, \(found.count) distinct indicators")
        XCTAssertFalse(found.isEmpty)
    }
}
