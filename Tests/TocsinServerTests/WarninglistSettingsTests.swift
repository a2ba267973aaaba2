import Foundation
import TocsinEnrich
import TocsinTestSupport
import XCTest
@testable import TocsinServer

/// The warninglists the broker loads: the default selection of the PyPI package's lists, the operator's changes
/// to it, and a start without them.
final class WarninglistSettingsTests: XCTestCase {
    func testTheSelectionIsTheDefaultChangedByTheOperator() {
        XCTAssertEqual(IOCWarninglistDefaults.selection([]), Set(IOCWarninglistDefaults.names))
        XCTAssertEqual(IOCWarninglistDefaults.selection(["rfc1918", "tlds"]), ["rfc1918", "tlds"])
        let changed = IOCWarninglistDefaults.selection(["+amazon-aws", "-tranco10k"])
        XCTAssertEqual(changed, Set(IOCWarninglistDefaults.names).union(["amazon-aws"]).subtracting(["tranco10k"]))
        XCTAssertNil(IOCWarninglistDefaults.selection(["all"]))
        XCTAssertTrue(IOCWarninglistDefaults.names.contains("public-dns-v4"))
    }

    /// The package's data is found in a virtual environment, and only the selected lists are read from it.
    func testThePackageDataIsFoundAndOnlyTheSelectionLoaded() throws {
        let venv = FileManager.default.temporaryDirectory.appendingPathComponent("tocsin-venv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: venv) }
        let lists = venv.appendingPathComponent("lib/python3.12/site-packages/pymispwarninglists/data/misp-warninglists/lists")
        for name in ["rfc1918", "multicast", "url-shortener"] {
            let folder = lists.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Fixtures.data("ioc/misp-warninglists/\(name).json").write(to: folder.appendingPathComponent("list.json"))
        }
        let found = try XCTUnwrap(IOCWarninglistDefaults.packageData(environment: ["VIRTUAL_ENV": venv.path, "HOME": venv.path]))
        XCTAssertEqual(URL(fileURLWithPath: found).standardizedFileURL.path, lists.standardizedFileURL.path)

        var configuration = TocsinConfiguration()
        configuration.enrichWarninglists = found
        configuration.enrichWarninglistNames = ["rfc1918", "multicast", "no-such-list"]
        var warnings: [String] = []
        var notices: [String] = []
        let enricher = try configuration.makeEnricher(warning: { warnings.append($0) }, notice: { notices.append($0) })
        guard let extractor = enricher.indicators else { throw XCTSkip("no Public Suffix List") }
        XCTAssertEqual(extractor.warninglists.lists.count, 2)
        XCTAssertTrue(notices.first?.contains("loaded 2 MISP warninglists") == true, "\(notices)")
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("no-such-list"), warnings[0])
        XCTAssertEqual(extractor.extract("C2 at 10.1.2.3 and 5.188.86.172").map(\.value), ["5.188.86.172"])

        // `none` turns them off; a list the operator names that cannot be read stops the start.
        configuration.enrichWarninglists = "none"
        XCTAssertEqual(try configuration.makeEnricher(warning: { _ in }).indicators?.warninglists.lists.count, 0)
        configuration.enrichWarninglists = venv.appendingPathComponent("missing").path
        XCTAssertThrowsError(try configuration.makeEnricher(warning: { _ in }))
    }

    func testAdvisoryIndicatorsIsASetting() throws {
        var configuration = TocsinConfiguration()
        configuration.enrichWarninglists = "none"
        XCTAssertFalse(try configuration.makeEnricher(warning: { _ in }).advisoryIndicators)
        configuration.enrichAdvisoryIndicators = true
        XCTAssertTrue(try configuration.makeEnricher(warning: { _ in }).advisoryIndicators)
    }
}
