import Foundation

/// Reads an XML document from untrusted bytes into a `SafeXMLElement` tree, refusing anything that could make
/// reading expensive or reach outside the document.
///
/// A strict, non-validating XML 1.0 + Namespaces reader written for hostile input rather than a wrapper around
/// libxml2: any `<!DOCTYPE` or `<!ENTITY` is refused at the first byte of the declaration (so no DTD, no external
/// entity, no entity expansion: "billion laughs" fails before anything is expanded), only the five predefined
/// entities and character references are understood, and size, depth, element, attribute and name limits hold.
/// Input must be UTF-8 (a BOM is skipped); ISO-8859-1 and windows-1252 declared in the XML declaration are
/// transcoded first. The XML declaration (with spaces around `=`), processing instructions, comments, CDATA
/// sections and default or prefixed namespaces are supported.
public enum SafeXMLParser {
    /// The bounds a document must stay within.
    public struct Limits: Sendable {
        public var documentBytes: Int
        public var depth: Int
        public var elements: Int
        public var attributesPerElement: Int
        public var attributeValueBytes: Int
        public var nameBytes: Int

        /// Limits with the standard values unless given.
        public init(
            documentBytes: Int = IngestLimits.documentBytes, depth: Int = IngestLimits.depth, elements: Int = 1_000_000,
            attributesPerElement: Int = 256, attributeValueBytes: Int = 65_536, nameBytes: Int = 1_024
        ) {
            self.documentBytes = documentBytes
            self.depth = depth
            self.elements = elements
            self.attributesPerElement = attributesPerElement
            self.attributeValueBytes = attributeValueBytes
            self.nameBytes = nameBytes
        }

        /// The limits used for every ingested document (`IngestLimits`).
        public static let standard = Limits()
    }

    /// Parses a whole document and returns its root element.
    public static func parse(_ data: Data, limits: Limits = .standard) throws(SafeXMLError) -> SafeXMLElement {
        guard data.count <= limits.documentBytes else {
            throw SafeXMLError(kind: .tooLarge, message: "the document is \(data.count) bytes, more than the \(limits.documentBytes) accepted")
        }
        let bytes = try SafeXMLEncoding.utf8Bytes(of: [UInt8](data))
        var reader = SafeXMLReader(bytes: bytes, limits: limits)
        return try reader.document()
    }
}

