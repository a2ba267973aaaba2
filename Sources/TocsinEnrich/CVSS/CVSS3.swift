import Foundation

/// CVSS v3.0 and v3.1 scoring: the equations of section 7 of the FIRST specification documents, with each
/// version's Roundup and environmental impact formula.
enum CVSS3 {
    static let metrics30 = CVSSMetricSet(version: .v3_0, metrics: definitions)
    static let metrics31 = CVSSMetricSet(version: .v3_1, metrics: definitions)

    // Value lists are ordered so that a modified metric's value at position n + 1 is its base metric's value at
    // position n (after the leading "X"); the weight tables below are parallel to the base lists.
    private static let definitions: [CVSSMetricSet.Metric] = [
        .init("AV", ["N", "A", "L", "P"], .base),
        .init("AC", ["L", "H"], .base),
        .init("PR", ["N", "L", "H"], .base),
        .init("UI", ["N", "R"], .base),
        .init("S", ["U", "C"], .base),
        .init("C", ["H", "L", "N"], .base),
        .init("I", ["H", "L", "N"], .base),
        .init("A", ["H", "L", "N"], .base),
        .init("E", ["X", "H", "F", "P", "U"], .temporal),
        .init("RL", ["X", "U", "W", "T", "O"], .temporal),
        .init("RC", ["X", "C", "R", "U"], .temporal),
        .init("CR", ["X", "H", "M", "L"], .environmental),
        .init("IR", ["X", "H", "M", "L"], .environmental),
        .init("AR", ["X", "H", "M", "L"], .environmental),
        .init("MAV", ["X", "N", "A", "L", "P"], .environmental),
        .init("MAC", ["X", "L", "H"], .environmental),
        .init("MPR", ["X", "N", "L", "H"], .environmental),
        .init("MUI", ["X", "N", "R"], .environmental),
        .init("MS", ["X", "U", "C"], .environmental),
        .init("MC", ["X", "H", "L", "N"], .environmental),
        .init("MI", ["X", "H", "L", "N"], .environmental),
        .init("MA", ["X", "H", "L", "N"], .environmental),
    ]

    /// Positions in the metric set.
    private enum At {
        static let av = 0, ac = 1, pr = 2, ui = 3, s = 4, c = 5, i = 6, a = 7
        static let e = 8, rl = 9, rc = 10, cr = 11, ir = 12, ar = 13
        static let mav = 14, mac = 15, mpr = 16, mui = 17, ms = 18, mc = 19, mi = 20, ma = 21
    }

    private static let attackVector = [0.85, 0.62, 0.55, 0.2]
    private static let attackComplexity = [0.77, 0.44]
    private static let privilegesRequiredScopeUnchanged = [0.85, 0.62, 0.27]
    private static let privilegesRequiredScopeChanged = [0.85, 0.68, 0.5]
    private static let userInteraction = [0.85, 0.62]
    private static let impact = [0.56, 0.22, 0]
    private static let exploitCodeMaturity = [1, 1, 0.97, 0.94, 0.91]
    private static let remediationLevel = [1, 1, 0.97, 0.96, 0.95]
    private static let reportConfidence = [1, 1, 0.96, 0.92]
    private static let requirement = [1, 1.5, 1, 0.5]
    private static let scopeChanged = 1

    /// The three scores of a v3 vector; metrics the vector leaves out count as "not defined".
    struct Scores: Sendable, Hashable {
        let base: Double
        let temporal: Double
        let environmental: Double
    }

    static func score(_ vector: CVSSParsedVector) -> CVSSResult {
        let scores = scores(vector)
        return CVSSResult(
            version: vector.metrics.version,
            vector: vector.normalised,
            baseScore: scores.base,
            temporalScore: vector.defines(.temporal) ? scores.temporal : nil,
            environmentalScore: vector.defines(.environmental) ? scores.environmental : nil
        )
    }

