import Foundation
import TocsinCore

extension IOCEvaluationCase {
    /// ioc-finder's test cases (`find_iocs_cases.json`: text, expected values by ioc-finder type, options) read as
    /// evaluation cases in Tocsin's kinds, with the extraction options each case asks for.
    ///
    /// ioc-finder's `urls_complete` is its URL as written (its `urls` cuts at commas and userinfo); its imphashes
    /// and authentihashes are MD5 and SHA-256 digests to us; XMPP addresses are email addresses to us; an IPv4
    /// address it reports only as the base of a CIDR block is, for us, the block. Types we do not extract are
    /// ignored: ASNs, ATT&CK ids, bitcoin and monero addresses, ssdeep, registry keys, file paths, MAC addresses,
    /// user agents, TLP labels, Google Analytics and AdSense ids.
    public static func iocFinderCases(_ data: Data) throws(IOCError) -> [(evaluationCase: IOCEvaluationCase, options: IOCExtractor.Options)] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = root["cases"] as? [[String: Any]] else {
            throw IOCError.invalidCases("not ioc-finder's cases: expected an object with a \"cases\" list")
        }
        return cases.enumerated().compactMap { index, item in
            guard let text = item["text"] as? String else { return nil }
            let id = "\(index):\(item["id"] as? String ?? "?")"
            let given = item["expected"] as? [String: Any] ?? [:]
            var expected: [Indicator.Kind: [String]] = [:]
            for (type, kind) in iocFinderKinds {
                if let values = given[type] as? [String] { expected[kind, default: []] += values }
            }
            let cidrBases = Set(((given["ipv4_cidrs"] as? [String]) ?? []).compactMap { $0.split(separator: "/").first.map(String.init) })
            expected[.ipv4]?.removeAll { cidrBases.contains($0) }
            let flags = item["options"] as? [String: Bool] ?? [:]
            // `parse_from_url_path` is left unmapped: with it off, ioc-finder still reports the domains of a URL's
            // query, so it does not mean our `indicatorsFromURLPaths`.
            let options = IOCExtractor.Options(hostsFromURLs: flags["parse_domain_from_url"] ?? true,
                                               domainsFromEmails: flags["parse_domain_from_email_address"] ?? true)
            return (IOCEvaluationCase(id: id, text: text, expected: expected), options)
        }
    }

    /// ioc-finder's result types and the kinds they are to Tocsin.
    static let iocFinderKinds: [String: Indicator.Kind] = [
        "domains": .domain, "urls_complete": .url, "ipv4s": .ipv4, "ipv4_cidrs": .ipv4, "ipv6s": .ipv6,
        "email_addresses": .email, "xmpp_addresses": .email, "md5s": .md5, "imphashes": .md5, "sha1s": .sha1,
        "sha256s": .sha256, "authentihashes": .sha256, "sha512s": .sha512, "cves": .cve,
    ]
}
