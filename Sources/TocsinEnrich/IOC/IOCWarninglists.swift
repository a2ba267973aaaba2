import Foundation
import TocsinCore

/// The set of MISP warninglists an extraction is checked against, loaded from one file or from a folder of them
/// (such as a checkout of MISP/misp-warninglists, whose lists sit in `lists/*/list.json`).
public struct IOCWarninglists: Sendable {
    /// No list: nothing is ever matched.
    public static let empty = IOCWarninglists([])

    public let lists: [IOCWarninglist]

    public init(_ lists: [IOCWarninglist]) {
        self.lists = lists
    }

    /// The lists in a warninglist file, or in every `.json` file under a folder (searched recursively, in path
    /// order). In a folder, JSON files that are not warninglists (no `list` member, such as `schema.json`) are
    /// skipped; a file that claims to be one but is malformed is an error.
    public init(contentsOf path: String) throws(IOCError) {
        try self.init(contentsOf: path, only: nil)
    }

    /// The same, keeping only the lists whose name is in `only` (nil for all). A list's name here is the one MISP
    /// gives its folder: `rfc1918` for `lists/rfc1918/list.json`; a file with another name is named by it without
    /// `.json`. Files of lists left out are not read.
    public init(contentsOf path: String, only: Set<String>?) throws(IOCError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file or folder")
        }
        guard isDirectory.boolValue else {
            self.init([try IOCWarninglist(data: Self.read(path), source: path)])
            return
        }
        var lists: [IOCWarninglist] = []
        let base = URL(fileURLWithPath: path)
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])
        else { throw .unreadable(path: path, reason: "the folder cannot be listed") }
        var files: [URL] = []
        for case let url as URL in enumerator where url.pathExtension.lowercased() == "json" {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(url) }
        }
        for url in files.sorted(by: { $0.path < $1.path }) {
            if let only, !only.contains(Self.folderName(of: url)) { continue }
            let data = try Self.read(url.path)
            guard Self.looksLikeWarninglist(data) else { continue }
            lists.append(try IOCWarninglist(data: data, source: url.path))
        }
        self.init(lists)
    }

    /// The name of the first list that matches the indicator, nil when none does.
    public func firstMatch(for indicator: Indicator) -> String? {
        lists.first { $0.matches(indicator) }?.name
    }

    /// The names of every list that matches the indicator.
    public func matches(for indicator: Indicator) -> [String] {
        lists.filter { $0.matches(indicator) }.map(\.name)
    }

    /// The indicators no list matches, and the others with the list that matched each.
    public func filter(_ indicators: [Indicator]) -> (kept: [Indicator], hits: [IOCWarninglistHit]) {
        var kept: [Indicator] = []
        var hits: [IOCWarninglistHit] = []
        for indicator in indicators {
            if let list = firstMatch(for: indicator) {
                hits.append(IOCWarninglistHit(indicator: indicator, list: list))
            } else {
                kept.append(indicator)
            }
        }
        return (kept, hits)
    }

    /// Every indicator, those that a list matches marked as not for detection (`toIds = false`) with the list's name
    /// in `comment`, as MISP does with warninglist hits.
    public func flag(_ indicators: [Indicator]) -> [Indicator] {
        indicators.map { indicator in
            guard let list = firstMatch(for: indicator) else { return indicator }
            var flagged = indicator
            flagged.toIds = false
            flagged.comment = "MISP warninglist: \(list)"
            return flagged
        }
    }

    private static func read(_ path: String) throws(IOCError) -> Data {
        let url = URL(fileURLWithPath: path)
        if let size = try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize, size > IOCWarninglist.maximumSize {
            throw .tooLarge(what: "MISP warninglist \(path)", size: size, limit: IOCWarninglist.maximumSize)
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
    }

    /// `rfc1918` for `…/rfc1918/list.json`, `rfc1918` for `…/rfc1918.json`.
    static func folderName(of url: URL) -> String {
        url.lastPathComponent == "list.json" ? url.deletingLastPathComponent().lastPathComponent
            : url.deletingPathExtension().lastPathComponent
    }

    private static func looksLikeWarninglist(_ data: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return true }
        return object["list"] != nil
    }
}

/// An extracted indicator that a warninglist matched, and the list's name.
public struct IOCWarninglistHit: Sendable, Hashable {
    public var indicator: Indicator
    public var list: String

    public init(indicator: Indicator, list: String) {
        self.indicator = indicator
        self.list = list
    }
}
