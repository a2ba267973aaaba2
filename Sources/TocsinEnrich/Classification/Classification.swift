import TocsinCore

/// The classification step of enrichment: gives every alert categories from Tocsin's taxonomy
/// (`ClassificationTaxonomy`) and a severity normalised across sources (`ClassificationSeverity`).
///
/// It is a pure function of the alert: the source's own taxonomy that ingest kept in `attributes` (`csaf.category`,
/// `certfr.kind`, `cap.category`, `misp.tags`, `misp.galaxies`, `stix.types`, `stix.malware_types`,
/// `stix.report_types`, `stix.labels`, `stix.attack_patterns`, `feed.categories`, `cve.state`, `kev.ransomware`),
/// the known-exploited flag, CVE ids, CVSS scores and indicators, and keywords in the text. Each category comes
/// with the reason it was given, so that a subscriber can see why an alert reached them.
///
/// Categories from the source's taxonomy: `exploited` when the alert is known exploited; `ransomware` when KEV
/// says `knownRansomwareCampaignUse` is `Known`; `vulnerability` for a published CVE record, CVE ids or CVSS
/// scores; `threat-intel` for indicators of compromise other than CVE ids; `medical-device` for a CISA ICS
/// medical advisory (`ICSMA-…`); the rest by the tables in `ClassificationSourceTables` and
/// `ClassificationMISPTag`. `advisory`, `alert` and `physical` come only from the source's taxonomy, never from
/// keywords: an alert that mentions "an advisory" is not one.
public enum Classification {
    /// The categories, reasons and normalised severity of an alert's content.
    public static func classify(_ content: AlertContent) -> ClassificationResult {
        classify(ClassificationInput(content))
    }

    /// The categories, reasons and normalised severity of a draft.
    public static func classify(_ draft: AlertDraft) -> ClassificationResult {
        classify(draft.content)
    }

    /// The categories, reasons and normalised severity of a stored alert (re-classification after the rules
    /// change, for instance).
    public static func classify(_ alert: Alert) -> ClassificationResult {
        classify(alert.content)
    }

    static func classify(_ input: ClassificationInput) -> ClassificationResult {
        var found = ClassificationCollector()
        for category in input.categories {
            let name = category.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            guard !name.isEmpty, name != ClassificationTaxonomy.other else { continue }
            found.add(name, because: "stated by the source")
        }
        addSourceCategories(input, to: &found)

        let text = ClassificationFoldedText(input.texts)
        for match in ClassificationKeywords.text.matches(in: text, ignoring: found.names) {
            found.add(match.category, because: "keyword '\(match.rule)'")
        }
        if found.categories.isEmpty { found.add(ClassificationTaxonomy.other, because: "no rule matched") }

        let (severity, because) = ClassificationSeverity.normalise(
            input.severity, attributes: input.attributes, cvss: input.cvss, knownExploited: input.knownExploited)
        return ClassificationResult(
            categories: found.categories, reasons: found.reasons, severity: severity, severityRaisedBecause: because)
    }

    private typealias T = ClassificationTaxonomy
    private typealias Tables = ClassificationSourceTables

    private static func addSourceCategories(_ input: ClassificationInput, to found: inout ClassificationCollector) {
        let attributes = input.attributes
        if input.knownExploited { found.add(T.exploited, because: "known exploited in the wild (KEV or source flag)") }
        if attributes["kev.ransomware"]?.trimmingCharacters(in: .whitespaces).lowercased() == "known" {
            found.add(T.ransomware, because: "KEV knownRansomwareCampaignUse Known")
        }

        for value in values(attributes["csaf.category"]) {
            let categories = Tables.csafCategories[value.lowercased()] ?? Tables.csafOtherCategory
            found.add(categories, because: "CSAF category \(value)")
        }
        for value in values(attributes["certfr.kind"]) {
            found.add(Tables.certfrKinds[value.lowercased()] ?? [], because: "CERT-FR series \(value)")
        }
        for value in values(attributes["cap.category"]) {
            found.add(Tables.capCategories[value.lowercased()] ?? [], because: "CAP category \(value)")
        }
        for tag in values(attributes["misp.tags"]) + values(attributes["misp.galaxies"]) {
            guard let parsed = ClassificationMISPTag(tag) else { continue }
            found.add(parsed.categories, because: "misp tag \(tag)")
        }
        for type in values(attributes["stix.types"]) {
            found.add(Tables.stixTypes[type.lowercased()] ?? [], because: "STIX object type \(type)")
        }
        for type in values(attributes["stix.malware_types"]) {
            found.add(Tables.stixVocabulary[type.lowercased()] ?? [T.malware], because: "STIX malware type \(type)")
        }
        for type in values(attributes["stix.report_types"]) {
            found.add(Tables.stixVocabulary[type.lowercased()] ?? [T.threatIntel], because: "STIX report type \(type)")
        }
        for label in values(attributes["stix.labels"]) {
            if let tag = ClassificationMISPTag(label) {
                found.add(tag.categories, because: "STIX label \(label)")
            } else {
                found.add(Tables.stixVocabulary[label.lowercased()] ?? [], because: "STIX label \(label)")
            }
        }
        for name in values(attributes["stix.attack_patterns"]) {
            let categories = ClassificationKeywords.attackPatterns.matches(in: ClassificationFoldedText([name])).map(\.category)
            found.add(categories, because: "STIX attack pattern \(name)")
        }
        for category in values(attributes["feed.categories"]) {
            let matches = ClassificationKeywords.text.matches(in: ClassificationFoldedText([category]))
            let exact = ClassificationTaxonomy.category(named: category.lowercased()).map { [$0.name] } ?? []
            found.add(exact + matches.map(\.category), because: "feed category '\(category)'")
        }
        for state in values(attributes["cve.state"]) {
            found.add(Tables.cveStates[state.lowercased()] ?? [], because: "CVE record state \(state)")
        }

        if let first = input.cves.first {
            found.add(T.vulnerability, because: input.cves.count == 1 ? "CVE id \(first)" : "CVE ids \(first) and \(input.cves.count - 1) more")
        }
        if let top = input.cvss.max(by: { $0.baseScore < $1.baseScore }) {
            found.add(T.vulnerability, because: "CVSS \(top.version) score")
        }
        let indicators = input.indicators.filter { $0.type != .cve }.count
        if indicators > 0 { found.add(T.threatIntel, because: "\(indicators) indicator\(indicators == 1 ? "" : "s") of compromise") }
        if let reference = input.sourceRef?.uppercased(), reference.hasPrefix("ICSMA-") {
            found.add(T.medicalDevice, because: "CISA ICS medical advisory \(input.sourceRef ?? reference)")
        }
    }

    /// The values of a multi-valued attribute (joined with line breaks), trimmed, empty ones dropped.
    private static func values(_ attribute: String?) -> [String] {
        guard let attribute else { return [] }
        return attribute.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// Categories in the order found, each with the first reason given for it.
struct ClassificationCollector {
    private(set) var categories: [String] = []
    private(set) var reasons: [String: String] = [:]
    private(set) var names: Set<String> = []

    mutating func add(_ category: String, because reason: String) {
        guard names.insert(category).inserted else { return }
        categories.append(category)
        reasons[category] = reason
    }

    mutating func add(_ categories: [String], because reason: String) {
        for category in categories { add(category, because: reason) }
    }
}
