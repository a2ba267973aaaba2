import Foundation

/// The two listings of a CSAF directory distribution: `index.txt` (one document path per line) and
/// `changes.csv` (`"path","date"` rows, newest first), with the rule for turning a listed path into a URL.
public enum CSAFDirectoryListing {
    /// One `changes.csv` row.
    public struct Change: Sendable, Equatable {
        public var path: String
        public var updated: Date
    }

    /// The most lines either listing may have; a provider with more is split by year in practice.
    public static let maximumLines = 1_000_000

    /// The document paths of an `index.txt`, in file order; blank lines are skipped.
    public static func index(_ data: Data) throws(IngestError) -> [String] {
        let text = try self.text(data)
        var paths: [String] = []
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let path = line.trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { continue }
            guard path.count <= 2_048, !path.contains("\"") else {
                throw IngestError(format: .csaf, path: "index.txt line \(number + 1)", message: "is not a document path")
            }
            paths.append(path)
            if paths.count > maximumLines { throw IngestError(format: .csaf, path: "index.txt", message: "has more than \(maximumLines) lines") }
        }
        return paths
    }

    /// The rows of a `changes.csv`, in file order; the fields may be quoted or not.
    public static func changes(_ data: Data) throws(IngestError) -> [Change] {
        let text = try self.text(data)
        var rows: [Change] = []
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let fields = csvFields(line)
            guard fields.count == 2, !fields[0].isEmpty, fields[0].count <= 2_048 else {
                throw IngestError(format: .csaf, path: "changes.csv line \(number + 1)", message: "must be two fields: path and date")
            }
            guard let date = IngestDate.parse(fields[1]) else {
                throw IngestError(format: .csaf, path: "changes.csv line \(number + 1)", message: "'\(fields[1].prefix(40))' is not an RFC 3339 date-time")
            }
            rows.append(Change(path: fields[0], updated: date))
            if rows.count > maximumLines { throw IngestError(format: .csaf, path: "changes.csv", message: "has more than \(maximumLines) lines") }
        }
        return rows
    }

    /// The URL of a listed path inside `directory` (which should end with `/`); nil when the path would leave
    /// the directory's host, is not http(s) or climbs with `..`.
    public static func url(of path: String, in directory: URL) -> URL? {
        guard !path.contains(".."), !path.hasPrefix("/"), !path.contains("://"),
              let url = URL(string: path, relativeTo: directory)?.absoluteURL,
              let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host == directory.host else { return nil }
        return url
    }

    private static func text(_ data: Data) throws(IngestError) -> String {
        guard data.count <= IngestLimits.documentBytes else {
            throw IngestError(format: .csaf, path: "", message: "the listing is larger than \(IngestLimits.documentBytes / 1_048_576) MiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw IngestError(format: .csaf, path: "", message: "the listing is not UTF-8 text")
        }
        return text
    }

    /// RFC 4180 fields of one line: `"a","b"` or `a,b`, with `""` for a quote inside a quoted field.
    private static func csvFields<S: StringProtocol>(_ line: S) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var characters = line.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = characters.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current.trimmingCharacters(in: .whitespaces))
        return fields
    }
}
