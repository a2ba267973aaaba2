/// The metrics one CVSS version defines, in the order its specification lists them, with the values each accepts.
///
/// Scoring code addresses a metric by its position in `metrics` and a value by its position in the metric's
/// `values`, so the weight tables of each version are arrays parallel to these lists.
struct CVSSMetricSet: Sendable {
    /// One metric: its abbreviation, the values it accepts and the group it belongs to.
    struct Metric: Sendable {
        let name: String
        let values: [String]
        let group: Group
        /// The position in `values` of "not defined" (`X`, or `ND` in v2), which scores like an absent metric.
        let notDefined: Int?
        /// `name` and `values` as UTF-8, which the parser compares the input's bytes with.
        let nameBytes: [UInt8]
        let valueBytes: [[UInt8]]

        init(_ name: String, _ values: [String], _ group: Group) {
            self.name = name
            self.values = values
            self.group = group
            self.notDefined = values.firstIndex { $0 == "X" || $0 == "ND" }
            self.nameBytes = Array(name.utf8)
            self.valueBytes = values.map { Array($0.utf8) }
        }
    }

    /// The metric groups of the specifications; v4.0's threat group (`E`) is filed as `temporal`.
    enum Group: Sendable {
        case base
        case temporal
        case environmental
        case supplemental
    }

    let version: CVSSVersion
    let metrics: [Metric]

    /// The position of the metric whose name is spelled by `name` (UTF-8), if this version defines it.
    func position(of name: Substring.UTF8View) -> Int? {
        // At most 32 short names: a linear scan beats hashing.
        metrics.firstIndex { $0.nameBytes.elementsEqual(name) }
    }
}

/// A syntactically valid vector: for each metric of its version, the position of the value it was given.
struct CVSSParsedVector: Sendable {
    let metrics: CVSSMetricSet
    /// Indexed like `metrics.metrics`; `-1` where the vector leaves the metric out.
    let values: [Int8]

    /// The position of the value given to the metric at `position`, or nil when absent or "not defined".
    func defined(_ position: Int) -> Int? {
        guard values.indices.contains(position), values[position] >= 0 else { return nil }
        let value = Int(values[position])
        return value == metrics.metrics[position].notDefined ? nil : value
    }

    /// The value of a metric the parser guarantees to be present (a base metric); 0 if it somehow is not.
    func required(_ position: Int) -> Int { defined(position) ?? 0 }

    /// Whether any metric of `group` has a defined value.
    func defines(_ group: CVSSMetricSet.Group) -> Bool {
        metrics.metrics.indices.contains { metrics.metrics[$0].group == group && defined($0) != nil }
    }

    /// The vector in canonical form: the version prefix, then the defined metrics in the specification's order.
    var normalised: String {
        var vector: [UInt8] = Array((metrics.version.vectorPrefix ?? "").utf8)
        vector.reserveCapacity(128)
        for (position, metric) in metrics.metrics.enumerated() {
            guard let value = defined(position) else { continue }
            if !vector.isEmpty { vector.append(UInt8(ascii: "/")) }
            vector += metric.nameBytes
            vector.append(UInt8(ascii: ":"))
            vector += metric.valueBytes[value]
        }
        return String(decoding: vector, as: UTF8.self)
    }
}
