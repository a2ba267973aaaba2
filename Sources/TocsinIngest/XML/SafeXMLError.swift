/// Why an XML document was refused by `SafeXMLParser`, with the line and column where reading stopped.
public struct SafeXMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The family of the failure, for callers and tests that react to one kind (a DTD, a size limit…).
    public enum Kind: String, Sendable, Equatable {
        /// The document is larger than the byte limit.
        case tooLarge
        /// The bytes are not valid UTF-8, or the declared encoding is not supported.
        case invalidEncoding
        /// A `<!DOCTYPE …>` declaration: DTDs are refused outright.
        case doctypeForbidden
        /// An `<!ENTITY …>` (or other DTD markup) declaration, or a reference to an entity XML does not predefine.
        case entityForbidden
        /// Elements nested deeper than the depth limit.
        case tooDeep
        /// Too many elements, too many attributes on one element, or a name or attribute value too long.
        case tooMany
        /// A namespace prefix used without being declared.
        case undeclaredPrefix
        /// The document ends before it is complete.
        case truncated
        /// Anything else that is not well-formed XML.
        case malformed
    }

    public var kind: Kind
    /// 1-based line of the offending byte; 0 when the failure concerns the document as a whole.
    public var line: Int
    /// 1-based column (in bytes) of the offending byte; 0 when the failure concerns the document as a whole.
    public var column: Int
    public var message: String

    /// An error of this kind at this position (0 when it concerns the whole document).
    public init(kind: Kind, line: Int = 0, column: Int = 0, message: String) {
        self.kind = kind
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        line > 0 ? "XML line \(line), column \(column): \(message)" : "XML: \(message)"
    }
}
