import Foundation

/// The characters a person-readable field may hold: no control characters (NUL, escape, DEL, C1…), which could cut
/// a mail header, hide text in a terminal or a log, or reach a database driver; long text may keep line breaks and
/// tabs.
public enum TextRules {
    /// Throws a `ValidationError` naming `field` when `text` holds a control character it may not.
    public static func check(_ text: String, field: String, longText: Bool = false) throws(ValidationError) {
        // A byte scan first: C0 controls and DEL are single bytes, C1 controls are 0xC2 0x80 to 0xC2 0x9F.
        var mayHoldControl = false
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) {
                mayHoldControl = true
                break
            }
            previous = byte
        }
        guard mayHoldControl else { return }
        for scalar in text.unicodeScalars where isControl(scalar) {
            if longText, scalar == "\n" || scalar == "\t" || scalar == "\r" { continue }
            let code = String(scalar.value, radix: 16, uppercase: true)
            throw ValidationError(field: field, message: "holds the control character U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code)"
                                  + (longText ? " (only line breaks and tabs are allowed)" : ""))
        }
    }

    /// C0 and C1 controls and DEL.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
