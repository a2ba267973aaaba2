/// CVSS v4.0 scoring: the MacroVector lookup and the interpolation of the official FIRST calculator
/// (FIRSTdotorg/cvss-v4-calculator, `cvss_score.js`), operation for operation so that binary rounding matches.
///
/// Every metric group feeds the one score: threat (`E`) and environmental metrics (security requirements and
/// modified base metrics) change it, supplemental metrics do not.
enum CVSS4 {
    static let metrics = CVSSMetricSet(version: .v4_0, metrics: [
        .init("AV", ["N", "A", "L", "P"], .base),
        .init("AC", ["L", "H"], .base),
        .init("AT", ["N", "P"], .base),
        .init("PR", ["N", "L", "H"], .base),
        .init("UI", ["N", "P", "A"], .base),
        .init("VC", ["H", "L", "N"], .base),
        .init("VI", ["H", "L", "N"], .base),
        .init("VA", ["H", "L", "N"], .base),
        .init("SC", ["H", "L", "N"], .base),
        .init("SI", ["H", "L", "N"], .base),
        .init("SA", ["H", "L", "N"], .base),
        .init("E", ["X", "A", "P", "U"], .temporal),
        .init("CR", ["X", "H", "M", "L"], .environmental),
        .init("IR", ["X", "H", "M", "L"], .environmental),
        .init("AR", ["X", "H", "M", "L"], .environmental),
        .init("MAV", ["X", "N", "A", "L", "P"], .environmental),
        .init("MAC", ["X", "L", "H"], .environmental),
        .init("MAT", ["X", "N", "P"], .environmental),
        .init("MPR", ["X", "N", "L", "H"], .environmental),
        .init("MUI", ["X", "N", "P", "A"], .environmental),
        .init("MVC", ["X", "H", "L", "N"], .environmental),
        .init("MVI", ["X", "H", "L", "N"], .environmental),
        .init("MVA", ["X", "H", "L", "N"], .environmental),
        .init("MSC", ["X", "H", "L", "N"], .environmental),
        .init("MSI", ["X", "S", "H", "L", "N"], .environmental),
        .init("MSA", ["X", "S", "H", "L", "N"], .environmental),
        .init("S", ["X", "N", "P"], .supplemental),
        .init("AU", ["X", "N", "Y"], .supplemental),
        .init("R", ["X", "A", "U", "I"], .supplemental),
        .init("V", ["X", "D", "C"], .supplemental),
        .init("RE", ["X", "L", "M", "H"], .supplemental),
        .init("U", ["X", "Clear", "Green", "Amber", "Red"], .supplemental),
    ])

    static func score(_ vector: CVSSParsedVector) -> CVSSResult {
        var nomenclature = "CVSS-B"
        if vector.defines(.temporal) { nomenclature += "T" }
        if vector.defines(.environmental) { nomenclature += "E" }
        return CVSSResult(
            version: .v4_0,
            vector: vector.normalised,
            baseScore: score(Effective(vector)),
            nomenclature: nomenclature
        )
    }

    /// The value each scored metric takes once defaults and modified metrics are applied (the calculator's `m()`):
    /// `E:X` scores as `A`, `CR/IR/AR:X` as `H`, and a defined modified metric replaces its base metric.
    struct Effective: Sendable, Hashable {
        var av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar: Unicode.Scalar

        init(_ vector: CVSSParsedVector) {
            func letter(_ position: Int) -> Unicode.Scalar? {
                guard let value = vector.defined(position) else { return nil }
                return vector.metrics.metrics[position].values[value].unicodeScalars.first
            }
            func effective(_ modified: Int, _ base: Int) -> Unicode.Scalar { letter(modified) ?? letter(base) ?? "N" }
            av = effective(15, 0)
            ac = effective(16, 1)
            at = effective(17, 2)
            pr = effective(18, 3)
            ui = effective(19, 4)
            vc = effective(20, 5)
            vi = effective(21, 6)
            va = effective(22, 7)
            sc = effective(23, 8)
            si = effective(24, 9)
            sa = effective(25, 10)
            e = letter(11) ?? "A"
            cr = letter(12) ?? "H"
            ir = letter(13) ?? "H"
            ar = letter(14) ?? "H"
        }
    }

