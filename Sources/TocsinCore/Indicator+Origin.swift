/// What recipients may be given of an alert's indicators according to where each comes from.
extension Array where Element == Indicator {
    /// The indicators the source stated (an indicator without an origin counts as stated).
    public var stated: [Indicator] { filter { $0.effectiveOrigin == .stated } }

    /// The indicators Tocsin found in the prose, for a person to check before blocking.
    public var extracted: [Indicator] { filter { $0.effectiveOrigin == .extracted } }

    /// The list without a second copy of any value (same type, same value ignoring case except for URLs, file
    /// names and other free values): the first copy stays where it is, but a stated copy replaces an extracted
    /// one, so that one value never appears twice because two origins gave it.
    public func deduplicatedByOrigin() -> [Indicator] {
        var result: [Indicator] = []
        var positions: [String: Int] = [:]
        for indicator in self {
            let key = indicator.deduplicationKey
            if let position = positions[key] {
                if result[position].effectiveOrigin == .extracted, indicator.effectiveOrigin == .stated {
                    result[position] = indicator
                }
            } else {
                positions[key] = result.count
                result.append(indicator)
            }
        }
        return result
    }
}

extension Indicator {
    /// The kinds whose values are compared as written; the others ignore case.
    static let caseSensitiveKinds: Set<Kind> = [.url, .filename, .other]

    /// What makes two indicators the same value: the type and the value (ignoring case where case means nothing).
    public var deduplicationKey: String {
        type.rawValue + "|" + (Self.caseSensitiveKinds.contains(type) ? value : value.lowercased())
    }
}

extension Alert {
    /// The alert as a subscription that asked for stated indicators only (`statedIndicatorsOnly`) receives it:
    /// the extracted indicators left out, everything else unchanged. The alert itself when it has none.
    public func keepingStatedIndicators() -> Alert {
        guard content.indicators.contains(where: { $0.effectiveOrigin == Indicator.Origin.extracted }) else { return self }
        var copy = self
        copy.content.indicators = content.indicators.stated
        return copy
    }
}

extension AlertContent {
    /// The attribute that says what kind of prose the alert's text is; `advisory` (a vulnerability advisory) makes
    /// enrichment find no indicators in it unless the operator turned that on.
    public static let proseAttribute = "tocsin.prose"
    /// The value of `proseAttribute` for a vulnerability advisory's text.
    public static let advisoryProse = "advisory"

    /// Whether the alert's text is a vulnerability advisory's (CSAF, CVE, KEV, CERT-FR avis).
    public var isAdvisoryProse: Bool { attributes[Self.proseAttribute] == Self.advisoryProse }
}
