/// Quoted-printable (RFC 2045 §6.7) on bytes: CRLF line ends (a lone CR or LF is a line end too), soft breaks so that
/// no encoded line passes 76 characters, a space or tab kept as is except at the end of a line.
enum QuotedPrintable {
    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Appends the encoding of `input` to `out`, without a line end after its last line.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + input.count + input.count / 8 + 16)
        let count = input.count
        var index = 0
        var first = true
        while true {
            // One line: from `index` to the next CR or LF, or to the end.
            var end = index
            while end < count, input[end] != 13, input[end] != 10 { end += 1 }
            if !first { out.append(13); out.append(10) }
            first = false
            var column = 0
            var position = index
            while position < end {
                let byte = input[position]
                let isLast = position == end - 1
                let literal = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isLast)
                let width = literal ? 1 : 3
                if column + width > 75 {
                    out.append(61); out.append(13); out.append(10)
                    column = 0
                }
                if literal {
                    out.append(byte)
                } else {
                    out.append(61)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 15)])
                }
                column += width
                position += 1
            }
            guard end < count else { return }
            // CRLF is one line end; a lone CR or LF is one too.
            index = input[end] == 13 && end + 1 < count && input[end + 1] == 10 ? end + 2 : end + 1
        }
    }

    /// The encoding of `text`, as text.
    static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { encode($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
