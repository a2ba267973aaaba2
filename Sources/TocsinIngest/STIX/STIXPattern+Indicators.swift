import Foundation
import TocsinCore

extension STIXPattern {
    /// The indicators the pattern names: every `=` comparison (and every member of an `IN` set) on a property
    /// `STIXObservableMapping` keeps, whether joined by `AND` or `OR`; negated tests and `LIKE`/`MATCHES`
    /// expressions describe no single value and give none.
    public func indicators(comment: String? = nil, toIds: Bool? = true) -> [Indicator] {
        var result: [Indicator] = []
        for comparison in comparisons where !comparison.negated {
            let values: [String]
            switch (comparison.op, comparison.value) {
            case (.equal, .string(let text)?): values = [text]
            case (.in, .set(let members)?):
                values = members.compactMap { if case .string(let text) = $0 { text } else { nil } }
            default: values = []
            }
            for value in values {
                guard let mapped = STIXObservableMapping.indicator(path: comparison.path, value: value) else { continue }
                let note = mapped.kind == .other ? [comparison.path.description, comment].compactMap { $0 }.joined(separator: ": ") : comment
                result.append(Indicator(type: mapped.kind, value: mapped.value, toIds: toIds, comment: note))
            }
        }
        return result
    }
}
