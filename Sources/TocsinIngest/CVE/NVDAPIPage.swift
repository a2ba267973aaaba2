import Foundation
import TocsinCore

/// Reads an NVD CVE API 2.0 response page (`"format": "NVD_CVE"`): one alert per `vulnerabilities[].cve`, keyed
/// by the CVE id and versioned by `lastModified`. Products come from the vulnerable CPE matches of
/// `configurations`, with `versionStart…`/`versionEnd…` as ranges; CISA KEV fields mark the CVE exploited.
enum NVDAPIPage {
    struct Page: Decodable {
        var format: String
        var vulnerabilities: [Item]
    }

    struct Item: Decodable {
        var cve: Record
    }

    struct Record: Decodable {
        var id: String
        var published: String
        var lastModified: String
        var vulnStatus: String?
        var sourceIdentifier: String?
        var descriptions: [CVERecord.Description]
        var metrics: Metrics?
        var references: [Link]?
        var configurations: [Configuration]?
        var weaknesses: [Weakness]?
        var cisaExploitAdd: String?
        var cisaVulnerabilityName: String?
    }

    struct Metrics: Decodable {
        var cvssMetricV40: [Metric]?
        var cvssMetricV31: [Metric]?
        var cvssMetricV30: [Metric]?
        var cvssMetricV2: [Metric]?
    }

    struct Metric: Decodable {
        var source: String?
        var cvssData: CVERecord.CVSS
    }

    struct Link: Decodable {
        var url: String
        var source: String?
    }

    struct Configuration: Decodable {
        var nodes: [Node]
    }

    struct Node: Decodable {
        var cpeMatch: [Match]?
    }

    struct Match: Decodable {
        var vulnerable: Bool
        var criteria: String
        var versionStartIncluding: String?
        var versionStartExcluding: String?
        var versionEndIncluding: String?
        var versionEndExcluding: String?
    }

    struct Weakness: Decodable {
        var description: [CVERecord.Description]
    }

    static func parse(_ data: Data, options: IngestOptions) throws(IngestError) -> [IngestedAlert] {
        let page = try IngestJSON.decode(Page.self, from: data, format: .cve)
        var alerts: [IngestedAlert] = []
        for (index, item) in page.vulnerabilities.enumerated() {
            let path = "vulnerabilities[\(index)].cve"
            alerts.append(IngestedAlert(draft: try IngestDraft.validated(draft(item.cve, path: path, options: options), format: .cve, path: path)))
        }
        return alerts
    }

