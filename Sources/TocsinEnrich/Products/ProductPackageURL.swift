import Foundation

/// The identifying parts of a package URL (`pkg:maven/org.apache.zookeeper/zookeeper@3.9.1`): type, namespace, name
/// and version. Qualifiers and subpath are dropped: they do not change which product a purl names.
struct ProductPackageURL: Sendable, Hashable {
    var type: String
    var namespace: String?
    var name: String
    var version: String?

    /// The longest purl accepted.
    static let maximumLength = 2048

    /// Reads a purl; nil when `text` is not one (no `pkg:` scheme, no type or no name).
    init?(_ text: String) {
        var s = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        guard s.count <= ProductPackageURL.maximumLength, s.lowercased().hasPrefix("pkg:") else { return nil }
        s = s.dropFirst(4).drop { $0 == "/" }
        if let hash = s.firstIndex(of: "#") { s = s[..<hash] }
        if let question = s.firstIndex(of: "?") { s = s[..<question] }
        var versionPart: Substring?
        if let at = s.lastIndex(of: "@"), let slash = s.lastIndex(of: "/"), at > slash {
            versionPart = s[s.index(after: at)...]
            s = s[..<at]
        }
        let segments = s.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        guard segments.count >= 2, let first = segments.first, !first.isEmpty,
              first.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "+" || $0 == "-") }),
              let last = segments.last, !last.isEmpty else { return nil }
        type = first.lowercased()
        name = last
        let middle = segments.dropFirst().dropLast()
        namespace = middle.isEmpty ? nil : middle.joined(separator: "/")
        if let versionPart, !versionPart.isEmpty {
            version = String(versionPart).removingPercentEncoding ?? String(versionPart)
        }
    }

    /// Whether both name the same package, whatever the version: types equal, namespaces and names equal
    /// case-insensitively (most ecosystems are; the rare case-sensitive ones do not publish look-alike names).
    func isSamePackage(as other: ProductPackageURL) -> Bool {
        type == other.type && (namespace?.lowercased() ?? "") == (other.namespace?.lowercased() ?? "")
            && name.lowercased() == other.name.lowercased()
    }
}