    static func scores(_ vector: CVSSParsedVector) -> Scores {
        let is31 = vector.metrics.version == .v3_1
        func roundUp(_ value: Double) -> Double { is31 ? roundUp31(value) : roundUp30(value) }

        // Base
        let scope = vector.required(At.s)
        let c = impact[vector.required(At.c)], i = impact[vector.required(At.i)], a = impact[vector.required(At.a)]
        let iss = 1 - ((1 - c) * (1 - i) * (1 - a))
        let baseImpact = scope == scopeChanged
            ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15)
            : 6.42 * iss
        let baseExploitability = 8.22 * attackVector[vector.required(At.av)]
            * attackComplexity[vector.required(At.ac)]
            * privilegesRequired(vector.required(At.pr), scope: scope)
            * userInteraction[vector.required(At.ui)]
        let base: Double
        if baseImpact <= 0 {
            base = 0
        } else if scope == scopeChanged {
            base = roundUp(min(1.08 * (baseImpact + baseExploitability), 10))
        } else {
            base = roundUp(min(baseImpact + baseExploitability, 10))
        }

        // Temporal
        let e = weight(vector, At.e, exploitCodeMaturity), rl = weight(vector, At.rl, remediationLevel)
        let rc = weight(vector, At.rc, reportConfidence)
        let temporal = roundUp(base * e * rl * rc)

        // Environmental: a modified metric left out or "X" takes its base metric's value.
        let modifiedScope = modified(vector, At.ms, base: At.s)
        let mc = impact[modified(vector, At.mc, base: At.c)]
        let mi = impact[modified(vector, At.mi, base: At.i)]
        let ma = impact[modified(vector, At.ma, base: At.a)]
        let miss = min(1 - ((1 - weight(vector, At.cr, requirement) * mc)
            * (1 - weight(vector, At.ir, requirement) * mi)
            * (1 - weight(vector, At.ar, requirement) * ma)), 0.915)
        let modifiedImpact: Double
        if modifiedScope != scopeChanged {
            modifiedImpact = 6.42 * miss
        } else if is31 {
            modifiedImpact = 7.52 * (miss - 0.029) - 3.25 * pow(miss * 0.9731 - 0.02, 13)
        } else {
            modifiedImpact = 7.52 * (miss - 0.029) - 3.25 * pow(miss - 0.02, 15)
        }
        let modifiedExploitability = 8.22 * attackVector[modified(vector, At.mav, base: At.av)]
            * attackComplexity[modified(vector, At.mac, base: At.ac)]
            * privilegesRequired(modified(vector, At.mpr, base: At.pr), scope: modifiedScope)
            * userInteraction[modified(vector, At.mui, base: At.ui)]
        let environmental: Double
        if modifiedImpact <= 0 {
            environmental = 0
        } else if modifiedScope == scopeChanged {
            environmental = roundUp(roundUp(min(1.08 * (modifiedImpact + modifiedExploitability), 10)) * e * rl * rc)
        } else {
            environmental = roundUp(roundUp(min(modifiedImpact + modifiedExploitability, 10)) * e * rl * rc)
        }
        return Scores(base: base, temporal: temporal, environmental: environmental)
    }

    /// Privileges Required weighs more when the scope changes (the vulnerable component's privileges then matter
    /// less).
    private static func privilegesRequired(_ value: Int, scope: Int) -> Double {
        (scope == scopeChanged ? privilegesRequiredScopeChanged : privilegesRequiredScopeUnchanged)[value]
    }

    /// The value of a modified metric as a position in its base metric's list.
    private static func modified(_ vector: CVSSParsedVector, _ position: Int, base: Int) -> Int {
        if let value = vector.defined(position) { return value - 1 }
        return vector.required(base)
    }

    /// The weight of a temporal or requirement metric, position 0 ("X") when the vector leaves it out.
    private static func weight(_ vector: CVSSParsedVector, _ position: Int, _ weights: [Double]) -> Double {
        weights[vector.defined(position) ?? 0]
    }

    /// CVSS v3.1 Roundup (specification, Appendix A): works on an integer number of hundred-thousandths so that
    /// binary floating-point noise (4.000000000000001) does not push a score up by 0.1.
    static func roundUp31(_ value: Double) -> Double {
        let integer = Int((value * 100_000).rounded())
        if integer % 10_000 == 0 { return Double(integer) / 100_000 }
        return Double(integer / 10_000 + 1) / 10
    }

    /// CVSS v3.0 Round up: the smallest one-decimal number greater than or equal to the value, computed as the
    /// FIRST v3.0 calculator does.
    static func roundUp30(_ value: Double) -> Double {
        (value * 10).rounded(.up) / 10
    }
}
