import Foundation
import TocsinCore
import TocsinEnrich
import TocsinTestSupport
import XCTest

final class IOCWarninglistTests: XCTestCase {
    private func fixtureLists() throws -> IOCWarninglists {
        try IOCWarninglists(contentsOf: Fixtures.url("ioc/misp-warninglists").path)
    }

    func testLoadsAFolderAndSkipsTheSchema() throws {
        let lists = try fixtureLists()
        XCTAssertEqual(lists.lists.map(\.name), [
            "List of known hashes with common false-positives (based on Florian Roth input list)",
            "List of known hashes for empty files",
            "List of RFC 5771 multicast CIDR blocks",
            "List of RFC 1918 CIDR blocks",
            "List of RFC 3849 CIDR blocks",
            "List of RFC 5735 CIDR blocks",
            "List of RFC 6761 Special-Use Domain Names",
            "List of known security providers/vendors blog domain",
            "TLDs as known by IANA",
            "List of known URL Shorteners domains",
            "List of known domains to know external IP",
        ])
        let rfc1918 = try XCTUnwrap(lists.lists.first { $0.name == "List of RFC 1918 CIDR blocks" })
        XCTAssertEqual(rfc1918.type, .cidr)
        XCTAssertEqual(rfc1918.entryCount, 3)
        XCTAssertTrue(rfc1918.applies(to: .ipv4))
        XCTAssertFalse(rfc1918.applies(to: .url))
        XCTAssertFalse(rfc1918.applies(to: .md5))
    }

    func testLoadsOneFile() throws {
        let lists = try IOCWarninglists(contentsOf: Fixtures.url("ioc/misp-warninglists/empty-hashes.json").path)
        XCTAssertEqual(lists.lists.count, 1)
        XCTAssertEqual(lists.firstMatch(for: Indicator(type: .md5, value: "D41D8CD98F00B204E9800998ECF8427E")),
                       "List of known hashes for empty files")
        XCTAssertNil(lists.firstMatch(for: Indicator(type: .domain, value: "d41d8cd98f00b204e9800998ecf8427e")),
                     "the list is for hashes only")
    }

