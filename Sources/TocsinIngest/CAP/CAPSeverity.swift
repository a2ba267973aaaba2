import TocsinCore

/// CAP `severity` values on Tocsin's scale: Extreme → critical, Severe → high, Moderate → medium, Minor → low.
/// `Unknown` (and anything else) gives nil, so that the caller falls back to the configured default.
public enum CAPSeverity {
    /// The Tocsin severity of a CAP `severity` value, nil for `Unknown` or an unrecognised value.
    public static func severity(_ capSeverity: String?) -> Severity? {
        switch capSeverity?.trimmingWhitespace().lowercased() {
        case "extreme": .critical
        case "severe": .high
        case "moderate": .medium
        case "minor": .low
        default: nil
        }
    }
}
