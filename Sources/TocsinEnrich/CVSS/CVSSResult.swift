/// The outcome of scoring one CVSS vector: its version, normalised vector, scores and qualitative rating.
///
/// For CVSS v2.0 and v3.x, `temporalScore` and `environmentalScore` are set only when the vector defines at least
/// one metric of that group (a metric set to `X`/`ND` does not count). CVSS v4.0 has a single score that every
/// metric group feeds: `baseScore` holds it and `nomenclature` says which groups were present (`CVSS-B`,
/// `CVSS-BT`, `CVSS-BE`, `CVSS-BTE`).
public struct CVSSResult: Sendable, Hashable {
    public let version: CVSSVersion
    /// The vector with its metrics in the specification's order and `X`/`ND` (not defined) metrics left out, so
    /// that two spellings of the same assessment compare equal. Scoring it gives the same result.
    public let vector: String
    /// The base score (v2, v3) or the score of the vector as given (v4).
    public let baseScore: Double
    public let temporalScore: Double?
    public let environmentalScore: Double?
    /// The rating of `baseScore`.
    public let severity: CVSSSeverity
    /// For CVSS v4.0 only, the nomenclature the specification requires alongside the score.
    public let nomenclature: String?

    /// A result whose `severity` is the band of `baseScore` for `version`.
    public init(
        version: CVSSVersion,
        vector: String,
        baseScore: Double,
        temporalScore: Double? = nil,
        environmentalScore: Double? = nil,
        nomenclature: String? = nil
    ) {
        self.version = version
        self.vector = vector
        self.baseScore = baseScore
        self.temporalScore = temporalScore
        self.environmentalScore = environmentalScore
        self.severity = CVSSSeverity(score: baseScore, version: version)
        self.nomenclature = nomenclature
    }

    /// The most specific score the vector yields: environmental, else temporal, else base.
    public var overallScore: Double { environmentalScore ?? temporalScore ?? baseScore }
}
