import Foundation
import TocsinCore
import TocsinStore

/// One alert revision's email as every recipient of one kind reads it (same locale, concerns lines and relaying
/// broker's note): rendered from the templates once, with marks where each recipient's own values go (the
/// organisation's name, the unsubscribe and acknowledgement links) and its headers encoded, but the recipient's own
/// (`To`, `Date`, `Message-ID`, `List-Unsubscribe`). A message is then the variant with the recipient's values put
/// in, byte for byte what rendering the templates for that recipient gives.
struct EmailVariant: Sendable {
    /// What a variant is rendered for: everything of a delivery the message depends on, but the recipient's own.
    struct Key: Hashable, Sendable {
        var alertJSON: [UInt8]
        var locale: String
        var concerns: [InventoryConcern]
        var annotation: String?

        init(_ claimed: ClaimedDelivery) {
            alertJSON = claimed.alertJSON
            locale = claimed.locale
            concerns = claimed.concerns
            annotation = claimed.annotation
        }

        /// Hashes the document's length and ends rather than all of it (a few kB, looked up for every message);
        /// equality still compares every byte.
        func hash(into hasher: inout Hasher) {
            hasher.combine(alertJSON.count)
            alertJSON.prefix(128).withUnsafeBytes { hasher.combine(bytes: $0) }
            alertJSON.suffix(128).withUnsafeBytes { hasher.combine(bytes: $0) }
            hasher.combine(locale)
            hasher.combine(concerns)
            hasher.combine(annotation)
        }
    }

    /// A recipient's own value in the templates' output.
    enum Hole: Int, Sendable, CaseIterable {
        case orgName, unsubscribeUrl, ackUrl

        /// The templates' value that stands for it.
        var key: String {
            switch self {
            case .orgName: "orgName"
            case .unsubscribeUrl: "unsubscribeUrl"
            case .ackUrl: "ackUrl"
            }
        }
    }

    /// A header of the recipient's own, made for each message.
    enum OwnHeader: Sendable { case to, date, messageId, listUnsubscribe }

    enum Piece: Sendable {
        case bytes([UInt8])
        /// A recipient's value, HTML-escaped as the templates escape it (`escaped`), or as is.
        case hole(Hole, escaped: Bool)
        case header(OwnHeader)
    }

    /// The recipient's values of one message.
    struct Values {
        var orgName: String
        var unsubscribeUrl: String
        var ackUrl: String?

        subscript(hole: Hole) -> String {
            switch hole {
            case .orgName: orgName
            case .unsubscribeUrl: unsubscribeUrl
            case .ackUrl: ackUrl ?? ""
            }
        }
    }

    let alert: Alert
    let headers: [Piece]
    let text: [Piece]
    let html: [Piece]
    /// Whether the message carries an acknowledgement link.
    let acknowledges: Bool

    /// Renders the variant of `claimed` for `channel`: its templates run once with a mark in place of each of the
    /// recipient's values. The marks carry a random number drawn once per process, so no alert text can forge one,
    /// and an `&`, so that the output says whether the template escaped the value there.
    init(_ claimed: ClaimedDelivery, channel: EmailChannel) throws {
        let alert = try claimed.alert()
        let locale = claimed.locale
        let content = EmailChannel.content(for: claimed, alert: alert, templates: channel.templates, publicUrl: channel.publicUrl)
        var context = content.context
        context[Hole.orgName.key] = Self.mark(.orgName)
        context[Hole.unsubscribeUrl.key] = Self.mark(.unsubscribeUrl)
        channel.addAckLink(for: claimed, alert: alert, locale: locale, to: &context)
        acknowledges = context[Hole.ackUrl.key] != nil
        if acknowledges { context[Hole.ackUrl.key] = Self.mark(.ackUrl) }
        self.alert = alert
        text = Self.pieces(try channel.templates.render(context, locale: locale, part: "text"))
        html = Self.pieces(try channel.templates.render(context, locale: locale, part: "html"))
        // The same headers as a message rendered alone; those of the recipient's own are left to fill.
        let own: [String: OwnHeader] = ["To": .to, "Date": .date, "Message-ID": .messageId, "List-Unsubscribe": .listUnsubscribe]
        headers = channel.headers(for: claimed, alert: alert, subject: content.subject, unsubscribeUrl: "", date: Date()).map { name, value in
            own[name].map { .header($0) } ?? .bytes(Array(MIMEMessage.header(name, value).utf8))
        }
    }