/// Turns the raw bytes into validated UTF-8: BOM, declared encoding, invalid sequences and forbidden characters.
enum SafeXMLEncoding {
    static func utf8Bytes(of raw: [UInt8]) throws(SafeXMLError) -> [UInt8] {
        var bytes = raw
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0x00, 0x3C]) || bytes.starts(with: [0x3C, 0x00]) {
            throw SafeXMLError(kind: .invalidEncoding, message: "UTF-16 documents are not supported; send UTF-8")
        }
        switch declaredEncoding(bytes)?.lowercased() {
        case nil, "utf-8", "utf8", "us-ascii", "ascii":
            break
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "iso_8859-1", "l1":
            bytes = Array(String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })).utf8)
        case "windows-1252", "cp1252":
            guard let text = String(data: Data(bytes), encoding: .windowsCP1252) else {
                throw SafeXMLError(kind: .invalidEncoding, message: "the document is not valid windows-1252")
            }
            bytes = Array(text.utf8)
        case let other?:
            throw SafeXMLError(kind: .invalidEncoding, message: "encoding '\(other.prefix(40))' is not supported; send UTF-8")
        }
        try validate(bytes)
        return bytes
    }

    /// The `encoding` pseudo-attribute of the XML declaration, read loosely (the reader checks its syntax later).
    private static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        guard bytes.starts(with: Array("<?xml".utf8)) else { return nil }
        let head = bytes.prefix(512)
        guard let end = head.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        if head[..<end].allSatisfy({ $0 < 0x80 }) { return declaredEncoding(ascii: head[..<end]) }
        let declaration = String(decoding: head[..<end], as: UTF8.self)
        guard let range = declaration.range(of: "encoding") else { return nil }
        var rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }

    /// `declaredEncoding(_:)` over an ASCII declaration (up to its `>`): the same search, byte for byte.
    private static func declaredEncoding(ascii declaration: ArraySlice<UInt8>) -> String? {
        let keyword = Array("encoding".utf8)
        guard let found = declaration.indices.first(where: { declaration[$0...].starts(with: keyword) }) else { return nil }
        // White space is skipped as Characters would be: a CR LF is one Character, which is none of the four.
        func skipSpaces(_ index: inout Int) {
            while index < declaration.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(declaration[index]) {
                if declaration[index] == 0x0D, index + 1 < declaration.endIndex, declaration[index + 1] == 0x0A { return }
                index += 1
            }
        }
        var index = found + keyword.count
        skipSpaces(&index)
        guard index < declaration.endIndex, declaration[index] == UInt8(ascii: "=") else { return nil }
        index += 1
        skipSpaces(&index)
        guard index < declaration.endIndex, declaration[index] == UInt8(ascii: "\"") || declaration[index] == UInt8(ascii: "'") else { return nil }
        let quote = declaration[index]
        return String(decoding: declaration[(index + 1)...].prefix { $0 != quote }, as: UTF8.self)
    }

    /// Checks UTF-8 validity and the XML 1.0 `Char` production in one pass.
    private static func validate(_ bytes: [UInt8]) throws(SafeXMLError) {
        // The byte check accepts exactly what the decoder below accepts; the decoder runs only to name a fault.
        if isValidXMLText(bytes) { return }
        try decodeEveryScalar(bytes)
    }

    /// Whether `bytes` are well-formed UTF-8 (no overlong forms, surrogates or values above U+10FFFF) holding only
    /// characters XML allows (tab, line feed, carriage return, U+0020 and above but U+FFFE and U+FFFF).
    static func isValidXMLText(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { bytes in
            let count = bytes.count
            var index = 0
            func continuation(_ offset: Int) -> UInt8? {
                guard index + offset < count, bytes[index + offset] & 0xC0 == 0x80 else { return nil }
                return bytes[index + offset]
            }
            while index < count {
                let lead = bytes[index]
                if lead >= 0x20, lead < 0x80 {
                    index += 1
                } else if lead < 0x20 {
                    guard lead == 0x09 || lead == 0x0A || lead == 0x0D else { return false }
                    index += 1
                } else if lead < 0xC2 {
                    return false
                } else if lead < 0xE0 {
                    guard continuation(1) != nil else { return false }
                    index += 2
                } else if lead < 0xF0 {
                    guard let second = continuation(1), let third = continuation(2) else { return false }
                    if lead == 0xE0, second < 0xA0 { return false }
                    if lead == 0xED, second >= 0xA0 { return false }
                    if lead == 0xEF, second == 0xBF, third == 0xBE || third == 0xBF { return false }
                    index += 3
                } else if lead < 0xF5 {
                    guard let second = continuation(1), continuation(2) != nil, continuation(3) != nil else { return false }
                    if lead == 0xF0, second < 0x90 { return false }
                    if lead == 0xF4, second >= 0x90 { return false }
                    index += 4
                } else {
                    return false
                }
            }
            return true
        }
    }

    /// The scalar-by-scalar check, which names the first fault.
    private static func decodeEveryScalar(_ bytes: [UInt8]) throws(SafeXMLError) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                let value = scalar.value
                let allowed = value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value != 0xFFFE && value != 0xFFFF)
                guard allowed else {
                    let (line, column) = SafeXMLReader.position(of: offset, in: bytes)
                    throw SafeXMLError(kind: .invalidEncoding, line: line, column: column,
                                       message: String(format: "character U+%04X is not allowed in XML", value))
                }
                offset += UTF8.width(scalar)
            case .emptyInput:
                return
            case .error:
                let (line, column) = SafeXMLReader.position(of: offset, in: bytes)
                throw SafeXMLError(kind: .invalidEncoding, line: line, column: column, message: "invalid UTF-8 byte sequence")
            }
        }
    }
}

/// The byte-level reader behind `SafeXMLParser`; works on validated UTF-8.
struct SafeXMLReader {
    private let bytes: [UInt8]
    private let limits: SafeXMLParser.Limits
    private var pos = 0
    private var elementCount = 0

    /// An element whose start tag was read and whose end tag was not yet.
    private struct Open {
        var qualifiedName: String
        /// Where the qualified name lies in the document's bytes, which the end tag's name is compared with.
        var qualifiedNameBytes: Range<Int>
        var name: String
        var prefix: String?
        var namespace: String?
        var attributes: [SafeXMLAttribute]
        var children: [SafeXMLElement] = []
        var runs: [String] = []