    /// The six equivalence-class levels (EQ1…EQ6) that select the MacroVector.
    static func macroVector(_ m: Effective) -> [Int] {
        let eq1: Int
        if m.av == "N" && m.pr == "N" && m.ui == "N" {
            eq1 = 0
        } else if (m.av == "N" || m.pr == "N" || m.ui == "N") && m.av != "P" {
            eq1 = 1
        } else {
            eq1 = 2
        }
        let eq2 = m.ac == "L" && m.at == "N" ? 0 : 1
        let eq3: Int
        if m.vc == "H" && m.vi == "H" {
            eq3 = 0
        } else if m.vc == "H" || m.vi == "H" || m.va == "H" {
            eq3 = 1
        } else {
            eq3 = 2
        }
        let eq4: Int
        if m.si == "S" || m.sa == "S" {
            eq4 = 0
        } else if m.sc == "H" || m.si == "H" || m.sa == "H" {
            eq4 = 1
        } else {
            eq4 = 2
        }
        let eq5 = m.e == "A" ? 0 : m.e == "P" ? 1 : 2
        let eq6 = (m.cr == "H" && m.vc == "H") || (m.ir == "H" && m.vi == "H") || (m.ar == "H" && m.va == "H") ? 0 : 1
        return [eq1, eq2, eq3, eq4, eq5, eq6]
    }

