/// Defanging of indicators for what people read, so that mail filters and clients neither follow nor block
/// them: `http` → `hxxp`, `.` → `[.]`, `@` → `[@]`, `://` → `[://]`.
public enum Defang {
    public static func indicator(_ value: String) -> String {
        var text = value
        for (scheme, replacement) in [("https", "hxxps"), ("http", "hxxp"), ("ftp", "fxp")] where text.lowercased().hasPrefix(scheme + "://") {
            text = replacement + text.dropFirst(scheme.count)
            break
        }
        text = text.replacingOccurrences(of: "://", with: "[://]")
        text = text.replacingOccurrences(of: ".", with: "[.]")
        text = text.replacingOccurrences(of: "@", with: "[@]")
        return text
    }
}

import Foundation
