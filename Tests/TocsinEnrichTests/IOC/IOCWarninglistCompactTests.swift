import Foundation
@testable import TocsinEnrich
import TocsinCore
import TocsinTestSupport
import XCTest

/// The compact forms of warninglist entries answer exactly as the sets they replace: `Set<String>` for `string` and
/// `hostname` lists, a set of masked networks per address width and prefix length for `cidr` lists.
final class IOCWarninglistCompactTests: XCTestCase {
    /// Pieces of entries and values, with the characters where byte and string equality part: a decomposed `é`,
    /// the Greek question mark (canonically `;`), the Kelvin sign, a ligature, an emoji.
    private static let pieces = ["a", "b", "z", "0", "9", ".", "-", "_", ";", "é", "e\u{301}", "\u{37E}", "\u{212A}", "k",
                                 "ß", "ss", "ﬁ", "fi", "🙂", "xn--", "com", "example", "\u{301}", " "]

    private func word(_ random: inout SplitMix64, length: ClosedRange<Int> = 0...6) -> String {
        (0..<Int.random(in: length, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
    }

    func testStringsAnswerAsASetOfStrings() {
        var random = SplitMix64(seed: 0x5EED_0015)
        for round in 0..<40 {
            let entries = (0..<Int.random(in: 0...300, using: &random)).map { _ in word(&random, length: 1...6) }
            let compact = IOCWarninglistStrings(entries)
            let reference = Set(entries)
            var values = entries.shuffled(using: &random).prefix(50).map { $0 }
            values += (0..<200).map { _ in word(&random) }
            // Each entry written another way: decomposed, recomposed, with the Greek question mark for `;`.
            values += entries.prefix(50).map { $0.decomposedStringWithCanonicalMapping }
            values += entries.prefix(50).map { $0.precomposedStringWithCanonicalMapping }
            values += entries.prefix(50).map { $0.replacingOccurrences(of: ";", with: "\u{37E}") }
            for value in values {
                XCTAssertEqual(compact.contains(value), reference.contains(value), "round \(round): \(value.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    func testStringsOfNoEntryHoldNothing() {
        let compact = IOCWarninglistStrings([])
        XCTAssertFalse(compact.contains(""))
        XCTAssertFalse(compact.contains("example.com"))
    }

    func testAHostnameListMatchesAsBefore() throws {
        var random = SplitMix64(seed: 0x5EED_0016)
        let labels = ["example", "com", "org", "fr", "sante", "b", "xn--bcher-kva", "dns", "google", "é", "e\u{301}"]
        func host(_ random: inout SplitMix64) -> String {
            (0..<Int.random(in: 1...4, using: &random)).map { _ in labels.randomElement(using: &random)! }.joined(separator: ".")
        }
        let entries = (0..<500).map { _ in host(&random) } + ["*.wild.example", ".dot.example", "trailing.example."]
        let list = try IOCWarninglist(name: "hosts", type: .hostname, entries: entries)
        // The rule as it stood: the lower-cased host or one of its parent domains is an entry, stars and dots stripped.
        var reference: Set<String> = []
        for raw in entries {
            var entry = raw.lowercased()
            while entry.hasPrefix(".") || entry.hasPrefix("*.") { entry.removeFirst(entry.hasPrefix(".") ? 1 : 2) }
            while entry.hasSuffix(".") { entry.removeLast() }
            if !entry.isEmpty { reference.insert(entry) }
        }
        func expected(_ value: String) -> Bool {
            var candidate = Substring(value.lowercased())
            while true {
                if reference.contains(String(candidate)) { return true }
                guard let dot = candidate.firstIndex(of: ".") else { return false }
                candidate = candidate[candidate.index(after: dot)...]
            }
        }
        let values = (0..<2_000).map { _ in host(&random) } + ["a.wild.example", "dot.example", "x.trailing.example", "EXAMPLE.COM"]
        for value in values {
            XCTAssertEqual(list.matches(Indicator(type: .domain, value: value)), expected(value), value)
        }
    }

    func testNetworksAnswerAsSetsOfMaskedNetworks() {
        var random = SplitMix64(seed: 0x5EED_0017)
        for round in 0..<20 {
            var networks: [(base: IOCAddress, prefix: Int)] = []
            for _ in 0..<Int.random(in: 0...400, using: &random) {
                if Bool.random(using: &random) {
                    // Few distinct high bits, so that addresses drawn below often fall inside.
                    networks.append((.v4(UInt32.random(in: 0...3, using: &random) << 30 | UInt32.random(in: 0...0xFFFF, using: &random)),
                                     Int.random(in: 0...32, using: &random)))
                } else {
                    networks.append((.v6(UInt64.random(in: 0...3, using: &random) << 62, UInt64.random(in: 0...0xFFFF, using: &random)),
                                     Int.random(in: 0...128, using: &random)))
                }
            }
            let compact = IOCWarninglistNetworks(networks)
            // The index as it stood: by address width, then prefix length, a set of masked bases.
            var reference: [Int: [Int: Set<IOCAddress>]] = [:]
            for network in networks {
                reference[network.base.bitWidth, default: [:]][network.prefix, default: []].insert(network.base.masked(network.prefix))
            }
            for _ in 0..<1_000 {
                let address: IOCAddress = Bool.random(using: &random)
                    ? .v4(UInt32.random(in: 0...3, using: &random) << 30 | UInt32.random(in: 0...0xFFFF, using: &random))
                    : .v6(UInt64.random(in: 0...3, using: &random) << 62, UInt64.random(in: 0...0xFFFF, using: &random))
                let prefix = Int.random(in: -1...130, using: &random)
                let expected = reference[address.bitWidth]?.contains { prefix >= $0.key && $0.value.contains(address.masked($0.key)) } ?? false
                XCTAssertEqual(compact.contains(address, prefix: prefix), expected, "round \(round): \(address)/\(prefix)")
            }
        }
    }

    /// The lists of the fixtures: every entry, and every entry changed by one character, matched as before.
    func testFixtureListsMatchTheirEntries() throws {
        let lists = try IOCWarninglists(contentsOf: Fixtures.url("ioc/misp-warninglists").path)
        var checked = 0
        for url in try FileManager.default.contentsOfDirectory(at: Fixtures.url("ioc/misp-warninglists"), includingPropertiesForKeys: nil)
        where url.pathExtension == "json" {
            guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
                  let name = object["name"] as? String, let entries = object["list"] as? [String],
                  let type = object["type"] as? String, type == "string" || type == "hostname",
                  let list = lists.lists.first(where: { $0.name == name }) else { continue }
            let reference = Set(entries.map { $0.trimmingWhitespace().lowercased() })
            for entry in entries {
                let value = entry.trimmingWhitespace()
                guard !value.isEmpty, !value.hasPrefix("."), !value.hasPrefix("*") else { continue }
                let kind: Indicator.Kind = list.applies(to: .domain) ? .domain : (list.applies(to: .md5) ? .md5 : .domain)
                guard list.applies(to: kind) else { continue }
                XCTAssertTrue(list.matches(Indicator(type: kind, value: value.uppercased())), "\(name): \(value)")
                let changed = String(value.dropLast()) + (value.last == "q" ? "r" : "q")
                if type == "string" {
                    XCTAssertEqual(list.matches(Indicator(type: kind, value: changed)), reference.contains(changed.lowercased()), "\(name): \(changed)")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }
}