    static func score(_ m: Effective) -> Double {
        // No impact on either system scores 0 whatever the exploitability.
        if m.vc == "N" && m.vi == "N" && m.va == "N" && m.sc == "N" && m.si == "N" && m.sa == "N" { return 0 }

        let mv = macroVector(m)
        let eq1 = mv[0], eq2 = mv[1], eq3 = mv[2], eq4 = mv[3], eq5 = mv[4], eq6 = mv[5]
        guard var value = CVSS4Lookup.score(eq1, eq2, eq3, eq4, eq5, eq6) else { return 0 }

        // 1a. The score of the next lower MacroVector along each EQ; nil where there is none.
        let lowerEq1 = CVSS4Lookup.score(eq1 + 1, eq2, eq3, eq4, eq5, eq6)
        let lowerEq2 = CVSS4Lookup.score(eq1, eq2 + 1, eq3, eq4, eq5, eq6)
        let lowerEq3Eq6: Double?
        switch (eq3, eq6) {
        case (1, 1), (0, 1): lowerEq3Eq6 = CVSS4Lookup.score(eq1, eq2, eq3 + 1, eq4, eq5, eq6)
        case (1, 0): lowerEq3Eq6 = CVSS4Lookup.score(eq1, eq2, eq3, eq4, eq5, eq6 + 1)
        case (0, 0):
            // Two ways down: the calculator keeps the higher of the two (the right one on a tie or when missing).
            let left = CVSS4Lookup.score(eq1, eq2, eq3, eq4, eq5, eq6 + 1)
            let right = CVSS4Lookup.score(eq1, eq2, eq3 + 1, eq4, eq5, eq6)
            if let left, let right { lowerEq3Eq6 = left > right ? left : right } else { lowerEq3Eq6 = right }
        default: lowerEq3Eq6 = CVSS4Lookup.score(eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1)
        }
        let lowerEq4 = CVSS4Lookup.score(eq1, eq2, eq3, eq4 + 1, eq5, eq6)
        let lowerEq5 = CVSS4Lookup.score(eq1, eq2, eq3, eq4, eq5 + 1, eq6)

        // 1b. The severity distance from the first highest-severity vector of the MacroVector that the vector does
        // not exceed in any metric (the last candidate when none qualifies, as the calculator does).
        var d = Distances()
        search: for eq1Max in maxEq1[eq1] {
            for eq2Max in maxEq2[eq2] {
                for eq3Eq6Max in maxEq3Eq6[eq3][eq6] {
                    d = Distances(m, eq1Max, eq2Max, eq3Eq6Max, maxEq4[eq4])
                    if !d.anyNegative { break search }
                }
            }
        }

        let currentEq1 = d.av + d.pr + d.ui
        let currentEq2 = d.ac + d.at
        let currentEq3Eq6 = d.vc + d.vi + d.va + d.cr + d.ir + d.ar
        let currentEq4 = d.sc + d.si + d.sa

        let step = 0.1
        let maxSeverityEq1 = Double(maxSeverityEq1Depth[eq1]) * step
        let maxSeverityEq2 = Double(maxSeverityEq2Depth[eq2]) * step
        let maxSeverityEq3Eq6 = Double(maxSeverityEq3Eq6Depth[eq3][eq6]) * step
        let maxSeverityEq4 = Double(maxSeverityEq4Depth[eq4]) * step

        // 1c–d. Each available distance scaled by the proportion of the MacroVector's depth already used up.
        var existingLower = 0
        var normalisedEq1 = 0.0, normalisedEq2 = 0.0, normalisedEq3Eq6 = 0.0, normalisedEq4 = 0.0
        var normalisedEq5 = 0.0
        if let lowerEq1 {
            existingLower += 1
            normalisedEq1 = (value - lowerEq1) * (currentEq1 / maxSeverityEq1)
        }
        if let lowerEq2 {
            existingLower += 1
            normalisedEq2 = (value - lowerEq2) * (currentEq2 / maxSeverityEq2)
        }
        if let lowerEq3Eq6 {
            existingLower += 1
            normalisedEq3Eq6 = (value - lowerEq3Eq6) * (currentEq3Eq6 / maxSeverityEq3Eq6)
        }
        if let lowerEq4 {
            existingLower += 1
            normalisedEq4 = (value - lowerEq4) * (currentEq4 / maxSeverityEq4)
        }
        if let lowerEq5 {
            // EQ5 has a single highest vector per level, so the proportion is always 0.
            existingLower += 1
            normalisedEq5 = (value - lowerEq5) * 0
        }

        // 2–3. Subtract the mean distance and round half up to one decimal.
        let meanDistance = existingLower == 0 ? 0
            : (normalisedEq1 + normalisedEq2 + normalisedEq3Eq6 + normalisedEq4 + normalisedEq5) / Double(existingLower)
        value -= meanDistance
        value = min(max(value, 0), 10)
        // The epsilon keeps a value one binary step below an x.x5 tie (5.6499999999999995) on the side of the tie,
        // as the calculator does.
        return ((value + 1e-6) * 10).rounded(.toNearestOrAwayFromZero) / 10
    }

    /// Per-metric severity distances between the vector and one highest-severity vector.
    private struct Distances {
        var av = 0.0, pr = 0.0, ui = 0.0, ac = 0.0, at = 0.0, vc = 0.0, vi = 0.0, va = 0.0
        var sc = 0.0, si = 0.0, sa = 0.0, cr = 0.0, ir = 0.0, ar = 0.0

        init() {}

        init(_ m: Effective, _ eq1: [Unicode.Scalar], _ eq2: [Unicode.Scalar], _ eq3Eq6: [Unicode.Scalar],
             _ eq4: [Unicode.Scalar]) {
            av = level(m.av, avLevels) - level(eq1[0], avLevels)
            pr = level(m.pr, prLevels) - level(eq1[1], prLevels)
            ui = level(m.ui, uiLevels) - level(eq1[2], uiLevels)
            ac = level(m.ac, acLevels) - level(eq2[0], acLevels)
            at = level(m.at, atLevels) - level(eq2[1], atLevels)
            vc = level(m.vc, vulnerableLevels) - level(eq3Eq6[0], vulnerableLevels)
            vi = level(m.vi, vulnerableLevels) - level(eq3Eq6[1], vulnerableLevels)
            va = level(m.va, vulnerableLevels) - level(eq3Eq6[2], vulnerableLevels)
            sc = level(m.sc, scLevels) - level(eq4[0], scLevels)
            si = level(m.si, siSaLevels) - level(eq4[1], siSaLevels)
            sa = level(m.sa, siSaLevels) - level(eq4[2], siSaLevels)
            cr = level(m.cr, requirementLevels) - level(eq3Eq6[3], requirementLevels)
            ir = level(m.ir, requirementLevels) - level(eq3Eq6[4], requirementLevels)
            ar = level(m.ar, requirementLevels) - level(eq3Eq6[5], requirementLevels)
        }

