import Foundation
import TocsinServer

/// The file each input is written to: `TocsinConfiguration.load` reads the configuration from a path, exactly as
/// `tocsin serve --config` does.
let path = FileManager.default.temporaryDirectory.appendingPathComponent("tocsin-fuzz-config-\(getpid()).yaml").path

/// With `FUZZ_VERBOSE=1`, each input's outcome is printed: handy when replaying one file.
let verbose = ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] == "1"

/// Feeds arbitrary YAML to the broker's configuration loader, with an empty environment.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    // Foundation on Linux (swift-foundation in Swift 6.3.1) leaks its 4 KiB read buffer when it reads an empty
    // file, which LeakSanitizer reports on every run; an empty file holds no setting to read anyway.
    guard count > 0 else { return 0 }
    let data = Data(bytes: start, count: count)
    guard FileManager.default.createFile(atPath: path, contents: data) else { return 0 }
    defer { unlink(path) }
    do {
        let configuration = try TocsinConfiguration.load(file: path, environment: [:])
        if verbose { print("loaded: \(configuration.sources.count) sources, port \(configuration.port)") }
    } catch {
        if verbose { print("refused: \(error)") }
    }
    return 0
}
