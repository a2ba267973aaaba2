import Foundation
import TocsinEnrich

/// Feeds arbitrary text to the CVSS 2.0, 3.x and 4.0 vector parsers and calculators.
///
/// Besides crashes, it checks the promise `CVSSResult.vector` makes: scoring the normalised vector gives the same
/// result again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let result = try? CVSS.score(text) else { return 0 }
    let again: CVSSResult
    do { again = try CVSS.score(result.vector) } catch {
        fatalError("the normalised vector \(result.vector) of \(text) does not score: \(error)")
    }
    guard again == result else {
        fatalError("the normalised vector \(result.vector) of \(text) scores \(again), not \(result)")
    }
    return 0
}
