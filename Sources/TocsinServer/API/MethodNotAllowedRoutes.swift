import Foundation
import Hummingbird
import HTTPTypes

/// Answers 405 with an `Allow` header, rather than 404, to a method a documented path does not take
/// (`PUT /api/v1/alerts`): the paths and their methods are read from the OpenAPI document, so that the two agree.
enum MethodNotAllowedRoutes {
    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]

    /// Every documented path with the methods it takes, in the router's notation (`{id}` → `:id`).
    static func documented() -> [(path: String, allowed: Set<HTTPRequest.Method>)] {
        guard let root = try? JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any],
              let paths = root["paths"] as? [String: Any] else { return [] }
        return paths.compactMap { path, value in
            guard let operations = value as? [String: Any] else { return nil }
            let allowed = Set(operations.keys.compactMap { HTTPRequest.Method($0.uppercased()) }.filter(methods.contains))
            let routerPath = path.split(separator: "/").map { part in
                part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : part
            }.joined(separator: "/")
            return (routerPath, allowed)
        }
    }

    static func register(on router: Router<TocsinRequestContext>) {
        // Feeds are routed per format (`atom.xml`, `rss.xml`, `feed.json`), not by the documented `{format}`.
        for (path, allowed) in documented() where !allowed.isEmpty && !path.hasPrefix("feeds/") {
            let allow = methods.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
            for method in methods where !allowed.contains(method) {
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    var problem = Problem(status: .methodNotAllowed, slug: "method-not-allowed", title: "Method not allowed",
                                          detail: "\(method.rawValue) is not allowed here; use \(allow)")
                    problem.headers[.allow] = allow
                    throw problem
                }
            }
        }
    }
}
