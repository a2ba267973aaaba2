import TocsinCore
import TocsinEnrich
import XCTest

/// One test per rejection rule, each with the accepted form next to the rejected one so that the rule, not the
/// sample, is what is tested.
final class IOCFalsePositiveRuleTests: XCTestCase {
    private func found(_ text: String, _ options: IOCExtractor.Options = .init()) throws -> [String] {
        try IOCTestData.extractor(options).extract(text).described
    }

    func testVersionNumbersAreNotAddresses() throws {
        XCTAssertEqual(try found("version 10.2.3.4"), [])
        XCTAssertEqual(try found("Version: 10.2.3.4"), [])
        XCTAssertEqual(try found("ver. 10.2.3.4"), [])
        XCTAssertEqual(try found("firmware 7.2.4.1"), [])
        XCTAssertEqual(try found("v10.2.3.4"), [])
        XCTAssertEqual(try found("the server 10.2.3.4"), ["ipv4:10.2.3.4"])
        // A defanged address is an address whatever precedes it.
        XCTAssertEqual(try found("version 10.2.3[.]4"), ["ipv4:10.2.3.4"])
    }

    func testLongerDottedRunsAreNotAddresses() throws {
        XCTAssertEqual(try found("OID 1.3.6.1.4.1.311 and rqz-loader 1.1.0 and build 10.0.19041.1"), [])
        XCTAssertEqual(try found("1.2.3.4a and 1.2.3.4-rc1"), [])
        XCTAssertEqual(try found("1.2.3.4."), ["ipv4:1.2.3.4"], "a sentence's full stop is not part of it")
    }

    func testInvalidOctets() throws {
        XCTAssertEqual(try found("255.256.344.1 and 300.1.1.1"), [])
        XCTAssertEqual(try found("010.1.1.1 and 1.02.3.4"), [], "leading zeros read as octal by inet_aton")
        XCTAssertEqual(try found("0.0.0.0"), ["ipv4:0.0.0.0"])
    }

    func testDocumentationRangesAlwaysAndNonPublicRangesOnRequest() throws {
        XCTAssertEqual(try found("192.0.2.1 198.51.100.7 203.0.113.9/24 2001:db8::1 3fff::1 http://192.0.2.5/x"), [])
        XCTAssertEqual(try found("192.0.3.1"), ["ipv4:192.0.3.1"])
        XCTAssertEqual(try found("10.0.0.1 ::1 fe80::1"), ["ipv4:10.0.0.1", "ipv6:::1", "ipv6:fe80::1"])
        XCTAssertEqual(try found("10.0.0.1 127.0.0.1 ::1 fe80::1 224.0.0.1 8.8.8.8",
                                 IOCExtractor.Options(rejectNonPublicAddresses: true)), ["ipv4:8.8.8.8"])
    }

    func testFileNamesAreNotDomains() throws {
        XCTAssertEqual(try found("open invoice.zip, run setup.py or read README.md and libssl.so; film.mov"), [])
        XCTAssertEqual(try found("payload.exe report.pdf"), [], "not TLDs anyway")
        XCTAssertEqual(try found("evil[.]zip"), ["domain:evil.zip"], "defanged: the writer says it is a host")
        XCTAssertEqual(try found("http://evil.zip/a"), ["url:http://evil.zip/a", "domain:evil.zip"])
        XCTAssertEqual(try found("contact@evil.zip"), ["email:contact@evil.zip", "domain:evil.zip"])
        XCTAssertEqual(try found("wp.pl and evil.app"), ["domain:wp.pl", "domain:evil.app"],
                       "extensions whose TLDs are widely used stay domains")
    }

    func testPathsAndDetectionNamesAreNotDomains() throws {
        XCTAssertEqual(try found("Trojan:Win32/Emotet.PS and C:\\Temp\\evil.com and ~/bin/tool.sh"), [])
        XCTAssertEqual(try found("see evil.com"), ["domain:evil.com"])
    }

    func testCodeIsNotDomains() throws {
        XCTAssertEqual(try found("self.report(data)"), [])
        XCTAssertEqual(try found("Mail.Ru and Microsoft.Exchange.Net"), [])
        XCTAssertEqual(try found("com.example.app and org.apache.commons.io"), [])
        XCTAssertEqual(try found("Google.com and mail.ru"), ["domain:google.com", "domain:mail.ru"])
    }

    func testLabelsThatAreNotHostNames() throws {
        XCTAssertEqual(try found("x.x.x.x tooshor.t tooshor. _____.tld bad-.com foo_bar.com"), [])
        XCTAssertEqual(try found("_dmarc.example.org"), ["domain:_dmarc.example.org"], "`_` left of the registrable label")
        XCTAssertEqual(try found("a.b.c.\(String(repeating: "x", count: 64)).com"), [], "label over 63 bytes")
    }

    func testSuffixesOutsideThePublicSuffixList() throws {
        XCTAssertEqual(try found("example.notatld and example.tld and co.uk"), [])
        XCTAssertEqual(try found("example.co.uk"), ["domain:example.co.uk"])
    }

    func testHashesNeedExactLengthsAndWordBoundaries() throws {
        let md5 = "68b329da9893e34099c7d8ad5cb9c940"
        XCTAssertEqual(try found("adc83b191b1c6ea0fd8b46cd9f32e592fc"), [], "34 hex digits")
        XCTAssertEqual(try found(String(repeating: "1", count: 32)), [], "decimal digits only")
        XCTAssertEqual(try found("0x\(md5) \(md5)_x x\(md5)"), [])
        XCTAssertEqual(try found("md5-\(md5)"), ["md5:\(md5)"])
        XCTAssertEqual(try found("\(md5.uppercased()).exe"), ["md5:\(md5)"])
    }

    func testIPv6NeedsTwoColonsAndNoGluedWord() throws {
        XCTAssertEqual(try found("1:1 12:30:45 AB:F2:C9:A6:B3:4F std::vector a::bar"), [])
        XCTAssertEqual(try found("2a00:1450:4007:80b::200e"), ["ipv6:2a00:1450:4007:80b::200e"])
    }
}
