import Foundation
import TocsinCore
import TocsinEnrich
import TocsinTestSupport
import XCTest

/// The Public Suffix List the tests use: Debian's `publicsuffix` package, as the deployment does.
enum IOCTestData {
    static let publicSuffixListPath = "/usr/share/publicsuffix/public_suffix_list.dat"

    static let loaded: IOCPublicSuffixList? = try? IOCPublicSuffixList(contentsOfFile: publicSuffixListPath)

    /// The installed list, or a skip (a failure under `CI=true`) when the package is missing.
    static func publicSuffixes(file: StaticString = #filePath, line: UInt = #line) throws -> IOCPublicSuffixList {
        if let loaded { return loaded }
        let message = "\(publicSuffixListPath) is missing: install Debian's publicsuffix package"
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message, file: file, line: line) }
        throw XCTSkip(message)
    }

    static func extractor(_ options: IOCExtractor.Options = .init(), warninglists: IOCWarninglists = .empty)
        throws -> IOCExtractor {
        IOCExtractor(publicSuffixes: try publicSuffixes(), warninglists: warninglists, options: options)
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try Fixtures.data(path), as: UTF8.self)
    }
}

extension Array where Element == Indicator {
    /// The values of one kind, in order.
    func values(_ kind: Indicator.Kind) -> [String] { filter { $0.type == kind }.map(\.value) }
    /// `kind:value` for every indicator, in order.
    var described: [String] { map { "\($0.type.rawValue):\($0.value)" } }
}
