import Foundation

/// A pattern that is not valid STIX 2.1 patterning, with the character offset where reading failed.
public struct STIXPatternError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The position (in Unicode scalars from the start of the pattern) where reading failed.
    public var offset: Int
    /// What was wrong, in words a pattern author can act on.
    public var message: String

    /// An error at `offset`.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(message) (at character \(offset))" }
}
