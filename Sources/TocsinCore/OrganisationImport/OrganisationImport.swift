import Foundation

/// The bulk import of establishments from a CSV file: its columns, its limits, and the reading of each row into the
/// fields of an organisation. What the rows change is decided by `OrganisationImportPlan`.
///
/// The header names the columns, in any order, in French or English, any letter case and accents: `name`/`nom`
/// (required), `finess`, `kind`/`type`, `region`/`région`, `clearance`/`habilitation`/`tlp`, `locale`/`langue`,
/// `contacts`. Every error of every row is reported as `line N: reason`; one bad row refuses the whole file.
/// `docs/organisations.md` describes the format for the people who write the files.
public enum OrganisationImport {
    /// A column of the file, with the names a header may give it.
    public enum Column: String, Sendable, CaseIterable {
        case name, finess, kind, region, clearance, locale, contacts

        /// Header names, folded (lower case, no accents, trimmed).
        var headerNames: [String] {
            switch self {
            case .name: ["name", "nom"]
            case .finess: ["finess", "n finess", "numero finess", "finess number"]
            case .kind: ["kind", "type"]
            case .region: ["region", "code region"]
            case .clearance: ["clearance", "habilitation", "tlp"]
            case .locale: ["locale", "langue", "language"]
            case .contacts: ["contacts"]
            }
        }

        init?(header: String) {
            let folded = OrganisationImport.fold(header).replacingOccurrences(of: "°", with: "").replacingOccurrences(of: "_", with: " ")
            guard let column = Column.allCases.first(where: { $0.headerNames.contains(folded) }) else { return nil }
            self = column
        }
    }

    /// The largest file read (16 MiB); the API refuses a larger body while it arrives.
    public static let maximumBytes = 16 << 20
    /// The most rows a file may hold after its header.
    public static let maximumRows = 50_000
    /// The longest field, in bytes (a contacts cell of a hundred people fits).
    public static let maximumFieldBytes = 32_768
    /// At most this many errors are listed; the last entry says how many more lines were refused.
    public static let maximumErrorsListed = 1_000

    /// One row as the file gives it, checked: the cells present (an empty cell is nil: it leaves the stored value
    /// as it is, and gives a new establishment the default).
    public struct Row: Sendable {
        public var line: Int
        public var finess: String?
        public var name: String
        public var kind: Organisation.Kind?
        public var region: String?
        public var clearance: TLP?
        public var locale: String?
        public var contacts: [Contact]?
    }

    /// Reads and checks every row of `bytes`; throws every line at fault.
    public static func rows(_ bytes: some Collection<UInt8>) throws(OrganisationImportError) -> [Row] {
        let (rows, errors) = try readRows(bytes)
        try errors.throwIfAny()
        return rows
    }

    /// The good rows of `bytes` and the faults of the others; a file that cannot be read as a whole (its size, its
    /// CSV, its header) is thrown at once.
    static func readRows(_ bytes: some Collection<UInt8>) throws(OrganisationImportError) -> ([Row], OrganisationImportError.Collector) {
        guard bytes.count <= maximumBytes else {
            throw OrganisationImportError([.init(line: 1, reason: "the file is larger than \(maximumBytes) bytes; split it")])
        }
        let table: CSVTable
        do {
            table = try CSVTable(parsing: bytes, maximumRecords: maximumRows, maximumFieldBytes: maximumFieldBytes)
        } catch {
            throw OrganisationImportError([.init(line: error.line, reason: error.reason)])
        }
        let columns = try self.columns(table.header)
        guard !table.records.isEmpty else { throw OrganisationImportError([.init(line: 2, reason: "the file has no row after its header")]) }
        var errors = OrganisationImportError.Collector()
        var rows: [Row] = []
        rows.reserveCapacity(table.records.count)
        for record in table.records {
            do throws(ValidationError) {
                guard record.fields.count == columns.count else {
                    throw ValidationError(field: "", message: "has \(record.fields.count) fields where the header has \(columns.count)")
                }
                rows.append(try row(record, columns: columns))
            } catch {
                errors.add(line: record.line, error)
            }
        }
        return (rows, errors)
    }

    /// The column of each header field; refuses an unknown or repeated name and a header without `name`.
    static func columns(_ header: CSVTable.Record) throws(OrganisationImportError) -> [Column] {
        var columns: [Column] = []
        var problems: [String] = []
        for field in header.fields {
            guard let column = Column(header: field) else {
                problems.append("unknown column '\(field.prefix(40))' (known: \(Column.allCases.map(\.rawValue).joined(separator: ", ")))")
                continue
            }
            if columns.contains(column) { problems.append("column \(column.rawValue) appears twice") }
            columns.append(column)
        }
        if !columns.contains(.name) { problems.append("no name column (name or nom)") }
        guard problems.isEmpty else { throw OrganisationImportError(problems.map { .init(line: header.line, reason: $0) }) }
        return columns
    }

    /// One record read into a row; the first fault is thrown.
    static func row(_ record: CSVTable.Record, columns: [Column]) throws(ValidationError) -> Row {
        var row = Row(line: record.line, name: "")
        for (column, raw) in zip(columns, record.fields) {
            let cell = raw.trimmingWhitespace()
            if cell.isEmpty {
                if column == .name { throw ValidationError(field: "name", message: "is empty") }
                continue
            }
            switch column {
            case .name:
                row.name = cell
            case .finess:
                row.finess = try FINESS.normalise(cell).get()
            case .kind:
                guard let kind = kind(cell) else {
                    throw ValidationError(field: "kind", message: "'\(cell.prefix(20))' is not one of \(Organisation.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                row.kind = kind
            case .region:
                // A spreadsheet reads 01 as the number 1.
                let code = cell.count == 1 && cell.allSatisfy(\.isASCIIDigit) ? "0" + cell : cell
                guard Region.isKnown(code) else {
                    throw ValidationError(field: "region", message: "'\(cell.prefix(20))' is not an INSEE region code such as 28 or 11")
                }
                row.region = code
            case .clearance:
                guard let tlp = TLP(parsing: cell) else {
                    throw ValidationError(field: "clearance", message: "'\(cell.prefix(20))' is not a TLP level: CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
                }
                row.clearance = tlp
            case .locale:
                let locale = cell.lowercased()
                guard ["fr", "en"].contains(locale) else { throw ValidationError(field: "locale", message: "must be fr or en") }
                row.locale = locale
            case .contacts:
                row.contacts = try contacts(cell)
            }
        }
        // The name's own rules (length, no control characters) are those of every organisation.
        var probe = Organisation(name: "", kind: .other, region: nil, tlpClearance: .clear)
        try OrganisationInput(name: row.name).apply(to: &probe)
        row.name = probe.name
        return row
    }

    /// A kind as people write it: its wire name in any case, or the French `clinique` and `autre`.
    static func kind(_ text: String) -> Organisation.Kind? {
        let lower = text.lowercased()
        if let kind = Organisation.Kind.allCases.first(where: { $0.rawValue.lowercased() == lower }) { return kind }
        let folded = fold(text)
        if folded == "clinique" { return .clinic }
        if folded == "autre" { return .other }
        return Organisation.Kind.allCases.first { $0.rawValue.lowercased() == folded }
    }

    /// Lower case, no accents, trimmed: how header names and kinds are compared.
    static func fold(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespaces).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
    }
}
