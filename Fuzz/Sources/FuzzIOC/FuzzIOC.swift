import Foundation
import TocsinEnrich

/// The extractor as the broker builds it: the system Public Suffix List (Debian package `publicsuffix`) and, when
/// the fixtures are at hand, the MISP warninglists among them, flagging rather than dropping so that the
/// warninglist matching runs on every hit.
let extractor: IOCExtractor = {
    let suffixes = (try? IOCPublicSuffixList(contentsOfFile: Enricher.defaultPublicSuffixList))
        ?? (try! IOCPublicSuffixList(text: "com\nnet\norg\nfr\nuk\nco.uk\n*.ck\n!www.ck\nxn--p1ai\n"))
    let fixtures = ProcessInfo.processInfo.environment["TOCSIN_FIXTURES"] ?? "../shared/fixtures"
    let lists = (try? IOCWarninglists(contentsOf: fixtures + "/ioc/misp-warninglists")) ?? .empty
    return IOCExtractor(publicSuffixes: suffixes, warninglists: lists,
                        options: IOCExtractor.Options(maxIndicators: 1_000, warninglistAction: .flag))
}()

/// Feeds arbitrary text to the refanger and to the indicator scanner behind it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    _ = IOCRefang.refang(text)
    _ = extractor.extractDetailed(text)
    return 0
}