        mutating func flush(_ pending: inout [UInt8]) {
            runs.append(pending.isEmpty ? "" : String(decoding: pending, as: UTF8.self))
            pending.removeAll(keepingCapacity: true)
        }

        mutating func close(_ pending: inout [UInt8]) -> SafeXMLElement {
            flush(&pending)
            return SafeXMLElement(name: name, prefix: prefix, namespace: namespace, attributes: attributes, children: children, textRuns: runs)
        }
    }

    private var stack: [Open] = []
    /// The character data read since the last tag. Only the innermost open element receives text, and its text goes
    /// to its runs at its next child or its end, so one buffer serves every element.
    private var pending: [UInt8] = []
    /// Namespace declarations per open element (prefix "" is the default namespace; "" as URI undeclares it).
    private var scopes: [[String: String]] = []

    init(bytes: [UInt8], limits: SafeXMLParser.Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    // MARK: Document

    mutating func document() throws(SafeXMLError) -> SafeXMLElement {
        if starts(with: "<?xml"), pos + 5 < bytes.count, Self.isSpace(bytes[pos + 5]) { try xmlDeclaration() }
        try misc()
        guard pos < bytes.count else { throw failure(.truncated, "the document has no root element") }
        guard bytes[pos] == UInt8(ascii: "<") else { throw failure(.malformed, "text is not allowed before the root element") }
        let root = try rootElement()
        try misc()
        guard pos == bytes.count else { throw failure(.malformed, "only comments and processing instructions may follow the root element") }
        return root
    }

    /// Comments, processing instructions and white space outside the root element.
    private mutating func misc() throws(SafeXMLError) {
        while pos < bytes.count {
            if Self.isSpace(bytes[pos]) {
                pos += 1
            } else if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<?") {
                try processingInstruction()
            } else if starts(with: "<!") {
                try declaration()
            } else {
                return
            }
        }
    }

    private mutating func xmlDeclaration() throws(SafeXMLError) {
        pos += 5
        var seen: [String] = []
        while true {
            let hadSpace = skipSpaces()
            guard pos < bytes.count else { throw failure(.truncated, "the XML declaration is not closed") }
            if starts(with: "?>") { pos += 2; break }
            guard hadSpace else { throw failure(.malformed, "malformed XML declaration") }
            let name = try readName()
            skipSpaces()
            try expect("=")
            skipSpaces()
            let value = try quotedLiteral()
            switch name {
            case "version" where seen.isEmpty:
                guard value.hasPrefix("1.") else { throw failure(.malformed, "XML version '\(value.prefix(10))' is not supported") }
            case "encoding" where seen == ["version"]:
                break
            case "standalone" where !seen.isEmpty && !seen.contains("standalone"):
                guard value == "yes" || value == "no" else { throw failure(.malformed, "standalone must be 'yes' or 'no'") }
            default:
                throw failure(.malformed, "unexpected '\(name.prefix(20))' in the XML declaration")
            }
            seen.append(name)
        }
        guard seen.first == "version" else { throw failure(.malformed, "the XML declaration must give the version first") }
    }

    /// `<!…>` that is neither a comment nor CDATA: DTD markup, always refused.
    private mutating func declaration() throws(SafeXMLError) {
        if starts(with: "<!DOCTYPE") {
            throw failure(.doctypeForbidden, "DOCTYPE declarations are refused: documents may not carry a DTD (no external or custom entities)")
        }
        let keywords: [StaticString] = ["<!ENTITY", "<!ELEMENT", "<!ATTLIST", "<!NOTATION"]
        for keyword in keywords where starts(with: keyword) {
            throw failure(.entityForbidden, "\(String(describing: keyword).dropFirst(2)) declarations are refused: documents may not declare entities or a DTD")
        }
        throw failure(.malformed, "unexpected markup '<!'")
    }

    private mutating func comment() throws(SafeXMLError) {
        guard let end = find("-->", from: pos + 4) else { throw failure(.truncated, "a comment is not closed with -->") }
        pos = end + 3
    }

    private mutating func processingInstruction() throws(SafeXMLError) {
        pos += 2
        let target = try readName()
        if target.lowercased() == "xml" { throw failure(.malformed, "the XML declaration is only allowed at the very start of the document") }
        guard let end = find("?>", from: pos) else { throw failure(.truncated, "a processing instruction is not closed with ?>") }
        pos = end + 2
    }

    // MARK: Elements

