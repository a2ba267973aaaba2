import Foundation
import TocsinCore

/// An email as RFC 5322 and MIME (RFC 2045–2047) want it: multipart/alternative with a plain-text and an HTML
/// part, both UTF-8 in quoted-printable (lines of at most 76 characters, accents intact), encoded-word headers
/// for non-ASCII text, CRLF line ends.
public struct MIMEMessage: Sendable {
    public var headers: [(String, String)]
    public var text: String
    public var html: String

    public init(headers: [(String, String)], text: String, html: String) {
        self.headers = headers
        self.text = text
        self.html = html
    }

    /// The message bytes, ready for SMTP `DATA`.
    public func render(boundary: String = MIMEMessage.boundary()) -> [UInt8] {
        var head: [UInt8] = []
        for (name, value) in headers { Self.appendHeader(name, value, to: &head) }
        var text = text, html = html
        return text.withUTF8 { text in html.withUTF8 { html in Self.assemble(headers: head, boundary: boundary, text: text, html: html) } }
    }

    /// A fresh boundary between the parts: `tocsin-` and 16 bytes from the system's cryptographic generator, in the
    /// shape of a UUID. Unpredictable for every message, so that no text in an alert can be written to end a part
    /// (a recipient sees the boundaries of the messages it gets). Drawn as two 64-bit words rather than through
    /// `UUID()`, which took a tenth of the time of making a message.
    public static func boundary() -> String { "tocsin-" + TocsinID.uuidText(TocsinID.randomBytes(16)) }

    /// The message from its header lines (each ending in CRLF) and the UTF-8 of its two parts, which it encodes.
    static func assemble(headers: [UInt8], boundary: String, text: UnsafeBufferPointer<UInt8>, html: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(headers.count + (text.count + html.count) * 9 / 8 + 512)
        out += headers
        out += "MIME-Version: 1.0\r\n".utf8
        out += "Content-Type: multipart/alternative; boundary=\"".utf8
        out += boundary.utf8
        out += "\"\r\n\r\n".utf8
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            out += "--".utf8
            out += boundary.utf8
            out += "\r\nContent-Type: ".utf8
            out += type.utf8
            out += "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8
            QuotedPrintable.encode(body, into: &out)
            out += "\r\n".utf8
        }
        out += "--".utf8
        out += boundary.utf8
        out += "--\r\n".utf8
        return out
    }

    /// One header line, folded; non-ASCII values become RFC 2047 encoded words (UTF-8, base64), split so that
    /// no word cuts a character and no line passes 78 characters.
    static func header(_ name: String, _ value: String) -> String {
        var bytes: [UInt8] = []
        appendHeader(name, value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `header(name, value)`'s bytes, appended to `out`. An ASCII value (every address, date, id and link) is
    /// cleaned and folded byte by byte: four of these per message took half the time of making it from its variant.
    static func appendHeader(_ name: String, _ value: String, to out: inout [UInt8]) {
        guard value.utf8.allSatisfy({ $0 < 0x80 }) else {
            out += encodedHeader(name, value).utf8
            return
        }
        var line: [UInt8] = []
        line.reserveCapacity(name.utf8.count + 2 + value.utf8.count)
        line += name.utf8
        line += ": ".utf8
        // CR and LF become spaces: a value never starts a header of its own.
        for byte in value.utf8 { line.append(byte == 13 || byte == 10 ? 32 : byte) }
        fold(line, to: &out)
        out += "\r\n".utf8
    }

    /// Folds an ASCII header line at spaces before 78 characters; a line is cut only where a space was, and a
    /// word longer than a line stays whole.
    static func fold(_ line: [UInt8], to out: inout [UInt8]) {
        guard line.count > 78 else {
            out += line
            return
        }
        var current: ArraySlice<UInt8> = []
        for word in line.split(separator: 32, omittingEmptySubsequences: false) {
            if !current.isEmpty && current.count + 1 + word.count > 78 {
                out += current
                out += "\r\n ".utf8
                current = word
            } else if current.isEmpty {
                current = word
            } else {
                current += [32]
                current += word
            }
        }
        out += current
    }

    /// A header whose value is not all ASCII: RFC 2047 encoded words.
    private static func encodedHeader(_ name: String, _ value: String) -> String {
        let clean = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        var words: [String] = []
        var chunk = ""
        for character in clean {
            if (chunk + String(character)).utf8.count > 40 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        let encoded = words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }
        return "\(name): " + encoded.joined(separator: "\r\n ") + "\r\n"
    }

    /// Quoted-printable (RFC 2045 §6.7) with CRLF line ends and soft breaks before 76 characters.
    static func quotedPrintable(_ text: String) -> String { QuotedPrintable.encode(text) }
}

/// RFC 5322 dates for the `Date` header: `Mon, 23 Nov 2026 09:49:15 +0000`.
public enum MailDate {
    public static func format(_ date: Date) -> String { InternetDate.format(date, zone: "+0000") }
}
