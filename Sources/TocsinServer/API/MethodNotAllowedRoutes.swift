import Foundation
import Hummingbird
import HTTPTypes

/// Answers 405 with an `Allow` header, rather than 404, to a method a routed path does not take
/// (`PUT /api/v1/alerts`).
///
/// The paths and their methods are read from the routes registered before, so the answers follow the router and
/// nothing else: a path is answered 405 only where it really exists. `OpenAPIRoutesTests` checks that the OpenAPI
/// document describes the same routes.
enum MethodNotAllowedRoutes {
    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
    /// Refused everywhere with 405: no route takes them, and the `Allow` header lists the methods above.
    static let refused: [HTTPRequest.Method] = [.trace, HTTPRequest.Method("QUERY")!]

    /// Registers the 405 answers for every path routed so far; call it once, after every other route.
    static func register(on router: Router<TocsinRequestContext>) {
        var allowed: [String: (path: RouterPath, methods: Set<HTTPRequest.Method>)] = [:]
        for route in router.routes {
            allowed[route.path.description, default: (route.path, [])].methods.insert(route.method)
        }
        for (_, entry) in allowed.sorted(by: { $0.key < $1.key }) {
            let allow = methods.filter(entry.methods.contains).map(\.rawValue).joined(separator: ", ")
            guard !allow.isEmpty else { continue }
            for method in methods + refused where !entry.methods.contains(method) {
                router.on(entry.path, method: method) { _, _ -> Response in
                    var problem = Problem(status: .methodNotAllowed, slug: "method-not-allowed", title: "Method not allowed",
                                          detail: "\(method.rawValue) is not allowed here; use \(allow)")
                    problem.headers[.allow] = allow
                    throw problem
                }
            }
        }
    }
}
