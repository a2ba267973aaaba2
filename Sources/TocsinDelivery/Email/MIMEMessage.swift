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
    public func render(boundary: String = "tocsin-" + UUID().uuidString.lowercased()) -> [UInt8] {
        var out = ""
        for (name, value) in headers { out += Self.header(name, value) }
        out += "MIME-Version: 1.0\r\n"
        out += "Content-Type: multipart/alternative; boundary=\"\(boundary)\"\r\n\r\n"
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            out += "--\(boundary)\r\n"
            out += "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            out += Self.quotedPrintable(body) + "\r\n"
        }
        out += "--\(boundary)--\r\n"
        return Array(out.utf8)
    }

    /// One header line, folded; non-ASCII values become RFC 2047 encoded words (UTF-8, base64), split so that
    /// no word cuts a character and no line passes 78 characters.
    static func header(_ name: String, _ value: String) -> String {
        let clean = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard clean.unicodeScalars.contains(where: { !$0.isASCII }) else {
            return fold("\(name): \(clean)") + "\r\n"
        }
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

    /// Folds an ASCII header line at spaces before 78 characters.
    static func fold(_ line: String) -> String {
        guard line.count > 78 else { return line }
        var lines: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty && current.count + 1 + word.count > 78 {
                lines.append(current)
                current = String(word)
            } else {
                current = current.isEmpty ? String(word) : current + " " + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045 §6.7) with CRLF line ends and soft breaks before 76 characters.
    static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var output: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            var encoded: [String] = []
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                if (byte >= 33 && byte <= 126 && byte != 61) || (byte == 32 && !isLast) || (byte == 9 && !isLast) {
                    encoded.append(String(UnicodeScalar(byte)))
                } else {
                    encoded.append(String(format: "=%02X", byte))
                }
            }
            var current = ""
            var lines: [String] = []
            for token in encoded {
                if current.count + token.count > 75 {
                    lines.append(current + "=")
                    current = ""
                }
                current += token
            }
            lines.append(current)
            output.append(lines.joined(separator: "\r\n"))
        }
        return output.joined(separator: "\r\n")
    }
}

/// RFC 5322 dates for the `Date` header: `Mon, 23 Nov 2026 09:49:15 +0000`.
public enum MailDate {
    public static func format(_ date: Date) -> String { InternetDate.format(date, zone: "+0000") }
}
