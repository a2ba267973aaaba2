/// Splits the metric part of a vector (after any `CVSS:x.y/` prefix) into metrics and checks each against the
/// version's definitions: one pass over the UTF-8 bytes, no regular expressions, no intermediate strings.
enum CVSSVectorParser {
    private static let slash = UInt8(ascii: "/")
    private static let colon = UInt8(ascii: ":")

    static func parse(_ body: Substring, as metrics: CVSSMetricSet) throws(CVSSError) -> CVSSParsedVector {
        var values = [Int8](repeating: -1, count: metrics.metrics.count)
        let bytes = body.utf8
        if !bytes.isEmpty {
            var position = 0
            var start = bytes.startIndex
            while true {
                position += 1
                let end = bytes[start...].firstIndex(of: slash) ?? bytes.endIndex
                let isLast = end == bytes.endIndex
                try read(bytes[start..<end], position: position, isLast: isLast, into: &values, metrics)
                if isLast { break }
                start = bytes.index(after: end)
            }
        }
        let missing = metrics.metrics.indices.filter { metrics.metrics[$0].group == .base && values[$0] < 0 }
        if !missing.isEmpty {
            throw .missingBaseMetrics(missing.map { metrics.metrics[$0].name }, version: metrics.version)
        }
        return CVSSParsedVector(metrics: metrics, values: values)
    }

    /// Checks one `METRIC:VALUE` component and records its value.
    private static func read(
        _ component: Substring.UTF8View,
        position: Int,
        isLast: Bool,
        into values: inout [Int8],
        _ metrics: CVSSMetricSet
    ) throws(CVSSError) {
        if component.isEmpty {
            throw isLast && position > 1 ? .trailingJunk("/") : .emptyComponent(position: position)
        }
        guard let colon = component.firstIndex(of: colon), colon != component.startIndex else {
            throw .malformedComponent(text(component), position: position)
        }
        let name = component[..<colon]
        let value = component[component.index(after: colon)...]
        guard let metric = metrics.position(of: name) else {
            throw .unknownMetric(text(name), version: metrics.version)
        }
        let definition = metrics.metrics[metric]
        if values[metric] >= 0 { throw .duplicateMetric(definition.name) }
        guard let choice = definition.valueBytes.firstIndex(where: { $0.elementsEqual(value) }) else {
            throw .invalidValue(metric: definition.name, value: text(value), allowed: definition.values)
        }
        values[metric] = Int8(choice)
    }

    /// Input text for an error message, at most 64 characters.
    private static func text(_ bytes: Substring.UTF8View) -> String {
        CVSSError.clip(String(decoding: bytes, as: UTF8.self))
    }
}

extension CVSSError {
    /// Input text kept in an error: at most 64 characters, so that a hostile vector cannot make errors large.
    static func clip(_ text: some StringProtocol) -> String {
        text.count > 64 ? String(text.prefix(64)) + "…" : String(text)
    }
}
