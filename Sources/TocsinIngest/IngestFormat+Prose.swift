import TocsinCore

extension IngestFormat {
    /// Whether the draft's prose is a vulnerability advisory's (CSAF, CVE records, the KEV catalog, CERT-FR
    /// `avis`): text that names products, versions, vendors' sites and remediation steps, not threats. Such prose
    /// gives no indicators unless the operator says otherwise (`enrich.advisoryIndicators`); threat reports (STIX,
    /// MISP, CERT-FR CTI and alerts, feeds) and the publishers' own alerts are read as before.
    public func writesAdvisoryProse(_ draft: AlertDraft) -> Bool {
        switch self {
        case .csaf, .cve, .kev: true
        case .certfr: draft.attributes["certfr.kind"] == "avis"
        case .stix, .misp, .cap, .feed, .native: false
        }
    }
}
