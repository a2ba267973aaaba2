import Foundation

/// CSAF mandatory tests 6.1.1 (every product id used is defined in the product tree) and 6.1.4 (every product
/// group id used is defined): a document that fails them cannot be joined to its products and is rejected with
/// the path of the first dangling reference.
enum CSAFProductReferences {
    static func check(_ document: CSAFDocument, catalog: CSAFProductCatalog) throws(IngestError) {
        func product(_ ids: [String]?, _ path: String) throws(IngestError) {
            for (index, id) in (ids ?? []).enumerated() where !catalog.definedProductIDs.contains(id) {
                throw IngestError(format: .csaf, path: "\(path)[\(index)]",
                                  message: "refers to product '\(id.prefix(200))', which the product tree does not define")
            }
        }
        func group(_ ids: [String]?, _ path: String) throws(IngestError) {
            for (index, id) in (ids ?? []).enumerated() where !catalog.definedGroupIDs.contains(id) {
                throw IngestError(format: .csaf, path: "\(path)[\(index)]",
                                  message: "refers to product group '\(id.prefix(200))', which the product tree does not define")
            }
        }
        func single(_ id: String, _ path: String) throws(IngestError) {
            guard catalog.definedProductIDs.contains(id) else {
                throw IngestError(format: .csaf, path: path, message: "refers to product '\(id.prefix(200))', which the product tree does not define")
            }
        }

        let tree = document.productTree
        for (index, group) in (tree?.productGroups ?? []).enumerated() {
            try product(group.productIDs, "product_tree.product_groups[\(index)].product_ids")
        }
        for (index, relationship) in (tree?.relationships ?? []).enumerated() {
            try single(relationship.productReference, "product_tree.relationships[\(index)].product_reference")
            try single(relationship.relatesToProductReference, "product_tree.relationships[\(index)].relates_to_product_reference")
        }
        for (index, path) in (tree?.productPaths ?? []).enumerated() {
            try single(path.beginningProductReference, "product_tree.product_paths[\(index)].beginning_product_reference")
            for (subindex, subpath) in (path.subpaths ?? []).enumerated() {
                try single(subpath.nextProductReference, "product_tree.product_paths[\(index)].subpaths[\(subindex)].next_product_reference")
            }
        }
        for (v, vulnerability) in (document.vulnerabilities ?? []).enumerated() {
            let base = "vulnerabilities[\(v)]"
            for key in (vulnerability.productStatus ?? [:]).keys.sorted() {
                try product(vulnerability.productStatus?[key], "\(base).product_status.\(key)")
            }
            for (index, score) in (vulnerability.scores ?? []).enumerated() {
                try product(score.products, "\(base).scores[\(index)].products")
            }
            for (index, metric) in (vulnerability.metrics ?? []).enumerated() {
                try product(metric.products, "\(base).metrics[\(index)].products")
            }
            for (index, remediation) in (vulnerability.remediations ?? []).enumerated() {
                try product(remediation.productIDs, "\(base).remediations[\(index)].product_ids")
                try group(remediation.groupIDs, "\(base).remediations[\(index)].group_ids")
            }
            for (index, threat) in (vulnerability.threats ?? []).enumerated() {
                try product(threat.productIDs, "\(base).threats[\(index)].product_ids")
                try group(threat.groupIDs, "\(base).threats[\(index)].group_ids")
            }
            for (index, flag) in (vulnerability.flags ?? []).enumerated() {
                try product(flag.productIDs, "\(base).flags[\(index)].product_ids")
                try group(flag.groupIDs, "\(base).flags[\(index)].group_ids")
            }
        }
    }
}