        var anyNegative: Bool {
            av < 0 || pr < 0 || ui < 0 || ac < 0 || at < 0 || vc < 0 || vi < 0 || va < 0 || sc < 0 || si < 0
                || sa < 0 || cr < 0 || ir < 0 || ar < 0
        }
    }

    // Severity levels of each metric's values, from the calculator.
    private static let avLevels: [(Unicode.Scalar, Double)] = [("N", 0.0), ("A", 0.1), ("L", 0.2), ("P", 0.3)]
    private static let prLevels: [(Unicode.Scalar, Double)] = [("N", 0.0), ("L", 0.1), ("H", 0.2)]
    private static let uiLevels: [(Unicode.Scalar, Double)] = [("N", 0.0), ("P", 0.1), ("A", 0.2)]
    private static let acLevels: [(Unicode.Scalar, Double)] = [("L", 0.0), ("H", 0.1)]
    private static let atLevels: [(Unicode.Scalar, Double)] = [("N", 0.0), ("P", 0.1)]
    private static let vulnerableLevels: [(Unicode.Scalar, Double)] = [("H", 0.0), ("L", 0.1), ("N", 0.2)]
    private static let scLevels: [(Unicode.Scalar, Double)] = [("H", 0.1), ("L", 0.2), ("N", 0.3)]
    private static let siSaLevels: [(Unicode.Scalar, Double)] = [("S", 0.0), ("H", 0.1), ("L", 0.2), ("N", 0.3)]
    private static let requirementLevels: [(Unicode.Scalar, Double)] = [("H", 0.0), ("M", 0.1), ("L", 0.2)]

    private static func level(_ value: Unicode.Scalar, _ levels: [(Unicode.Scalar, Double)]) -> Double {
        levels.first { $0.0 == value }?.1 ?? 0
    }

    // The highest-severity vectors of each EQ level (the calculator's `max_composed.js`), as letters:
    // EQ1 AV PR UI, EQ2 AC AT, EQ3+EQ6 (indexed [eq3][eq6]) VC VI VA CR IR AR, EQ4 SC SI SA.
    private static let maxEq1 = [["NNN"], ["ANN", "NLN", "NNP"], ["PNN", "ALP"]].map(letters)
    private static let maxEq2 = [["LN"], ["HN", "LP"]].map(letters)
    private static let maxEq3Eq6 = [
        [["HHHHHH"], ["HHLMMH", "HHHMMM"]],
        [["LHHHHH", "HLHHHH"], ["LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"]],
        [[], ["LLLHHH"]],
    ].map { $0.map(letters) }
    private static let maxEq4 = ["HSS", "HHH", "LLL"].map { Array($0.unicodeScalars) }

    private static func letters(_ vectors: [String]) -> [[Unicode.Scalar]] { vectors.map { Array($0.unicodeScalars) } }

    // The depth of each EQ level in severity steps (the calculator's `max_severity.js`).
    private static let maxSeverityEq1Depth = [1, 4, 5]
    private static let maxSeverityEq2Depth = [1, 2]
    private static let maxSeverityEq3Eq6Depth = [[7, 6], [8, 8], [0, 10]]
    private static let maxSeverityEq4Depth = [6, 5, 4]
}
