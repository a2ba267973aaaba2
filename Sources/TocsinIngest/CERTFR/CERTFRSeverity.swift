import TocsinCore

/// The severity Tocsin gives a CERT-FR document, which states none: derived from the kind of document and the
/// risks it names.
///
/// - `alerte` (ALE): high. CERT-FR issues alerts for vulnerabilities exploited or about to be, and for incidents.
/// - `avis` (AVI): high when a stated risk (the `risks` list, or the summary when that list is absent as in the RSS
///   feeds) is a remote code execution ("Exécution de code arbitraire à distance"); medium otherwise.
/// - `actualite` (weekly bulletins) and `dur` (hardening guides): info.
/// - `cti`, `ioc` and any other kind: medium.
///
/// The result is recorded as `tocsin.severitySource = "source"`: it reads the source's own classification.
enum CERTFRSeverity {
    static func severity(kind: String?, riskText: String) -> Severity {
        switch kind {
        case "alerte": .high
        case "avis": CERTFRText.statesRemoteCodeExecution(riskText) ? .high : .medium
        case "actualite", "dur": .info
        default: .medium
        }
    }
}
