import Foundation
import Hummingbird
import HTTPTypes

/// The console's cookies: read from the `Cookie` header, written as `Set-Cookie` values that are always
/// `HttpOnly`, `SameSite=Lax` and `Path=/console`, and `Secure` when the broker's public URL is https.
enum ConsoleCookies {
    /// The session: its value is the session's secret, kept by the store as a hash only.
    static let session = "tocsin_session"
    /// Before login: the value the login forms send back (double submit), so that no other site can log someone in.
    static let preLogin = "tocsin_login"

    /// The value of the cookie `name` in the request, if any.
    static func value(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                return value.isEmpty || value.count > 256 ? nil : value
            }
        }
        return nil
    }

    /// A `Set-Cookie` value; `maxAge` nil keeps it for the browser session, 0 removes it.
    static func set(_ name: String, _ value: String, secure: Bool, maxAge: Int? = nil) -> String {
        var cookie = "\(name)=\(value); Path=/console; HttpOnly; SameSite=Lax"
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        if secure { cookie += "; Secure" }
        return cookie
    }
}
