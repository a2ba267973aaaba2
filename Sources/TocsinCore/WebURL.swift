import Foundation

/// The http and https URLs an alert may carry as references, checked as `URL(string:)` reads them, with the common
/// case answered over bytes: adapters check every reference of every item, and Foundation's parser was a tenth of
/// a feed's reading time.
public enum WebURL {
    /// True when `URL(string: text)` gives an `http` or `https` URL (any case), with a host when `requiringHost`.
    public static func isHTTP(_ text: String, requiringHost: Bool) -> Bool {
        if hasPlainHTTPForm(text) { return true }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return false }
        return !requiringHost || url.host != nil
    }

    /// Whether `text` is `http://` or `https://` (any case), a host of ASCII letters, digits, dots and dashes, and
    /// nothing or a path, query or fragment of printable ASCII: a form `URL(string:)` always reads as an http(s)
    /// URL with that host. False only means "ask Foundation".
    public static func hasPlainHTTPForm(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes -> Bool in
            let count = bytes.count
            guard count >= 8, bytes[0] | 0x20 == UInt8(ascii: "h"), bytes[1] | 0x20 == UInt8(ascii: "t"),
                  bytes[2] | 0x20 == UInt8(ascii: "t"), bytes[3] | 0x20 == UInt8(ascii: "p") else { return false }
            var index = 4
            if bytes[index] | 0x20 == UInt8(ascii: "s") { index += 1 }
            guard index + 3 < count, bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: "/"),
                  bytes[index + 2] == UInt8(ascii: "/") else { return false }
            index += 3
            let hostStart = index
            while index < count {
                let byte = bytes[index]
                let isHostByte = (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                guard isHostByte else { break }
                index += 1
            }
            guard index > hostStart else { return false }
            guard index < count else { return true }
            let next = bytes[index]
            guard next == UInt8(ascii: "/") || next == UInt8(ascii: "?") || next == UInt8(ascii: "#") else { return false }
            while index < count {
                guard bytes[index] > 0x20, bytes[index] < 0x7F else { return false }
                index += 1
            }
            return true
        }
    }
}
