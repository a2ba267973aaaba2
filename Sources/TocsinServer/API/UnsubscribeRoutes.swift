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
            return HTMLPage.simple(title: words(.unsubscribeTitle), body: """
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
                return HTMLPage.simple(title: words(.unsubscribeUnknownTitle), body: "<p>\(words(.unsubscribeUnknown))</p>", status: .notFound)
            }
            context.logger.info("unsubscribed by the recipient", metadata: ["subscription": "\(subscription.id)"])
            return HTMLPage.simple(title: words(.unsubscribedTitle), body: "<p>\(words(.unsubscribed))</p>")
        }
    }

    /// The phrase in every locale, French first: the link does not say the reader's language.
    func words(_ key: MessageKey) -> String { env.messages.everyLocale(key) }
}
