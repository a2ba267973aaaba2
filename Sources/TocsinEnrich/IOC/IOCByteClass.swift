/// Byte classes of the ASCII characters the indicator scanner cares about, computed arithmetically (no table, no
/// lazy global) so that the hot loops stay branch-light. Bytes of multi-byte UTF-8 sequences (≥ 0x80) belong to no
/// class: indicators are ASCII (internationalised domain names appear in their `xn--` form).
enum IOCByteClass {
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 97 < 26 }
    @inline(__always) static func isAlnum(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) }
    @inline(__always) static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20) &- 97 < 6 }
    /// A character of a regex word (`\w`): letters, digits and `_`.
    @inline(__always) static func isWord(_ byte: UInt8) -> Bool { isAlnum(byte) || byte == 0x5F }
    /// A character of a host name label: letters, digits, `-` and `_`.
    @inline(__always) static func isLabel(_ byte: UInt8) -> Bool { isAlnum(byte) || byte == 0x2D || byte == 0x5F }
    /// A character of a candidate run: a label character or a dot.
    @inline(__always) static func isRun(_ byte: UInt8) -> Bool { isLabel(byte) || byte == 0x2E }
    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte &- 65 < 26 }
    @inline(__always) static func isLower(_ byte: UInt8) -> Bool { byte &- 97 < 26 }
    @inline(__always) static func lowercased(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte | 0x20 : byte }
}
