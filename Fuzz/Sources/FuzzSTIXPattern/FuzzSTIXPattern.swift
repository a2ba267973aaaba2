import Foundation
import TocsinIngest

/// Feeds arbitrary text to the STIX 2.1 pattern parser, and prints back what it accepts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    if let pattern = try? STIXPattern.parse(text) {
        _ = String(describing: pattern)
    }
    return 0
}
