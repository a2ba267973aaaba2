import Foundation
import Hummingbird
import HTTPTypes
import NIOCore

/// The web pages behind the links Tocsin sends people (unsubscribe, acknowledge): HTML answered with headers that
/// keep a page from being framed, cached, or leaking its address, which carries the link's token, as a referrer; no
/// script and no resource from anywhere may load in it.
enum HTMLPage {
    static let headers: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        .cacheControl: "no-store",
    ]

    /// `html` as a page.
    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A page with a heading and a body given as HTML: both must be escaped already.
    static func simple(title: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        response("""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>\(title)</title></head>
            <body style="font-family: sans-serif; max-width: 40em; margin: 2em auto;"><h1>\(title)</h1>\(body)</body></html>
            """, status: status)
    }
}
