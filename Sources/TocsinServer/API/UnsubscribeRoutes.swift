import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import TocsinCore
import TocsinStore

/// `/unsubscribe/{token}`: the link at the foot of every alert email.
///
/// `POST` unsubscribes at once (RFC 8058 one-click, as mail clients send it from `List-Unsubscribe-Post`);
/// `GET` only shows a page with a button, because link scanners open every link they see.
struct UnsubscribeRoutes {
    let env: APIEnvironment

    func register(on router: Router<TocsinRequestContext>) {
        router.get("unsubscribe/:token") { _, context in
            let token = try context.parameters.require("token")
            return Self.page(title: words(.unsubscribeTitle), body: """
                <form method="post" action="/unsubscribe/\(XMLText.escape(token))">
                <input type="hidden" name="List-Unsubscribe" value="One-Click">
                <p>\(words(.unsubscribeQuestion))</p>
                <button type="submit">\(words(.unsubscribeButton))</button>
                </form>
                """)
        }
        router.post("unsubscribe/:token") { request, context in
            let token = try context.parameters.require("token")
            _ = try await request.body.collect(upTo: 4_096)
            guard token.count <= 200, let subscription = try await env.store.unsubscribe(token: token, now: Date()) else {
                return Self.page(title: words(.unsubscribeUnknownTitle), body: "<p>\(words(.unsubscribeUnknown))</p>", status: .notFound)
            }
            context.logger.info("unsubscribed by the recipient", metadata: ["subscription": "\(subscription.id)"])
            return Self.page(title: words(.unsubscribedTitle), body: "<p>\(words(.unsubscribed))</p>")
        }
    }

    /// The phrase in every locale, French first: the link does not say the reader's language.
    func words(_ key: MessageKey) -> String {
        env.messages.locales.map { env.messages.text(key, locale: $0) }.joined(separator: " / ")
    }

    static func page(title: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>\(title)</title></head>
            <body style="font-family: sans-serif; max-width: 40em; margin: 2em auto;"><h1>\(title)</h1>\(body)</body></html>
            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