    private static func draft(_ record: Record, path: String, options: IngestOptions) throws(IngestError) -> AlertDraft {
        let cveID = record.id.trimmingCharacters(in: .whitespaces).uppercased()
        guard CVE.isValid(cveID) else {
            throw IngestError(format: .cve, path: "\(path).id", message: "'\(record.id.prefix(64))' is not a CVE id like CVE-2024-3400")
        }
        let published = try CVERecordAdapter.date(record.published, path: "\(path).published")
        let modified = try CVERecordAdapter.date(record.lastModified, path: "\(path).lastModified")
        let rejected = record.vulnStatus?.lowercased() == "rejected"
        var attributes = ["cve.state": rejected ? "REJECTED" : "PUBLISHED"]
        if let status = record.vulnStatus { attributes["nvd.vulnStatus"] = status }

        var scores: [CVSSScore] = []
        let metrics = record.metrics
        for (version, list) in [("4.0", metrics?.cvssMetricV40), ("3.1", metrics?.cvssMetricV31), ("3.0", metrics?.cvssMetricV30), ("2.0", metrics?.cvssMetricV2)] {
            for metric in list ?? [] {
                let source = metric.source.map { $0 == "nvd@nist.gov" ? "NVD" : $0 }
                if let score = JSONIngestDraft.score(version: version, vector: metric.cvssData.vectorString, baseScore: metric.cvssData.baseScore, source: source),
                   !scores.contains(score) {
                    scores.append(score)
                }
            }
        }
        let cwes = (record.weaknesses ?? []).flatMap { $0.description.map(\.value) }.filter { $0.hasPrefix("CWE-") }
        if !cwes.isEmpty { attributes["cve.cwes"] = JSONIngestDraft.uniqueIDs(cwes).joined(separator: "\n") }
        let (severity, severitySource) = rejected ? (Severity.info, "source") : IngestDraft.severity(source: nil, cvss: scores, options: options)
        attributes["tocsin.severitySource"] = severitySource

        let description = CVERecordAdapter.preferred(record.descriptions)?.value.trimmingWhitespace() ?? ""
        let headline = record.cisaVulnerabilityName ?? CVERecordAdapter.firstSentence(description) ?? "vulnerability"
        return AlertDraft(
            title: IngestDraft.title(rejected ? "\(cveID) rejected" : "\(cveID): \(headline)"),
            summary: IngestDraft.truncated(description.isEmpty ? headline : description, to: 1_000),
            body: JSONIngestDraft.body([description]), severity: severity, tlp: options.defaultTLP ?? .clear,
            categories: IngestDraft.extraCategories(options), cves: [cveID], affectedProducts: products(record.configurations ?? []),
            references: IngestDraft.references((record.references ?? []).map { Reference(url: $0.url) }), cvss: scores,
            knownExploited: record.cisaExploitAdd != nil, source: options.sourceName ?? CVERecordAdapter.format.rawValue,
            sourceRef: cveID, sourceVersion: record.lastModified, sourcePublishedAt: published, sourceUpdatedAt: modified,
            attributes: attributes)
    }

    /// Vulnerable CPE matches grouped by CPE without its version, each match giving a range or an exact version.
    private static func products(_ configurations: [Configuration]) -> [AffectedProduct] {
        var index: [String: Int] = [:]
        var products: [AffectedProduct] = []
        for match in configurations.flatMap({ $0.nodes }).flatMap({ $0.cpeMatch ?? [] }) where match.vulnerable {
            guard let cpe = JSONIngestCPE(match.criteria) else { continue }
            let key = JSONIngestCPE.unversioned(match.criteria)
            let position: Int
            if let existing = index[key] {
                position = existing
            } else {
                guard products.count < AlertDraft.Limits.listItems else { continue }
                position = products.count
                index[key] = position
                products.append(AffectedProduct(vendor: cpe.vendor, product: cpe.product, cpe: key, status: .affected))
            }
            let start = match.versionStartIncluding ?? match.versionStartExcluding
            let range: VersionRange
            let text: String
            if match.versionEndExcluding != nil || match.versionEndIncluding != nil || start != nil {
                range = VersionRange(version: start ?? "0", lessThan: match.versionEndExcluding ?? (match.versionEndIncluding == nil ? "*" : nil),
                                     lessThanOrEqual: match.versionEndIncluding, status: .affected)
                let lower = match.versionStartIncluding.map { ">=\($0)" } ?? match.versionStartExcluding.map { ">\($0)" }
                let upper = match.versionEndExcluding.map { "<\($0)" } ?? match.versionEndIncluding.map { "<=\($0)" }
                text = [lower, upper].compactMap { $0 }.joined(separator: " ")
            } else if let version = cpe.version {
                range = VersionRange(version: version, status: .affected)
                text = [version, cpe.update].compactMap { $0 }.joined(separator: " ")
            } else {
                range = VersionRange(version: "0", lessThan: "*", status: .affected)
                text = "all versions"
            }
            if !products[position].ranges.contains(range), products[position].ranges.count < AlertDraft.Limits.listItems {
                products[position].ranges.append(range)
            }
            if !products[position].versions.contains(text), products[position].versions.count < AlertDraft.Limits.listItems {
                products[position].versions.append(text)
            }
        }
        return products
    }
}
