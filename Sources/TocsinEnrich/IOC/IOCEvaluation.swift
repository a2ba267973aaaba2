import TocsinCore

/// One text with the indicators a reader expects to find in it, for measuring an extractor.
public struct IOCEvaluationCase: Sendable, Hashable {
    public var id: String
    public var text: String
    /// Expected values by kind; kinds absent here are expected to yield nothing.
    public var expected: [Indicator.Kind: [String]]

    public init(id: String, text: String, expected: [Indicator.Kind: [String]]) {
        self.id = id
        self.text = text
        self.expected = expected
    }
}

/// Precision and recall of an extractor on a set of cases, per indicator kind and overall, with the list of
/// failures (missed and spurious values), so that benchmarks and documentation can report how well extraction
/// does and where it fails. Values are compared in `IOCNormalization` form; no I/O.
public struct IOCEvaluation: Sendable {
    /// Counts for one kind or overall.
    public struct Score: Sendable, Hashable {
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0

        public init(truePositives: Int = 0, falsePositives: Int = 0, falseNegatives: Int = 0) {
            self.truePositives = truePositives
            self.falsePositives = falsePositives
            self.falseNegatives = falseNegatives
        }

        /// Share of reported values that were expected (1 when nothing was reported).
        public var precision: Double {
            truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        /// Share of expected values that were reported (1 when nothing was expected).
        public var recall: Double {
            truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
        }
        public var f1: Double {
            precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        }
    }

    /// A value the extractor missed or reported wrongly.
    public struct Failure: Sendable, Hashable {
        public enum Reason: String, Sendable, Hashable {
            case missed, spurious
        }
        public var caseID: String
        public var kind: Indicator.Kind
        public var value: String
        public var reason: Reason

        public init(caseID: String, kind: Indicator.Kind, value: String, reason: Reason) {
            self.caseID = caseID
            self.kind = kind
            self.value = value
            self.reason = reason
        }
    }

    /// The kinds evaluated, in a stable order.
    public let kinds: [Indicator.Kind]
    public let perKind: [Indicator.Kind: Score]
    public let overall: Score
    public let failures: [Failure]
    public let caseCount: Int

    /// Runs `extract` on the text of every case and compares, for the kinds in `kinds`, what it reports with what
    /// is expected.
    public init(cases: [IOCEvaluationCase], kinds: Set<Indicator.Kind>, extract: (String) -> [Indicator]) {
        self.init(cases: cases, kinds: kinds, extractCase: { extract($0.text) })
    }

    /// The same, for extractions that depend on the case (options that differ from case to case).
    public init(cases: [IOCEvaluationCase], kinds: Set<Indicator.Kind>, extractCase: (IOCEvaluationCase) -> [Indicator]) {
        let ordered = Indicator.Kind.allCases.filter(kinds.contains)
        var perKind: [Indicator.Kind: Score] = [:]
        for kind in ordered { perKind[kind] = Score() }
        var failures: [Failure] = []
        for evaluationCase in cases {
            let found = extractCase(evaluationCase)
            for kind in ordered {
                let expected = Set((evaluationCase.expected[kind] ?? []).map { IOCNormalization.normalized($0, as: kind) })
                let reported = Set(found.filter { $0.type == kind }.map { IOCNormalization.normalized($0.value, as: kind) })
                var score = perKind[kind] ?? Score()
                score.truePositives += expected.intersection(reported).count
                let missed = expected.subtracting(reported).sorted()
                let spurious = reported.subtracting(expected).sorted()
                score.falseNegatives += missed.count
                score.falsePositives += spurious.count
                perKind[kind] = score
                failures += missed.map { Failure(caseID: evaluationCase.id, kind: kind, value: $0, reason: .missed) }
                failures += spurious.map { Failure(caseID: evaluationCase.id, kind: kind, value: $0, reason: .spurious) }
            }
        }
        var overall = Score()
        for score in perKind.values {
            overall.truePositives += score.truePositives
            overall.falsePositives += score.falsePositives
            overall.falseNegatives += score.falseNegatives
        }
        self.kinds = ordered
        self.perKind = perKind
        self.overall = overall
        self.failures = failures
        self.caseCount = cases.count
    }

    /// A plain-text table of the scores (one line per kind, then the total) followed by the failures.
    public func report(listingFailures: Bool = true) -> String {
        func line(_ name: String, _ score: Score) -> String {
            func pad(_ text: String, _ width: Int) -> String {
                String(repeating: " ", count: max(0, width - text.count)) + text
            }
            func percent(_ value: Double) -> String {
                let tenths = Int((value * 1000).rounded())
                return "\(tenths / 10).\(tenths % 10)%"
            }
            return name.padding(toLength: 8, withPad: " ", startingAt: 0) + pad("\(score.truePositives)", 6)
                + pad("\(score.falsePositives)", 6) + pad("\(score.falseNegatives)", 6)
                + pad(percent(score.precision), 11) + pad(percent(score.recall), 9)
        }
        var lines = ["\(caseCount) cases", "kind        TP    FP    FN  precision   recall"]
        for kind in kinds { lines.append(line(kind.rawValue, perKind[kind] ?? Score())) }
        lines.append(line("overall", overall))
        if listingFailures, !failures.isEmpty {
            lines.append("failures:")
            for failure in failures {
                lines.append("  \(failure.reason.rawValue) \(failure.kind.rawValue) \(failure.value) [\(failure.caseID)]")
            }
        }
        return lines.joined(separator: "\n")
    }
}
