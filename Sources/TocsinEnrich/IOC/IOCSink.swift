import TocsinCore

/// Collects what the scanner finds: keeps the kinds asked for, drops duplicates (first appearance wins), applies the
/// warninglists and stops at the cap.
struct IOCSink {
    let limit: Int
    let kinds: Set<Indicator.Kind>
    let warninglists: IOCWarninglists
    let action: IOCExtractor.WarninglistAction
    private(set) var indicators: [Indicator] = []
    private(set) var hits: [IOCWarninglistHit] = []
    private var seen: Set<String> = []

    init(limit: Int, kinds: Set<Indicator.Kind>, warninglists: IOCWarninglists, action: IOCExtractor.WarninglistAction) {
        self.limit = max(0, limit)
        self.kinds = kinds
        self.warninglists = warninglists
        self.action = action
    }

    var isFull: Bool { indicators.count >= limit }

    mutating func emit(_ kind: Indicator.Kind, _ value: String) {
        guard kinds.contains(kind) else { return }
        guard !isFull else { return }
        guard seen.insert(kind.rawValue + "\u{0}" + value).inserted else { return }
        var indicator = Indicator(type: kind, value: value)
        if let list = warninglists.firstMatch(for: indicator) {
            if hits.count < limit { hits.append(IOCWarninglistHit(indicator: indicator, list: list)) }
            if action == .drop { return }
            indicator.toIds = false
            indicator.comment = "MISP warninglist: \(list)"
        }
        indicators.append(indicator)
    }
}
