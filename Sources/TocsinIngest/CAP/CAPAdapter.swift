import Foundation
import TocsinCore

/// Ingests OASIS Common Alerting Protocol 1.2 and 1.1 messages: one alert per message.
///
/// `sender,identifier` is the alert's `sourceRef` (CAP identifiers are unique per sender only, so another sender
/// can never update or cancel the alert) and `sent` its publication date. `msgType` decides the action:
/// `Alert` publishes; `Update` publishes and lists the referenced identifiers in `supersedes`; `Cancel` cancels
/// the referenced identifiers; `Ack` and `Error` concern the exchange, not the public, and give no alert. Of
/// several `<info>` blocks the French one is used, else the English one, else the first. CAP severities map onto
/// Tocsin's (`CAPSeverity`); `Unknown` gives `options.defaultSeverity ?? .medium`, recorded as "default". CAP
/// has no TLP: `options.defaultTLP ?? .clear`. A message without `<info>` (a bare Cancel) still gives an alert,
/// titled from its type and identifier. Enveloped XML signatures are ignored, neither verified nor refused.
public struct CAPAdapter: IngestAdapter {
    public static let format = IngestFormat.cap

    /// An adapter has no configuration: per-source choices come in `IngestOptions`.
    public init() {}

    /// True when the root element is a CAP `<alert>` (1.1 or 1.2 namespace).
    public static func recognises(_ data: Data) -> Bool {
        guard let root = SafeXMLRootTag.sniff(data) else { return false }
        return root.name == "alert" && root.startTag.contains("urn:oasis:names:tc:emergency:cap:")
    }

    /// The one alert a CAP message states (none for `Ack` and `Error`), or an error naming the offending element.
    public func parse(_ data: Data, options: IngestOptions) throws(IngestError) -> [IngestedAlert] {
        let root: SafeXMLElement
        do {
            root = try SafeXMLParser.parse(data)
        } catch {
            throw IngestError(format: Self.format, path: "", message: error.description)
        }
        let message = try CAPMessage(root)
        let referenced = message.references.map { "\($0.sender),\($0.identifier)" }
        var action = IngestedAlert.Action.publish
        var supersedes: [String] = []
        switch message.msgType?.lowercased() ?? "alert" {
        case "ack", "error":
            return []
        case "cancel":
            guard !referenced.isEmpty else {
                throw IngestError(format: Self.format, path: "/alert/references", message: "a Cancel message must reference the messages it cancels (sender,identifier,sent)")
            }
            action = .cancel
            supersedes = referenced
        case "update":
            supersedes = referenced
        default:
            break
        }
        var parsed = try Self.draft(message, options: options)
        parsed.exerciseId = Self.exerciseId(message)
        let draft = try IngestDraft.validated(parsed, format: Self.format, path: "")
        return [IngestedAlert(draft: draft, action: action, supersedes: supersedes)]
    }

