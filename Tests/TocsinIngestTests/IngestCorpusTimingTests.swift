import Foundation
import XCTest
import TocsinTestSupport
@testable import TocsinIngest

final class IngestCorpusTimingTests: XCTestCase {
    /// Detects each document's format the way `auto` ingestion would and times the whole corpus (reported, not asserted).
    func testWholeCorpusAutoDetectionAndTiming() throws {
        let adapters: [any IngestAdapter] = [CAPAdapter(), CERTFRAdapter(), FeedAdapter()]
        var files: [URL] = []
        for folder in ["cap", "feeds", "cert-fr"] {
            files += try Fixtures.files(in: folder, extensions: [".xml", ".json"])
        }
        let documents = try files.map { ($0.lastPathComponent, try Data(contentsOf: $0)) }
        let bytes = documents.reduce(0) { $0 + $1.1.count }
        let clock = ContinuousClock()
        var alerts = 0
        var refused: [String] = []
        let elapsed = clock.measure {
            for (name, data) in documents {
                let matching = adapters.filter { type(of: $0).recognises(data) }
                guard matching.count == 1, let adapter = matching.first else {
                    refused.append("\(name) (\(matching.count) adapters)")
                    continue
                }
                do {
                    alerts += try adapter.parse(data, options: IngestOptions()).count
                } catch {
                    refused.append("\(name): \(error)")
                }
            }
        }
        print("ingest corpus: \(documents.count) documents, \(bytes / 1024) KiB, \(alerts) alerts in \(elapsed)")
        XCTAssertEqual(refused, ["cert-fr-ale_with_cves.json (0 adapters)"])
        XCTAssertEqual(alerts, 8 + (1 + 97 + 20 + 0 + 20 + 20 + 163) + (22 + 80))
    }
}