    /// The message of one recipient: the variant with `claimed`'s own values, `date` as its `Date` header.
    func message(for claimed: ClaimedDelivery, channel: EmailChannel, date: String, boundary: String) -> [UInt8]? {
        let ackUrl = acknowledges ? channel.ackLinks?.url(for: claimed, alert: alert, reader: .person) : nil
        // The link comes with the alert revision, for every recipient or none: a variant that does not match falls back.
        guard (ackUrl != nil) == acknowledges else { return nil }
        let values = Values(orgName: claimed.orgName, unsubscribeUrl: channel.unsubscribeUrl(claimed), ackUrl: ackUrl)
        var head: [UInt8] = []
        head.reserveCapacity(1024)
        for piece in headers {
            switch piece {
            case .bytes(let bytes): head += bytes
            case .header(let header):
                let (name, value) = switch header {
                case .to: ("To", EmailChannel.toHeader(claimed.addresses))
                case .date: ("Date", date)
                case .messageId: ("Message-ID", channel.messageId(claimed))
                case .listUnsubscribe: ("List-Unsubscribe", "<\(values.unsubscribeUrl)>")
                }
                MIMEMessage.appendHeader(name, value, to: &head)
            case .hole: break
            }
        }
        let text = Self.fill(self.text, with: values), html = Self.fill(self.html, with: values)
        return text.withUnsafeBufferPointer { text in
            html.withUnsafeBufferPointer { html in MIMEMessage.assemble(headers: head, boundary: boundary, text: text, html: html) }
        }
    }

    /// The body's UTF-8 with the recipient's values in place.
    static func fill(_ pieces: [Piece], with values: Values) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(pieces.reduce(0) { if case .bytes(let b) = $1 { $0 + b.count } else { $0 + 128 } })
        for piece in pieces {
            switch piece {
            case .bytes(let bytes): out += bytes
            case .hole(let hole, let escaped): out += (escaped ? HTMLEscape.escape(values[hole]) : values[hole]).utf8
            case .header: break
            }
        }
        return out
    }

    /// Drawn once per process: what makes a mark impossible to forge.
    static let nonce = "m" + String(UInt64.random(in: .min ... .max), radix: 36) + "x" + String(UInt64.random(in: .min ... .max), radix: 36)

    /// The value that stands for `hole` while the templates render.
    static func mark(_ hole: Hole) -> String { "\u{1}\(nonce)&\(hole.rawValue)\u{1}" }

    /// The marks as they come out of the templates: as is, or HTML-escaped (`&` as `&amp;`).
    static let marks: [(bytes: [UInt8], hole: Hole, escaped: Bool)] = Hole.allCases.flatMap { hole in
        [(Array(mark(hole).utf8), hole, false), (Array("\u{1}\(nonce)&amp;\(hole.rawValue)\u{1}".utf8), hole, true)]
    }

    /// The templates' output cut at the marks.
    static func pieces(_ rendered: String) -> [Piece] {
        let bytes = Array(rendered.utf8)
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var index = 0
        scan: while index < bytes.count {
            if bytes[index] == 1 {
                for mark in marks where bytes.count - index >= mark.bytes.count && bytes[index..<index + mark.bytes.count].elementsEqual(mark.bytes) {
                    if !literal.isEmpty { pieces.append(.bytes(literal)) }
                    literal = []
                    pieces.append(.hole(mark.hole, escaped: mark.escaped))
                    index += mark.bytes.count
                    continue scan
                }
            }
            literal.append(bytes[index])
            index += 1
        }
        if !literal.isEmpty { pieces.append(.bytes(literal)) }
        return pieces
    }
}

/// HTML escaping exactly as the Mustache templates escape a value (`<`, `>`, `&`, `"`, `'`, character by character).
enum HTMLEscape {
    private static let replacements: [Character: String] = ["<": "&lt;", ">": "&gt;", "&": "&amp;", "\"": "&quot;", "'": "&#39;"]

    static func escape(_ text: String) -> String {
        // Most values hold none of the five: nothing to do.
        guard text.utf8.contains(where: { $0 == 60 || $0 == 62 || $0 == 38 || $0 == 34 || $0 == 39 }) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for character in text {
            if let replacement = replacements[character] { escaped += replacement } else { escaped.append(character) }
        }
        return escaped
    }
}
