import TocsinCore

extension CVSSScore {
    /// A Core score computed from `vector`: its version, the vector as stated (trimmed), the base score (v4.0: the
    /// score of the vector) and that score's band, attributed to `source`.
    public init(computing vector: String, source: String?) throws(CVSSError) {
        let result = try CVSS.score(vector)
        self.init(
            version: result.version.rawValue,
            vector: String(CVSS.trim(vector[...])),
            baseScore: result.baseScore,
            severity: result.severity.tocsinSeverity,
            source: source
        )
    }
}
