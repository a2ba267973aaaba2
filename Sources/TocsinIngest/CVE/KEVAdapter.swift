import Foundation
import TocsinCore

/// Reads the CISA KEV catalog into one `markExploited` alert per entry: Tocsin sets `knownExploited` on the alerts
/// that carry the CVE and publishes the entry itself only when none does.
///
/// An entry's `sourceRef` is `KEV:<cve>`; its `sourceVersion` is a digest of the entry's fields, so that a new
/// catalog release revises only the entries that changed.
public struct KEVAdapter: IngestAdapter {
    public static let format = IngestFormat.kev

    /// The adapter holds no state; one instance serves every document.
    public init() {}

    /// True when the head of the document looks like the catalog: `catalogVersion`, or `vulnerabilities` entries
    /// with `cveID` and `vendorProject`.
    public static func recognises(_ data: Data) -> Bool {
        let head = IngestJSON.compactHead(data)
        guard head.hasPrefix("{") else { return false }
        // A value, not a schema's property definition (`"catalogVersion":{…}`).
        return head.contains("\"catalogVersion\":\"")
            || (head.contains("\"vulnerabilities\":") && head.contains("\"cveID\":\"CVE-") && head.contains("\"vendorProject\":\""))
    }

    /// One alert per catalog entry, in catalog order.
    public func parse(_ data: Data, options: IngestOptions) throws(IngestError) -> [IngestedAlert] {
        let catalog = try IngestJSON.decode(KEVCatalog.self, from: data, format: .kev)
        var alerts: [IngestedAlert] = []
        alerts.reserveCapacity(catalog.vulnerabilities.count)
        for (index, entry) in catalog.vulnerabilities.enumerated() {
            let path = "vulnerabilities[\(index)]"
            alerts.append(IngestedAlert(draft: try IngestDraft.validated(Self.draft(entry, path: path, options: options), format: .kev, path: path), action: .markExploited))
        }
        return alerts
    }

    private static func draft(_ entry: KEVCatalog.Entry, path: String, options: IngestOptions) throws(IngestError) -> AlertDraft {
        let cveID = entry.cveID.trimmingCharacters(in: .whitespaces).uppercased()
        guard CVE.isValid(cveID) else {
            throw IngestError(format: .kev, path: "\(path).cveID", message: "'\(entry.cveID.prefix(64))' is not a CVE id like CVE-2024-3400")
        }
        guard let added = IngestDate.parse(entry.dateAdded) else {
            throw IngestError(format: .kev, path: "\(path).dateAdded", message: "'\(entry.dateAdded.prefix(40))' is not a date like 2024-02-09")
        }
        let product = entry.product.trimmingWhitespace()
        let vendor = entry.vendorProject.trimmingWhitespace()
        guard !product.isEmpty else { throw IngestError(format: .kev, path: "\(path).product", message: "must not be empty") }

        var body = [
            entry.shortDescription,
            "Required action: \(entry.requiredAction.trimmingWhitespace())",
            "Due date: \(entry.dueDate.trimmingCharacters(in: .whitespaces))",
        ]
        if let ransomware = entry.knownRansomwareCampaignUse { body.append("Known ransomware campaign use: \(ransomware)") }
        if let notes = entry.notes?.trimmingWhitespace(), !notes.isEmpty { body.append("Notes: \(notes)") }

        let catalogLink = "https://www.cisa.gov/known-exploited-vulnerabilities-catalog?search_api_fulltext=\(cveID)"
        let references = [Reference(url: catalogLink, title: "CISA KEV catalog")]
            + JSONIngestDraft.urls(in: entry.notes ?? "").map { Reference(url: $0) }
        var attributes = ["tocsin.severitySource": "default", "kev.dueDate": entry.dueDate]
        if let ransomware = entry.knownRansomwareCampaignUse { attributes["kev.ransomware"] = ransomware }
        if let cwes = entry.cwes, !cwes.isEmpty { attributes["kev.cwes"] = cwes.joined(separator: "\n") }
        let (severity, _) = IngestDraft.severity(source: nil, cvss: [], options: options)

        return AlertDraft(
            title: IngestDraft.title("\(cveID): \(entry.vulnerabilityName)"),
            summary: IngestDraft.truncated(entry.shortDescription.trimmingWhitespace(), to: 1_000),
            body: JSONIngestDraft.body(body), severity: severity, tlp: options.defaultTLP ?? .clear,
            categories: IngestDraft.extraCategories(options), cves: [cveID],
            affectedProducts: [AffectedProduct(vendor: vendor.isEmpty ? nil : vendor, product: product, status: .affected)],
            references: IngestDraft.references(references), knownExploited: true,
            source: options.sourceName ?? format.rawValue, sourceRef: "KEV:\(cveID)", sourceVersion: digest(entry),
            sourcePublishedAt: added, attributes: attributes)
    }

    /// FNV-1a over the entry's fields: stable across runs and platforms, unlike `Hasher`.
    private static func digest(_ entry: KEVCatalog.Entry) -> String {
        let fields = [entry.cveID, entry.vendorProject, entry.product, entry.vulnerabilityName, entry.dateAdded, entry.shortDescription,
                      entry.requiredAction, entry.dueDate, entry.knownRansomwareCampaignUse ?? "", entry.notes ?? "",
                      (entry.cwes ?? []).joined(separator: ",")]
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in fields.joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
