/// CVSS v2.0 scoring: the base, temporal and environmental equations of "A Complete Guide to the Common
/// Vulnerability Scoring System Version 2.0" (FIRST, 2007), section 3.2.
enum CVSS2 {
    static let metrics = CVSSMetricSet(version: .v2_0, metrics: [
        .init("AV", ["L", "A", "N"], .base),
        .init("AC", ["H", "M", "L"], .base),
        .init("Au", ["M", "S", "N"], .base),
        .init("C", ["N", "P", "C"], .base),
        .init("I", ["N", "P", "C"], .base),
        .init("A", ["N", "P", "C"], .base),
        .init("E", ["U", "POC", "F", "H", "ND"], .temporal),
        .init("RL", ["OF", "TF", "W", "U", "ND"], .temporal),
        .init("RC", ["UC", "UR", "C", "ND"], .temporal),
        .init("CDP", ["N", "L", "LM", "MH", "H", "ND"], .environmental),
        .init("TD", ["N", "L", "M", "H", "ND"], .environmental),
        .init("CR", ["L", "M", "H", "ND"], .environmental),
        .init("IR", ["L", "M", "H", "ND"], .environmental),
        .init("AR", ["L", "M", "H", "ND"], .environmental),
    ])

    /// Positions in `metrics`.
    private enum At {
        static let av = 0, ac = 1, au = 2, c = 3, i = 4, a = 5, e = 6, rl = 7, rc = 8
        static let cdp = 9, td = 10, cr = 11, ir = 12, ar = 13
    }

    // Weights, parallel to the value lists above; the last "ND" entry is the weight of an absent metric.
    private static let accessVector = [0.395, 0.646, 1.0]
    private static let accessComplexity = [0.35, 0.61, 0.71]
    private static let authentication = [0.45, 0.56, 0.704]
    private static let impact = [0.0, 0.275, 0.660]
    private static let exploitability = [0.85, 0.9, 0.95, 1.0, 1.0]
    private static let remediationLevel = [0.87, 0.90, 0.95, 1.0, 1.0]
    private static let reportConfidence = [0.90, 0.95, 1.0, 1.0]
    private static let collateralDamage = [0.0, 0.1, 0.3, 0.4, 0.5, 0.0]
    private static let targetDistribution = [0.0, 0.25, 0.75, 1.0, 1.0]
    private static let requirement = [0.5, 1.0, 1.51, 1.0]

    static func score(_ vector: CVSSParsedVector) -> CVSSResult {
        let c = impact[vector.required(At.c)], i = impact[vector.required(At.i)], a = impact[vector.required(At.a)]
        let exploitabilitySubscore = 20 * accessVector[vector.required(At.av)]
            * accessComplexity[vector.required(At.ac)] * authentication[vector.required(At.au)]
        let base = baseEquation(impact: 10.41 * (1 - (1 - c) * (1 - i) * (1 - a)), exploitability: exploitabilitySubscore)

        let temporalFactor = weight(vector, At.e, exploitability) * weight(vector, At.rl, remediationLevel)
            * weight(vector, At.rc, reportConfidence)
        let temporal = round(base * temporalFactor)

        let adjustedImpact = min(10, 10.41 * (1 - (1 - c * weight(vector, At.cr, requirement))
            * (1 - i * weight(vector, At.ir, requirement)) * (1 - a * weight(vector, At.ar, requirement))))
        let adjustedBase = baseEquation(impact: adjustedImpact, exploitability: exploitabilitySubscore)
        let adjustedTemporal = round(adjustedBase * temporalFactor)
        let environmental = round((adjustedTemporal + (10 - adjustedTemporal) * weight(vector, At.cdp, collateralDamage))
            * weight(vector, At.td, targetDistribution))

        return CVSSResult(
            version: .v2_0,
            vector: vector.normalised,
            baseScore: base,
            temporalScore: vector.defines(.temporal) ? temporal : nil,
            environmentalScore: vector.defines(.environmental) ? environmental : nil
        )
    }

    private static func baseEquation(impact: Double, exploitability: Double) -> Double {
        let fImpact = impact == 0 ? 0 : 1.176
        // max(0, …) turns the -0.0 of a zero-impact vector into 0.0.
        return max(0, round(((0.6 * impact) + (0.4 * exploitability) - 1.5) * fImpact))
    }

    /// The weight of the metric at `position`, or of its "ND" value (the last) when the vector leaves it out.
    private static func weight(_ vector: CVSSParsedVector, _ position: Int, _ weights: [Double]) -> Double {
        let value = vector.defined(position) ?? weights.count - 1
        return weights.indices.contains(value) ? weights[value] : 1
    }

    /// The guide's round_to_1_decimal, half away from zero. The equations are exact decimal arithmetic in the
    /// guide; the 1e-9 nudge keeps a binary result like 4.3499999999 on the side of the decimal tie 4.35.
    private static func round(_ value: Double) -> Double {
        ((value * 10) + (value < 0 ? -1e-9 : 1e-9)).rounded(.toNearestOrAwayFromZero) / 10
    }
}