    static func draft(_ message: CAPMessage, options: IngestOptions) throws(IngestError) -> AlertDraft {
        guard let sent = IngestDate.parse(message.sent) else {
            throw IngestError(format: format, path: "/alert/sent", message: "'\(message.sent.prefix(40))' is not a date-time such as 2003-06-17T14:57:00-07:00")
        }
        let msgType = message.msgType ?? "Alert"
        var attributes: [String: String] = ["cap.msgType": msgType, "cap.version": message.version, "cap.sender": message.sender]
        attributes["cap.status"] = message.status
        attributes["cap.scope"] = message.scope

        guard let info = message.preferredInfo else {
            var summary = message.note.map(FeedText.collapse) ?? "CAP \(msgType) message \(message.identifier) from \(message.sender)."
            if !message.references.isEmpty {
                summary += " References: " + message.references.map(\.identifier).joined(separator: ", ") + "."
            }
            let (severity, from) = IngestDraft.severity(source: nil, options: options)
            attributes[IngestDraft.severitySourceKey] = from
            return AlertDraft(
                title: IngestDraft.title("CAP \(msgType) \(message.identifier)" + statusSuffix(message.status)),
                summary: IngestDraft.truncated(summary, to: IngestDraft.summaryLimit), severity: severity,
                tlp: options.defaultTLP ?? .clear, categories: IngestDraft.extraCategories(options),
                source: options.sourceName ?? format.rawValue, sourceRef: "\(message.sender),\(message.identifier)", sourcePublishedAt: sent,
                attributes: attributes
            )
        }

        attributes["cap.event"] = info.event
        attributes["cap.urgency"] = info.urgency
        attributes["cap.severity"] = info.severity
        attributes["cap.certainty"] = info.certainty
        attributes["cap.language"] = info.language
        if !info.categories.isEmpty { attributes["cap.category"] = info.categories.joined(separator: "\n") }
        if !info.areas.isEmpty { attributes["cap.areaDesc"] = info.areas.map(FeedText.collapse).joined(separator: "\n") }
        if let expires = info.expires { attributes["cap.expires"] = IngestDate.parse(expires).map(RFC3339.format) ?? expires }

        let (severity, from) = IngestDraft.severity(source: CAPSeverity.severity(info.severity), options: options)
        attributes[IngestDraft.severitySourceKey] = from

        let headline = info.headline.map(FeedText.collapse)
        let event = info.event.map(FeedText.collapse)
        var title: String
        switch (event, headline) {
        case let (event?, headline?) where !headline.lowercased().contains(event.lowercased()):
            title = "\(event): \(headline)"
        case let (_, headline?):
            title = headline
        case let (event?, nil):
            title = event
        case (nil, nil):
            title = "CAP \(msgType) \(message.identifier)"
        }
        title += statusSuffix(message.status)

        let description = info.description.map(FeedText.tidyLines)
        let summary = IngestDraft.truncated(description.map(FeedText.collapse) ?? headline ?? event ?? title, to: IngestDraft.summaryLimit)
        var sections: [String] = []
        if let description { sections.append(description) }
        if let instruction = info.instruction { sections.append("Instructions: " + FeedText.tidyLines(instruction)) }
        var facts: [String] = []
        if !info.areas.isEmpty { facts.append("Area: " + info.areas.map(FeedText.collapse).joined(separator: "; ")) }
        if let onset = info.onset { facts.append("Onset: \(onset)") }
        if let effective = info.effective { facts.append("Effective: \(effective)") }
        if let expires = info.expires { facts.append("Expires: \(expires)") }
        facts.append("Sender: " + (info.senderName.map { "\(FeedText.collapse($0)) (\(message.sender))" } ?? message.sender))
        if let contact = info.contact { facts.append("Contact: " + FeedText.collapse(contact)) }
        if let note = message.note { facts.append("Note: " + FeedText.collapse(note)) }
        sections.append(facts.joined(separator: "\n"))

        var references: [Reference] = []
        if let web = IngestDraft.webURL(info.web) { references.append(Reference(url: web, title: headline.map(IngestDraft.title))) }
        for resource in info.resources {
            if let url = IngestDraft.webURL(resource.uri), !references.contains(where: { $0.url == url }) {
                references.append(Reference(url: url, title: resource.description.map(IngestDraft.title)))
            }
        }

        return AlertDraft(
            title: IngestDraft.title(title), summary: summary,
            body: IngestDraft.truncated(sections.joined(separator: "\n\n"), to: AlertDraft.Limits.body),
            severity: severity, tlp: options.defaultTLP ?? .clear, categories: IngestDraft.extraCategories(options),
            cves: FeedText.cves(in: "\(title)\n\(description ?? "")"), references: references,
            source: options.sourceName ?? format.rawValue, sourceRef: "\(message.sender),\(message.identifier)", sourcePublishedAt: sent,
            attributes: attributes
        )
    }

    /// A CAP `status` of `Exercise` makes the alert a drill, named `cap:` + the message's identifier (CAP has no
    /// exercise element of its own, and `note` is free text): every message of the drill marked, kept out of real
    /// metrics. Characters an exercise id does not take become `_`, and it is cut at 100 characters.
    static func exerciseId(_ message: CAPMessage) -> String? {
        guard message.status?.lowercased() == "exercise" else { return nil }
        let cleaned = message.identifier.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) ? $0 : "_" }
        return String(("cap:" + String(cleaned)).prefix(100))
    }

    /// Non-`Actual` messages (`Exercise`, `Test`, `System`, `Draft`) say so in their title.
    private static func statusSuffix(_ status: String?) -> String {
        guard let status, status.lowercased() != "actual" else { return "" }
        return " [\(status)]"
    }
}
