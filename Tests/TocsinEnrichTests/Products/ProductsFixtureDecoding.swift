import Foundation
import TocsinCore
import TocsinTestSupport
import XCTest

/// Just enough of a CVE 5 record to build the `AffectedProduct`s an ingest adapter would: CNA and ADP `affected[]`.
enum ProductsCVEFixture {
    private struct Record: Decodable {
        struct Containers: Decodable {
            var cna: Container
            var adp: [Container]?
        }
        struct Container: Decodable {
            var affected: [Affected]?
        }
        struct Affected: Decodable {
            var vendor: String?
            var product: String?
            var packageName: String?
            var collectionURL: String?
            var cpes: [String]?
            var versions: [Version]?
            var defaultStatus: String?
        }
        struct Version: Decodable {
            var version: String
            var lessThan: String?
            var lessThanOrEqual: String?
            var versionType: String?
            var status: String
        }
        var containers: Containers
    }

    /// The affected products of a record in `cve/cvelistV5/`, CNA first, then each ADP container's.
    static func affectedProducts(_ file: String) throws -> [AffectedProduct] {
        let data = try Fixtures.data("cve/cvelistV5/\(file)")
        let record = try JSONDecoder().decode(Record.self, from: data)
        let entries = (record.containers.cna.affected ?? []) + (record.containers.adp ?? []).flatMap { $0.affected ?? [] }
        return entries.map(product)
    }

    private static func status(_ raw: String?) -> ProductStatus? {
        switch raw {
        case "affected": return .affected
        case "unaffected": return .notAffected
        case "unknown": return .unknown
        default: return nil
        }
    }

    private static func product(_ a: Record.Affected) -> AffectedProduct {
        let ranges = (a.versions ?? []).map { v in
            VersionRange(version: v.version, lessThan: v.lessThan, lessThanOrEqual: v.lessThanOrEqual,
                         versionType: v.versionType, status: status(v.status) ?? .unknown)
        }
        let texts = (a.versions ?? []).map { v -> String in
            if let lt = v.lessThan { return "\(v.version) ≤ … < \(lt)" }
            if let le = v.lessThanOrEqual { return "\(v.version) ≤ … ≤ \(le)" }
            return v.version
        }
        var purl: String?
        if let name = a.packageName, a.collectionURL?.contains("maven") == true {
            let parts = name.split(separator: ":")
            if parts.count == 2 { purl = "pkg:maven/\(parts[0])/\(parts[1])" }
        }
        let vendor = a.vendor == "n/a" ? nil : a.vendor
        return AffectedProduct(vendor: vendor, product: a.product ?? a.packageName ?? "n/a", versions: texts,
                               ranges: ranges, cpe: a.cpes?.first, purl: purl, status: status(a.defaultStatus))
    }

    /// Every CPE string in the CVE records of the corpus, for parse tests.
    static func allCPEs() throws -> [String] {
        var result: [String] = []
        for url in try Fixtures.files(in: "cve/cvelistV5", extensions: [".json"]) {
            let record = try JSONDecoder().decode(Record.self, from: Data(contentsOf: url))
            let entries = (record.containers.cna.affected ?? []) + (record.containers.adp ?? []).flatMap { $0.affected ?? [] }
            result += entries.flatMap { $0.cpes ?? [] }
        }
        return result
    }
}

/// Just enough of a CSAF 2.0 document to build the `AffectedProduct`s an ingest adapter would: every leaf of the
/// product tree (vendor → product name → version or version range), with the status its product id has in the
/// first vulnerability's `product_status`.
enum ProductsCSAFFixture {
    struct Leaf {
        var vendor: String?
        var productName: String?
        var versionCategory: String
        var version: String
        var productID: String
        var cpe: String?
    }

    static func document(_ path: String) throws -> [String: Any] {
        let data = try Fixtures.data(path)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func leaves(_ document: [String: Any]) -> [Leaf] {
        var result: [Leaf] = []
        func walk(_ branches: [[String: Any]], vendor: String?, productName: String?) {
            for branch in branches {
                let category = branch["category"] as? String ?? ""
                let name = branch["name"] as? String ?? ""
                var v = vendor, p = productName
                if category == "vendor" { v = name }
                if category == "product_name" { p = name }
                if let product = branch["product"] as? [String: Any], let id = product["product_id"] as? String,
                   category == "product_version" || category == "product_version_range" {
                    let helper = product["product_identification_helper"] as? [String: Any]
                    result.append(Leaf(vendor: v, productName: p, versionCategory: category, version: name,
                                       productID: id, cpe: helper?["cpe"] as? String))
                }
                if let children = branch["branches"] as? [[String: Any]] { walk(children, vendor: v, productName: p) }
            }
        }
        let tree = document["product_tree"] as? [String: Any]
        walk(tree?["branches"] as? [[String: Any]] ?? [], vendor: nil, productName: nil)
        return result
    }

    /// The products as an adapter would emit them for the first vulnerability: `known_affected` ones affected,
    /// `fixed` ones fixed, each with its version or range string in `versions` (and no structured ranges, which
    /// the matcher then reads from the text).
    static func affectedProducts(_ path: String) throws -> [AffectedProduct] {
        let doc = try document(path)
        let vulnerabilities = doc["vulnerabilities"] as? [[String: Any]] ?? []
        let productStatus = vulnerabilities.first?["product_status"] as? [String: [String]] ?? [:]
        var result: [AffectedProduct] = []
        for leaf in leaves(doc) {
            let status: ProductStatus
            if productStatus["known_affected"]?.contains(leaf.productID) == true { status = .affected }
            else if productStatus["fixed"]?.contains(leaf.productID) == true { status = .fixed }
            else { continue }
            result.append(AffectedProduct(vendor: leaf.vendor, product: leaf.productName ?? leaf.version,
                                          versions: [leaf.version], cpe: leaf.cpe, status: status))
        }
        return result
    }
}