    func testMatchingByListType() throws {
        let lists = try fixtureLists()
        func match(_ kind: Indicator.Kind, _ value: String) -> String? { lists.firstMatch(for: Indicator(type: kind, value: value)) }
        XCTAssertEqual(match(.ipv4, "192.168.0.1"), "List of RFC 1918 CIDR blocks")
        XCTAssertEqual(match(.ipv4, "172.16.4.0/24"), "List of RFC 1918 CIDR blocks", "a block inside the range")
        XCTAssertNil(match(.ipv4, "172.0.0.0/8"), "a block larger than the range")
        XCTAssertEqual(match(.ipv4, "127.0.0.1"), "List of RFC 5735 CIDR blocks")
        XCTAssertEqual(match(.ipv4, "239.1.2.3"), "List of RFC 5771 multicast CIDR blocks")
        XCTAssertEqual(match(.ipv6, "2001:db8::1"), "List of RFC 3849 CIDR blocks")
        XCTAssertNil(match(.ipv4, "8.8.8.8"))
        XCTAssertEqual(lists.matches(for: Indicator(type: .sha256,
                                                    value: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")),
                       ["List of known hashes with common false-positives (based on Florian Roth input list)",
                        "List of known hashes for empty files"])
        // `string` lists compare whole values; `hostname` lists also match subdomains and URL hosts.
        XCTAssertEqual(match(.domain, "example.com"), "List of RFC 6761 Special-Use Domain Names")
        XCTAssertNil(match(.domain, "www.example.com"))
        XCTAssertEqual(match(.domain, "www.welivesecurity.com"), "List of known security providers/vendors blog domain")
        XCTAssertEqual(match(.url, "https://www.welivesecurity.com/2019/11/19/x/"),
                       "List of known security providers/vendors blog domain")
        XCTAssertEqual(match(.url, "https://bit.ly/3abc"), "List of known URL Shorteners domains")
        XCTAssertEqual(match(.domain, "x.api.ipify.org"), "List of known domains to know external IP")
        XCTAssertNil(match(.domain, "notbit.ly"))
    }

    func testExtractionDropsOrFlagsHits() throws {
        let lists = try fixtureLists()
        let text = "C2 192.168.1.20 and 45.77.12.9, see https://www.welivesecurity.com/x/, empty d41d8cd98f00b204e9800998ecf8427e"
        let dropped = try IOCTestData.extractor(warninglists: lists).extractDetailed(text)
        XCTAssertEqual(dropped.indicators.described, ["ipv4:45.77.12.9"])
        XCTAssertEqual(dropped.warninglistHits.map(\.indicator.value),
                       ["192.168.1.20", "https://www.welivesecurity.com/x/", "www.welivesecurity.com",
                        "d41d8cd98f00b204e9800998ecf8427e"])
        XCTAssertEqual(dropped.warninglistHits.first?.list, "List of RFC 1918 CIDR blocks")

        let flagged = try IOCTestData.extractor(IOCExtractor.Options(warninglistAction: .flag), warninglists: lists)
            .extract(text)
        XCTAssertEqual(flagged.count, 5)
        XCTAssertEqual(flagged[0].toIds, false)
        XCTAssertEqual(flagged[0].comment, "MISP warninglist: List of RFC 1918 CIDR blocks")
        XCTAssertNil(flagged[1].toIds)

        let plain = try IOCTestData.extractor().extract(text)
        XCTAssertEqual(lists.filter(plain).kept.described, ["ipv4:45.77.12.9"])
        XCTAssertEqual(lists.flag(plain).filter { $0.toIds == false }.count, 4)
    }

    func testRegexAndSubstringLists() throws {
        let regex = try IOCWarninglist(name: "cloud", type: .regex, entries: ["/^[a-z0-9-]+\\.execute-api\\.[a-z0-9-]+\\.amazonaws\\.com$/i"],
                                       matchingAttributes: ["domain"])
        XCTAssertTrue(regex.matches(Indicator(type: .domain, value: "abc123.execute-api.eu-west-3.amazonaws.com")))
        XCTAssertFalse(regex.matches(Indicator(type: .domain, value: "evil.com")))
        let substring = try IOCWarninglist(name: "google", type: .substring, entries: ["GOOGLE"])
        XCTAssertTrue(substring.matches(Indicator(type: .url, value: "https://docs.google.com/x")))
        XCTAssertTrue(substring.applies(to: .cve), "no matching_attributes: every kind")
    }

    func testMalformedListsAreReportedWithTheirField() {
        func error(_ json: String) -> IOCError? {
            do {
                _ = try IOCWarninglist(data: Data(json.utf8), source: "x.json")
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(error(#"{"list": []}"#), .invalidWarninglist(source: "x.json", path: "name", message: "is missing"))
        XCTAssertEqual(error(#"{"name": "n", "type": "cidr", "list": ["10.0.0.0/8", "nonsense"]}"#),
                       .invalidWarninglist(source: "x.json", path: "list[1]",
                                           message: "'nonsense' is not an IP address or CIDR block"))
        XCTAssertEqual(error(#"{"name": "n", "type": "fuzzy", "list": []}"#),
                       .invalidWarninglist(source: "x.json", path: "type",
                                           message: "'fuzzy' is not one of string, substring, hostname, cidr, regex"))
        XCTAssertEqual(error(#"{"name": "n", "list": [1]}"#),
                       .invalidWarninglist(source: "x.json", path: "list[0]", message: "expected String"))
        XCTAssertEqual(error("not json"), .invalidWarninglist(source: "x.json", path: "$", message: "is not valid JSON"))
        XCTAssertEqual(error(#"{"name": "n", "type": "regex", "list": ["(unclosed"]}"#),
                       .invalidWarninglist(source: "x.json", path: "list[0]",
                                           message: "'(unclosed' is not a valid regular expression"))
        XCTAssertThrowsError(try IOCWarninglists(contentsOf: "/nonexistent/lists"))
    }
}

extension IOCWarninglistTests {
    /// CIDR lists are indexed by prefix length: on random networks, addresses and blocks, a match is exactly "some
    /// entry contains it", computed here bit by bit.
    func testCIDRListsMatchExactlyTheAddressesAndBlocksTheirEntriesContain() throws {
        var generator = SystemRandomNumberGenerator()
        func dotted(_ value: UInt32) -> String { (0..<4).map { String(value >> (24 - 8 * $0) & 0xFF) }.joined(separator: ".") }
        func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : ~UInt32(0) << (32 - prefix) }
        for _ in 0..<20 {
            let networks: [(UInt32, Int)] = (0..<Int.random(in: 1...40, using: &generator)).map { _ in
                (UInt32.random(in: 0...UInt32.max, using: &generator), [0, 8, 12, 16, 20, 24, 28, 31, 32].randomElement(using: &generator)!)
            }
            let list = try IOCWarninglist(name: "réseaux", type: .cidr, entries: networks.map { "\(dotted($0.0))/\($0.1)" },
                                          matchingAttributes: ["ip-dst"])
            for _ in 0..<300 {
                let (base, prefix) = networks.randomElement(using: &generator)!
                // Inside a listed network half the time, anywhere otherwise; a single address or a block.
                let address = Bool.random(using: &generator)
                    ? (base & mask(prefix)) | (UInt32.random(in: 0...UInt32.max, using: &generator) & ~mask(prefix))
                    : UInt32.random(in: 0...UInt32.max, using: &generator)
                let block = Bool.random(using: &generator) ? Int.random(in: 0...32, using: &generator) : 32
                let expected = networks.contains { block >= $0.1 && address & mask($0.1) == $0.0 & mask($0.1) }
                let value = block == 32 ? dotted(address) : "\(dotted(address))/\(block)"
                XCTAssertEqual(list.matches(Indicator(type: .ipv4, value: value)), expected, value)
            }
        }
        let v6 = try IOCWarninglist(name: "v6", type: .cidr, entries: ["2001:db8::/32", "2a00:1450:4007:80c::200e"], matchingAttributes: ["ip-dst"])
        XCTAssertTrue(v6.matches(Indicator(type: .ipv6, value: "2001:db8:1::5")))
        XCTAssertTrue(v6.matches(Indicator(type: .ipv6, value: "2a00:1450:4007:80c::200e")))
        XCTAssertFalse(v6.matches(Indicator(type: .ipv6, value: "2a00:1450:4007:80c::200f")))
        XCTAssertFalse(v6.matches(Indicator(type: .ipv6, value: "2001:db9::1")))
        XCTAssertFalse(v6.matches(Indicator(type: .ipv4, value: "32.1.13.184")), "an IPv4 address never matches an IPv6 network")
    }
}