    private mutating func rootElement() throws(SafeXMLError) -> SafeXMLElement {
        if let finished = try startTag() { return finished }
        while true {
            guard pos < bytes.count else {
                throw failure(.truncated, "the document ends before </\(stack.last?.qualifiedName ?? "")> closes the element")
            }
            let byte = bytes[pos]
            if byte == UInt8(ascii: "<") {
                if starts(with: "</") {
                    if let finished = try endTag() { return finished }
                } else if starts(with: "<!--") {
                    try comment()
                } else if starts(with: "<![CDATA[") {
                    guard let end = find("]]>", from: pos + 9) else { throw failure(.truncated, "a CDATA section is not closed with ]]>") }
                    appendText(pos + 9, end)
                    pos = end + 3
                } else if starts(with: "<?") {
                    try processingInstruction()
                } else if starts(with: "<!") {
                    try declaration()
                } else if let finished = try startTag() {
                    return finished
                }
            } else if byte == UInt8(ascii: "&") {
                var scalarBytes: [UInt8] = []
                try reference(into: &scalarBytes)
                pending.append(contentsOf: scalarBytes)
            } else {
                var end = pos
                while end < bytes.count, bytes[end] != UInt8(ascii: "<"), bytes[end] != UInt8(ascii: "&") { end += 1 }
                appendText(pos, end)
                pos = end
            }
        }
    }

    private mutating func appendText(_ start: Int, _ end: Int) {
        // Runs without a carriage return go in whole; a CR or CRLF becomes one line feed.
        guard let firstReturn = bytes[start..<end].firstIndex(of: 0x0D) else {
            pending.append(contentsOf: bytes[start..<end])
            return
        }
        pending.append(contentsOf: bytes[start..<firstReturn])
        var index = firstReturn
        while index < end {
            let byte = bytes[index]
            if byte == 0x0D {
                pending.append(0x0A)
                if index + 1 < end, bytes[index + 1] == 0x0A { index += 1 }
            } else {
                pending.append(byte)
            }
            index += 1
        }
    }

    /// Reads a start tag and opens the element; returns the root when it was an empty root element.
    private mutating func startTag() throws(SafeXMLError) -> SafeXMLElement? {
        let tagStart = pos
        pos += 1
        let qualifiedNameBytes = try scanName()
        let qualifiedName = String(decoding: bytes[qualifiedNameBytes], as: UTF8.self)
        var raw: [(name: String, value: String)] = []
        var selfClosing = false
        while true {
            let hadSpace = skipSpaces()
            guard pos < bytes.count else { throw failure(.truncated, "the document ends inside the start tag <\(qualifiedName)>") }
            if bytes[pos] == UInt8(ascii: ">") { pos += 1; break }
            if starts(with: "/>") { pos += 2; selfClosing = true; break }
            guard hadSpace else { throw failure(.malformed, "attributes of <\(qualifiedName)> must be separated by white space") }
            let name = try readName()
            skipSpaces()
            try expect("=")
            skipSpaces()
            let value = try attributeValue()
            guard raw.count < limits.attributesPerElement else {
                throw failure(.tooMany, "<\(qualifiedName)> has more than \(limits.attributesPerElement) attributes")
            }
            guard !raw.contains(where: { $0.name == name }) else {
                throw failure(.malformed, "attribute '\(name)' appears twice on <\(qualifiedName)>")
            }
            raw.append((name, value))
        }
        guard stack.count < limits.depth else {
            pos = tagStart
            throw failure(.tooDeep, "elements are nested deeper than \(limits.depth) levels")
        }
        elementCount += 1
        guard elementCount <= limits.elements else {
            pos = tagStart
            throw failure(.tooMany, "the document has more than \(limits.elements) elements")
        }

        var scope: [String: String] = [:]
        for attribute in raw {
            if attribute.name == "xmlns" {
                scope[""] = attribute.value
            } else if attribute.name.hasPrefix("xmlns:") {
                let prefix = String(attribute.name.dropFirst(6))
                guard !attribute.value.isEmpty else { throw failure(.malformed, "namespace prefix '\(prefix)' cannot be bound to an empty URI") }
                scope[prefix] = attribute.value
            }
        }
        scopes.append(scope)

        let (prefix, name) = try split(qualifiedName)
        let namespace = try resolve(prefix)
        var attributes: [SafeXMLAttribute] = []
        for attribute in raw where attribute.name != "xmlns" && !attribute.name.hasPrefix("xmlns:") {
            let (attributePrefix, attributeName) = try split(attribute.name)
            let attributeNamespace = attributePrefix == nil ? nil : try resolve(attributePrefix)
            attributes.append(SafeXMLAttribute(name: attributeName, prefix: attributePrefix, namespace: attributeNamespace, value: attribute.value))
        }
        if !stack.isEmpty { stack[stack.count - 1].flush(&pending) }
        stack.append(Open(qualifiedName: qualifiedName, qualifiedNameBytes: qualifiedNameBytes, name: name, prefix: prefix, namespace: namespace, attributes: attributes))
        return selfClosing ? closeTop() : nil
    }

