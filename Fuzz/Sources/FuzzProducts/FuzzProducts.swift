import Foundation
import TocsinEnrich

/// Feeds arbitrary text to the CPE, vers and version parsers and comparators.
///
/// The input is split at its first line break: the first line is read as a CPE name, a vers specifier and a
/// version expression, the rest as the version or CPE they are checked against, so one input exercises parsing,
/// matching and comparing together.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let first = String(parts[0])
    let second = parts.count > 1 ? String(parts[1]) : first

    if let cpe = try? CPEName(parsing: first) {
        _ = cpe.description
        if let other = try? CPEName(parsing: second) {
            _ = cpe.relations(to: other)
            _ = cpe.matches(other)
            _ = cpe.hasSameProduct(as: other)
        }
    }
    if let vers = try? VersSpecifier(parsing: first) {
        _ = vers.description
        _ = vers.contains(second)
        _ = vers.versionRanges()
    }
    for scheme in VersionScheme.allCases {
        _ = scheme.compare(first, second)
        _ = scheme.compare(second, first)
    }
    let versionType = second.split(separator: " ").first.map(String.init)
    if let expression = VersionExpression.parse(first, versionType: versionType) {
        _ = expression.contains(second, versionType: versionType)
    }
    return 0
}
