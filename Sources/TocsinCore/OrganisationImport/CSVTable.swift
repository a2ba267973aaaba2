/// A CSV file read by RFC 4180: fields quoted with `"` (a quote inside doubled), commas and line breaks allowed
/// inside quotes, records ending with CRLF or LF, a UTF-8 byte-order mark skipped.
///
/// French spreadsheets export with `;` between fields: the separator is `;` when the header line holds more
/// semicolons than commas outside quotes, else `,`. Each record keeps the line it starts on, as a spreadsheet user
/// counts lines (the header is line 1, and a quoted field spanning three lines moves the next record three lines
/// on). Blank lines are skipped but counted.
public struct CSVTable: Sendable, Hashable {
    /// One record: the line it starts on and its fields, as text.
    public struct Record: Sendable, Hashable {
        public var line: Int
        public var fields: [String]

        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    /// The byte between fields: `,` or `;`.
    public var separator: UInt8
    /// The first record, naming the columns.
    public var header: Record
    /// Every other record, in the order of the file.
    public var records: [Record]

    /// Reads `bytes` as CSV. Refused: an empty file, text that is not UTF-8, a quote inside an unquoted field or
    /// text after a closing quote, a quote left open, a field longer than `maximumFieldBytes`, and more than
    /// `maximumRecords` records after the header.
    public init(parsing bytes: some Collection<UInt8>, maximumRecords: Int, maximumFieldBytes: Int) throws(CSVError) {
        var reader = CSVReader(bytes: Array(bytes), maximumFieldBytes: maximumFieldBytes)
        guard let header = try reader.nextRecord() else { throw CSVError(line: 1, reason: "the file is empty; its first line must name the columns") }
        separator = reader.separator
        self.header = header
        var records: [Record] = []
        while let record = try reader.nextRecord() {
            guard records.count < maximumRecords else {
                throw CSVError(line: record.line, reason: "the file has more than \(maximumRecords) rows; split it")
            }
            records.append(record)
        }
        self.records = records
    }
}

/// Why a CSV file could not be read, and the line where it went wrong.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// The byte-level state of a CSV read: where it is, the line it is on, the separator chosen from the header.
struct CSVReader {
    private static let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    private static let comma = UInt8(ascii: ","), semicolon = UInt8(ascii: ";")

    let bytes: [UInt8]
    let maximumFieldBytes: Int
    private var index = 0
    private var line = 1
    private(set) var separator: UInt8 = CSVReader.comma
    private var separatorChosen = false

    init(bytes: [UInt8], maximumFieldBytes: Int) {
        self.bytes = bytes
        self.maximumFieldBytes = maximumFieldBytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    /// The next non-blank record, or nil at the end of the file.
    mutating func nextRecord() throws(CSVError) -> CSVTable.Record? {
        if !separatorChosen {
            separator = chooseSeparator()
            separatorChosen = true
        }
        while index < bytes.count {
            // A blank line is skipped, and counted.
            if bytes[index] == Self.lf || bytes[index] == Self.cr {
                skipLineEnd()
                continue
            }
            return try readRecord()
        }
        return nil
    }

    /// `;` when the first line holds more semicolons than commas outside quotes, else `,`.
    private func chooseSeparator() -> UInt8 {
        var commas = 0, semicolons = 0, quoted = false
        for byte in bytes[index...] {
            if byte == Self.quote { quoted.toggle() }
            else if !quoted, byte == Self.lf || byte == Self.cr { break }
            else if !quoted, byte == Self.comma { commas += 1 }
            else if !quoted, byte == Self.semicolon { semicolons += 1 }
        }
        return semicolons > commas ? Self.semicolon : Self.comma
    }

    private mutating func skipLineEnd() {
        if bytes[index] == Self.cr, index + 1 < bytes.count, bytes[index + 1] == Self.lf { index += 1 }
        index += 1
        line += 1
    }

    private mutating func readRecord() throws(CSVError) -> CSVTable.Record {
        let start = line
        var fields: [String] = []
        while true {
            fields.append(try readField(recordLine: start))
            guard index < bytes.count else { break }
            if bytes[index] == separator {
                index += 1
                continue
            }
            // The end of the record.
            skipLineEnd()
            break
        }
        return CSVTable.Record(line: start, fields: fields)
    }

    /// One field, the cursor left on the separator, the line end or the end of the file.
    private mutating func readField(recordLine: Int) throws(CSVError) -> String {
        var value: [UInt8] = []
        if index < bytes.count, bytes[index] == Self.quote {
            let opened = line
            index += 1
            while true {
                guard index < bytes.count else {
                    throw CSVError(line: opened, reason: "a quoted field opened on this line is never closed")
                }
                let byte = bytes[index]
                if byte == Self.quote {
                    if index + 1 < bytes.count, bytes[index + 1] == Self.quote {
                        value.append(Self.quote)
                        index += 2
                        continue
                    }
                    index += 1
                    break
                }
                if byte == Self.lf { line += 1 }
                else if byte == Self.cr, index + 1 >= bytes.count || bytes[index + 1] != Self.lf { line += 1 }
                value.append(byte)
                index += 1
                if value.count > maximumFieldBytes { throw tooLong(recordLine) }
            }
            if index < bytes.count, bytes[index] != separator, bytes[index] != Self.cr, bytes[index] != Self.lf {
                throw CSVError(line: line, reason: "text follows a closing quote; a quote inside a quoted field is written twice (\"\")")
            }
        } else {
            while index < bytes.count {
                let byte = bytes[index]
                if byte == separator || byte == Self.cr || byte == Self.lf { break }
                if byte == Self.quote {
                    throw CSVError(line: line, reason: "a quote inside a field that does not start with one; quote the whole field and double the quote")
                }
                value.append(byte)
                index += 1
                if value.count > maximumFieldBytes { throw tooLong(recordLine) }
            }
        }
        guard let text = String(validating: value, as: UTF8.self) else {
            throw CSVError(line: recordLine, reason: "is not UTF-8 text; save the file as \"CSV UTF-8\"")
        }
        return text
    }

    private func tooLong(_ line: Int) -> CSVError {
        CSVError(line: line, reason: "has a field longer than \(maximumFieldBytes) bytes")
    }
}