    /// Reads an end tag, closes the element and returns the root when it was the root's end tag.
    private mutating func endTag() throws(SafeXMLError) -> SafeXMLElement? {
        pos += 2
        let nameBytes = try scanName()
        skipSpaces()
        try expect(">")
        guard let open = stack.last else {
            throw failure(.malformed, "end tag </\(String(decoding: bytes[nameBytes], as: UTF8.self))> without a start tag")
        }
        // The same bytes are the same name; other bytes may still be the same String (canonically equivalent).
        if !bytes[nameBytes].elementsEqual(bytes[open.qualifiedNameBytes]) {
            let name = String(decoding: bytes[nameBytes], as: UTF8.self)
            guard open.qualifiedName == name else {
                throw failure(.malformed, "end tag </\(name.prefix(100))> does not match the start tag <\(open.qualifiedName)>")
            }
        }
        return closeTop()
    }

    private mutating func closeTop() -> SafeXMLElement? {
        guard var open = stack.popLast() else { return nil }
        scopes.removeLast()
        let element = open.close(&pending)
        if stack.isEmpty { return element }
        stack[stack.count - 1].children.append(element)
        return nil
    }

    private func split(_ qualifiedName: String) throws(SafeXMLError) -> (prefix: String?, name: String) {
        // An ASCII name is split over bytes; others by Characters (a colon followed by a combining mark is no colon).
        let utf8 = qualifiedName.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return (nil, qualifiedName) }
            let after = utf8.index(after: colon)
            if colon != utf8.startIndex, after != utf8.endIndex, !utf8[after...].contains(UInt8(ascii: ":")) {
                return (String(qualifiedName[..<colon]), String(qualifiedName[after...]))
            }
        }
        let parts = qualifiedName.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return (nil, qualifiedName)
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty: return (String(parts[0]), String(parts[1]))
        default: throw failure(.malformed, "'\(qualifiedName.prefix(100))' is not a valid qualified name")
        }
    }

    /// The URI bound to a prefix (nil prefix: the default namespace) in the current scope.
    private func resolve(_ prefix: String?) throws(SafeXMLError) -> String? {
        let key = prefix ?? ""
        if key == "xml" { return "http://www.w3.org/XML/1998/namespace" }
        for scope in scopes.reversed() where !scope.isEmpty {
            if let uri = scope[key] { return uri.isEmpty ? nil : uri }
        }
        guard prefix == nil else { throw failure(.undeclaredPrefix, "namespace prefix '\(key.prefix(100))' is not declared") }
        return nil
    }

    // MARK: Tokens

    private mutating func readName() throws(SafeXMLError) -> String {
        let range = try scanName()
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// Reads a name and returns where it lies in the bytes.
    private mutating func scanName() throws(SafeXMLError) -> Range<Int> {
        let start = pos
        while pos < bytes.count, Self.isNameByte(bytes[pos]) {
            pos += 1
            if pos - start > limits.nameBytes { throw failure(.tooMany, "a name is longer than \(limits.nameBytes) bytes") }
        }
        guard pos > start else {
            throw pos < bytes.count ? failure(.malformed, "a name was expected") : failure(.truncated, "the document ends where a name was expected")
        }
        let first = bytes[start]
        guard !(first >= 0x30 && first <= 0x39), first != UInt8(ascii: "-"), first != UInt8(ascii: ".") else {
            pos = start
            throw failure(.malformed, "a name cannot start with a digit, '-' or '.'")
        }
        return start..<pos
    }

    private mutating func quotedLiteral() throws(SafeXMLError) -> String {
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") || bytes[pos] == UInt8(ascii: "'") else {
            throw failure(.malformed, "a quoted value was expected")
        }
        let quote = bytes[pos]
        let start = pos + 1
        guard let end = bytes[start...].firstIndex(of: quote) else { throw failure(.truncated, "a quoted value is not closed") }
        pos = end + 1
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private mutating func attributeValue() throws(SafeXMLError) -> String {
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") || bytes[pos] == UInt8(ascii: "'") else {
            throw failure(.malformed, "an attribute value must be quoted")
        }
        let quote = bytes[pos]
        pos += 1
        var value: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw failure(.truncated, "an attribute value is not closed") }
            let byte = bytes[pos]
            if byte == quote { pos += 1; break }
            switch byte {
            case UInt8(ascii: "<"):
                throw failure(.malformed, "'<' is not allowed in an attribute value")
            case UInt8(ascii: "&"):
                try reference(into: &value)
            case 0x0D:
                value.append(0x20)
                pos += 1
                if pos < bytes.count, bytes[pos] == 0x0A { pos += 1 }
            case 0x09, 0x0A:
                value.append(0x20)
                pos += 1
            default:
                value.append(byte)
                pos += 1
            }
            if value.count > limits.attributeValueBytes {
                throw failure(.tooMany, "an attribute value is longer than \(limits.attributeValueBytes) bytes")
            }
        }
        return String(decoding: value, as: UTF8.self)
    }

    /// `&lt;`, `&#233;`, `&#x20AC;`…: appends the UTF-8 of the character; any other entity is refused.
    private mutating func reference(into output: inout [UInt8]) throws(SafeXMLError) {
        let start = pos
        pos += 1
        guard let semicolon = bytes[pos..<min(bytes.count, pos + 34)].firstIndex(of: UInt8(ascii: ";")) else {
            pos = start
            throw failure(.malformed, "'&' must start an entity or character reference such as &amp; or &#233;")
        }
        let body = bytes[pos..<semicolon]
        pos = semicolon + 1
        if body.first == UInt8(ascii: "#") {
            let hex = body.dropFirst().first == UInt8(ascii: "x")
            let digits = body.dropFirst(hex ? 2 : 1)
            guard !digits.isEmpty, digits.count <= 8, let code = UInt32(String(decoding: digits, as: UTF8.self), radix: hex ? 16 : 10),
                  let scalar = Unicode.Scalar(code),
                  code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code != 0xFFFE && code != 0xFFFF) else {
                pos = start
                throw failure(.malformed, "'&\(String(decoding: body, as: UTF8.self));' is not a valid character reference")
            }
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
            return
        }
        switch String(decoding: body, as: UTF8.self) {
        case "lt": output.append(UInt8(ascii: "<"))
        case "gt": output.append(UInt8(ascii: ">"))
        case "amp": output.append(UInt8(ascii: "&"))
        case "apos": output.append(UInt8(ascii: "'"))
        case "quot": output.append(UInt8(ascii: "\""))
        case let name:
            pos = start
            throw failure(.entityForbidden, "entity '&\(name.prefix(32));' is not defined: only &lt; &gt; &amp; &apos; &quot; and character references are accepted")
        }
    }

    @discardableResult
    private mutating func skipSpaces() -> Bool {
        let start = pos
        while pos < bytes.count, Self.isSpace(bytes[pos]) { pos += 1 }
        return pos > start
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(SafeXMLError) {
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: character) else {
            throw pos < bytes.count ? failure(.malformed, "'\(character)' was expected") : failure(.truncated, "the document ends where '\(character)' was expected")
        }
        pos += 1
    }

    private func starts(with literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard pos + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { buffer in
            for index in 0..<count where bytes[pos + index] != buffer[index] { return false }
            return true
        }
    }

    private func find(_ literal: StaticString, from start: Int) -> Int? {
        let count = literal.utf8CodeUnitCount
        return literal.withUTF8Buffer { buffer -> Int? in
            guard count > 0, start >= 0 else { return nil }
            var index = start
            while index + count <= bytes.count {
                if bytes[index] == buffer[0] {
                    var matched = true
                    for offset in 1..<count where bytes[index + offset] != buffer[offset] { matched = false; break }
                    if matched { return index }
                }
                index += 1
            }
            return nil
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "."), 0x80...0xFF:
            return true
        default:
            return false
        }
    }

    private func failure(_ kind: SafeXMLError.Kind, _ message: String) -> SafeXMLError {
        let (line, column) = Self.position(of: pos, in: bytes)
        return SafeXMLError(kind: kind, line: line, column: column, message: message)
    }

    /// 1-based line and byte column of an offset.
    static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        for index in 0..<end where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, end - lineStart + 1)
    }
}
