/// Why a CVSS vector could not be scored; each case names what is wrong so that the vector can be fixed.
///
/// Text quoted from the input is shortened (`CVSSError.quoted`) so that a hostile vector cannot flood a log line.
public enum CVSSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The vector is empty or only whitespace.
    case empty
    /// The vector is longer than any valid vector can be.
    case tooLong(length: Int, limit: Int)
    /// The vector starts with a `CVSS:` prefix naming a version that is not 3.0, 3.1 or 4.0, or with something that
    /// is neither such a prefix nor a CVSS v2.0 metric.
    case unknownVersion(prefix: String)
    /// A `/`-separated component is empty (`AV:N//AC:L`); `position` counts metrics from 1.
    case emptyComponent(position: Int)
    /// A component is not of the form `METRIC:VALUE`.
    case malformedComponent(String, position: Int)
    /// The metric is not defined by this version of CVSS.
    case unknownMetric(String, version: CVSSVersion)
    /// The metric exists but does not accept this value.
    case invalidValue(metric: String, value: String, allowed: [String])
    /// The metric appears twice.
    case duplicateMetric(String)
    /// Base metrics the version requires are absent, in the specification's order.
    case missingBaseMetrics([String], version: CVSSVersion)
    /// Text follows the vector: a trailing `/`, something after a CVSS v2.0 closing parenthesis, or words after a
    /// space.
    case trailingJunk(String)
    /// A character that no vector contains at this place (`offset` counts characters from 0, after trimming).
    case unexpectedCharacter(String, offset: Int)
    /// A CVSS v2.0 vector opens a parenthesis it does not close.
    case unbalancedParenthesis

    /// A sentence saying what is wrong with the vector, for logs and problem documents.
    public var description: String {
        switch self {
        case .empty:
            return "the CVSS vector is empty"
        case .tooLong(let length, let limit):
            return "the CVSS vector is \(length) bytes long; a valid vector has at most \(limit)"
        case .unknownVersion(let prefix):
            return "unknown CVSS version prefix \(Self.quoted(prefix)): expected CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/, "
                + "or a CVSS v2.0 vector without prefix such as AV:N/AC:L/Au:N/C:P/I:P/A:P"
        case .emptyComponent(let position):
            return "component \(position) of the CVSS vector is empty (two consecutive '/')"
        case .malformedComponent(let component, let position):
            return "component \(position) of the CVSS vector, \(Self.quoted(component)), is not of the form METRIC:VALUE"
        case .unknownMetric(let metric, let version):
            var message = "\(Self.quoted(metric)) is not a CVSS v\(version.rawValue) metric"
            if version == .v2_0 {
                message += " (a vector without a CVSS: prefix is read as CVSS v2.0; v3 and v4 vectors must start "
                    + "with CVSS:3.1/ or CVSS:4.0/)"
            }
            return message
        case .invalidValue(let metric, let value, let allowed):
            return "\(Self.quoted(value)) is not a valid value for CVSS metric \(metric); expected one of "
                + allowed.joined(separator: ", ")
        case .duplicateMetric(let metric):
            return "CVSS metric \(metric) appears more than once in the vector"
        case .missingBaseMetrics(let metrics, let version):
            let noun = metrics.count == 1 ? "metric" : "metrics"
            return "the CVSS v\(version.rawValue) vector lacks the mandatory base \(noun) "
                + metrics.joined(separator: ", ")
        case .trailingJunk(let junk):
            return "unexpected text \(Self.quoted(junk)) after the end of the CVSS vector"
        case .unexpectedCharacter(let character, let offset):
            return "unexpected character \(Self.quoted(character)) at offset \(offset) of the CVSS vector"
        case .unbalancedParenthesis:
            return "the CVSS v2.0 vector opens a parenthesis that it does not close"
        }
    }

    /// `text` in quotes, cut to 40 characters and with control characters escaped.
    static func quoted(_ text: some StringProtocol) -> String {
        let limit = 40
        var shown = ""
        for (index, scalar) in text.unicodeScalars.enumerated() {
            if index == limit {
                shown += "…"
                break
            }
            shown += scalar.properties.generalCategory == .control
                ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return "'\(shown)'"
    }
}
