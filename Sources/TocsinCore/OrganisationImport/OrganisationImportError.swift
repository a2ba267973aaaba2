/// Why an import file was refused: every line at fault with its reason. Nothing of the file was imported.
public struct OrganisationImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line at fault, counted as a spreadsheet counts (the header is line 1).
    public struct Line: Sendable, Hashable, Codable {
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    public var lines: [Line]

    public init(_ lines: [Line]) { self.lines = lines }

    /// "1 line at fault", "12 lines at fault".
    public var summary: String { "\(lines.count) \(lines.count == 1 ? "line" : "lines") at fault" }

    /// One `line N: reason` per line at fault.
    public var description: String { lines.map { "line \($0.line): \($0.reason)" }.joined(separator: "\n") }

    /// Gathers the faults of a file, at most `OrganisationImport.maximumErrorsListed` of them and a count of the rest.
    struct Collector {
        private(set) var lines: [Line] = []
        private var untold = 0

        mutating func add(line: Int, _ error: ValidationError) {
            add(line: line, reason: error.field.isEmpty ? error.message : "\(error.field) \(error.message)")
        }

        mutating func add(line: Int, reason: String) {
            if lines.count < OrganisationImport.maximumErrorsListed { lines.append(Line(line: line, reason: reason)) } else { untold += 1 }
        }

        func throwIfAny() throws(OrganisationImportError) {
            guard !lines.isEmpty else { return }
            var all = lines.sorted { $0.line < $1.line }
            if untold > 0, let last = all.last {
                all.append(Line(line: last.line, reason: "and \(untold) more faults after this line, not listed"))
            }
            throw OrganisationImportError(all)
        }
    }
}
