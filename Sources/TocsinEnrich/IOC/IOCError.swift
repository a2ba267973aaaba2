import Foundation

/// Why a Public Suffix List or a MISP warninglist could not be loaded; each case names the file or field at fault
/// and what to do about it.
public enum IOCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read (missing, unreadable, or a folder where a file was expected).
    case unreadable(path: String, reason: String)
    /// The input is larger than the loader accepts.
    case tooLarge(what: String, size: Int, limit: Int)
    /// The data is not UTF-8 text.
    case notUTF8(what: String)
    /// The Public Suffix List holds no rule at all, which means it is not a `public_suffix_list.dat` file.
    case emptyPublicSuffixList
    /// A warninglist is not valid JSON or not the MISP warninglist shape; `path` names the offending field.
    case invalidWarninglist(source: String, path: String, message: String)
    /// An evaluation corpus is not in the expected shape.
    case invalidCases(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .tooLarge(let what, let size, let limit):
            return "\(what) is \(size) bytes long; at most \(limit) bytes are accepted"
        case .notUTF8(let what):
            return "\(what) is not UTF-8 text"
        case .emptyPublicSuffixList:
            return "the Public Suffix List holds no rule; expected the public_suffix_list.dat format "
                + "(one rule per line, '//' comments), e.g. /usr/share/publicsuffix/public_suffix_list.dat "
                + "from Debian's publicsuffix package"
        case .invalidWarninglist(let source, let path, let message):
            return "MISP warninglist \(source), field \(path): \(message)"
        case .invalidCases(let message):
            return message
        }
    }
}
