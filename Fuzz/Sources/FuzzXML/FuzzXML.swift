import Foundation
import TocsinIngest

/// Feeds arbitrary bytes to the XML reader that CAP, RSS and Atom documents go through.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    _ = try? SafeXMLParser.parse(data)
    return 0
}
