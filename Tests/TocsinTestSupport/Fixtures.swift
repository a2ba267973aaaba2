import Foundation
import XCTest

/// The shared corpus of real public documents the tests run on. It is looked for in `TOCSIN_FIXTURES` first and
/// in `../shared/fixtures` beside the project second; it is never copied into the project.
///
/// When the corpus is missing, a test that needs it fails under `CI=true` and is skipped with a clear message
/// elsewhere.
public enum Fixtures {
    public static var root: URL? {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [URL] = []
        if let path = environment["TOCSIN_FIXTURES"], !path.isEmpty { candidates.append(URL(fileURLWithPath: path)) }
        // Tests/TocsinTestSupport/Fixtures.swift → the project root → ../shared/fixtures
        let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(projectRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures"))
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).deletingLastPathComponent()
            .appendingPathComponent("shared/fixtures"))
        // Without `..`: a browser refuses to upload a file by a path that is not canonical, and CI may name the
        // corpus as `project/../shared/fixtures`.
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("README.md").path) }?.standardizedFileURL
    }

    /// The fixture at `path` (relative to the corpus root), or a skip/failure when the corpus is missing.
    public static func url(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        guard let root else { throw missing(file: file, line: line) }
        let url = root.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("fixture \(path) is not in the corpus at \(root.path)", file: file, line: line)
            throw XCTSkip("fixture \(path) missing")
        }
        return url
    }

    public static func data(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        try Data(contentsOf: url(path, file: file, line: line))
    }

    /// Every file under `folder` (recursively) whose name ends with one of `extensions`, sorted by path.
    public static func files(in folder: String, extensions: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> [URL] {
        let base = try url(folder, file: file, line: line)
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var found: [URL] = []
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            if extensions.isEmpty || extensions.contains(where: { url.lastPathComponent.hasSuffix($0) }) { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }

    private static func missing(file: StaticString, line: UInt) -> Error {
        let message = "the fixture corpus was not found: set TOCSIN_FIXTURES or place it at ../shared/fixtures"
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message, file: file, line: line) }
        return XCTSkip(message)
    }
}
