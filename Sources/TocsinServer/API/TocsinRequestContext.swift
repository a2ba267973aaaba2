import Hummingbird
import TocsinCore

/// The per-request context: Hummingbird's core storage plus the caller resolved from the bearer token.
public struct TocsinRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `BearerAuthMiddleware` on `/api/v1` routes.
    public var principal: Principal?
    /// Set by `ConsoleSessionMiddleware` on `/console` pages for a signed-in user (`principal` is then its principal).
    var consoleSession: ConsoleSession?
    /// The form a console POST carried, read and checked for its CSRF token by `ConsoleCSRFMiddleware`.
    var consoleForm: ConsoleForm?
    /// The client's IP address as the connection shows it, for the audit log.
    public var remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        consoleSession = nil
        consoleForm = nil
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The caller, or a 401 problem when the route forgot to require one.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem.unauthorized("a bearer token is required") }
        return principal
    }
}
