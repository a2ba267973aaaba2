import TocsinCore

/// Severity normalised across sources, so that "high" means about the same from CERT-FR, CAP, MISP or a CVE.
///
/// The rules, applied in this order to the severity the alert arrived with:
/// 1. When the source stated no severity (`tocsin.severitySource` is `default`), the highest CVSS score's band
///    replaces the default, up or down: the score says more than a configured default.
/// 2. A CAP message with urgency `Immediate` and certainty `Observed` or `Likely` goes one level up (at most
///    `critical`): the event is happening now.
/// 3. A known-exploited vulnerability (CISA KEV, or the source's own flag) is at least `high`.
///
/// A severity the source stated (`tocsin.severitySource` `source`, `cvss`, or absent as for the publish API) is
/// never lowered. Applying the rules twice gives the same result: the first application keeps the severity it
/// started from in `tocsin.severityBeforeClassification`, and later ones start from there.
public enum ClassificationSeverity {
    /// The attribute that keeps the severity an alert had before classification changed it.
    public static let originalAttribute = "tocsin.severityBeforeClassification"
    /// The attribute that says why classification changed the severity.
    public static let reasonAttribute = "tocsin.severityRaisedBecause"

    /// The normalised severity and, when it differs from the severity the source gave, why.
    static func normalise(
        _ current: Severity, attributes: [String: String], cvss: [CVSSScore], knownExploited: Bool
    ) -> (severity: Severity, because: String?) {
        let original = attributes[originalAttribute].flatMap { Severity(rawValue: $0) } ?? current
        let stated = attributes["tocsin.severitySource"] != "default"
        var severity = original
        var reasons: [String] = []

        if !stated, let top = cvss.max(by: { $0.baseScore < $1.baseScore }), top.severity != severity {
            severity = top.severity
            reasons.append("CVSS \(top.version) base score \(formatted(top.baseScore)) (\(top.severity.rawValue)) replaces the default severity")
        }
        if attributes["cap.urgency"]?.lowercased() == "immediate",
           let certainty = attributes["cap.certainty"]?.lowercased(), certainty == "observed" || certainty == "likely",
           let raised = Severity(rank: severity.rank + 1) {
            severity = raised
            reasons.append("CAP urgency Immediate and certainty \(attributes["cap.certainty"] ?? certainty) raise it one level")
        }
        if knownExploited, severity < .high {
            severity = .high
            reasons.append("known exploited in the wild (KEV) raises it to at least high")
        }
        if stated, severity < original { severity = original }
        guard severity != original else { return (severity, nil) }
        return (severity, reasons.joined(separator: "; "))
    }

    private static func formatted(_ score: Double) -> String {
        let tenths = (score * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1_000 else { return "?" }
        let value = Int(tenths)
        return "\(value / 10).\(abs(value % 10))"
    }
}
