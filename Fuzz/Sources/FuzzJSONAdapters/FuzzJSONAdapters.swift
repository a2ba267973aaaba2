import Foundation
import TocsinIngest

/// Feeds arbitrary documents to every ingest adapter through `IngestRegistry.parse`.
///
/// The first byte picks the format (its value modulo the number of formats, in `IngestFormat.allCases` order), the
/// rest is the document; a byte past the last format means auto-detection. The seed corpus script writes each
/// fixture behind the byte of its format.
let formats: [IngestFormat?] = IngestFormat.allCases + [nil]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let format = formats[Int(bytes[0]) % formats.count]
    let document = Data(bytes[1...])
    _ = try? IngestRegistry.parse(document, format: format, options: IngestOptions())
    return 0
}
