import Foundation
import Hummingbird
import Synchronization
import TocsinCore
import TocsinStore

/// Resolves `Authorization: Bearer <token>` to a `Principal`, or answers 401.
///
/// Tokens are looked up by their SHA-256, so the token itself is never compared nor stored; it is never logged.
public struct BearerAuthMiddleware: RouterMiddleware {
    public typealias Context = TocsinRequestContext
    let store: any Store
    let throttle = RefusalThrottle()

    public init(store: any Store) { self.store = store }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw await refused(request, context, "send an API token as 'Authorization: Bearer <token>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].count <= 512 else {
            throw await refused(request, context, "the Authorization header must be 'Bearer <token>'")
        }
        guard let principal = try await store.principal(forToken: String(parts[1])) else {
            throw await refused(request, context, "the token is unknown, revoked or expired")
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "token"] = "\(principal.tokenId)"
        return try await next(request, context)
    }

    /// The 401 to answer, recorded in the audit log first (never with the token itself).
    ///
    /// At most one entry a minute per client address, with the count of the refusals it stands for, so that no
    /// one can fill the disk through the audit log without a token.
    private func refused(_ request: Request, _ context: Context, _ detail: String) async -> Problem {
        if let suppressed = throttle.admit(context.remoteAddress ?? "-", now: Date()) {
            let route = AuditMiddleware.route(context.endpointPath ?? request.uri.path)
            let note = suppressed > 0 ? "\(detail) (and \(suppressed) more refusals from this address in the minute before)" : detail
            await AuditMiddleware.append(AuditEntry(actor: nil, actorRole: nil, orgId: nil, action: "auth.refused", target: route,
                                                    sourceAddress: context.remoteAddress, outcome: .refused, status: 401, detail: note),
                                         to: store, logger: context.logger)
        }
        return Problem.unauthorized(detail)
    }
}

/// Counts refusals per client address in one-minute windows: the first of a window is recorded, the others only
/// counted and reported with the next recorded one.
final class RefusalThrottle: Sendable {
    private let windows = Mutex<[String: (start: Date, suppressed: Int)]>([:])

    /// The number of refusals suppressed since the last recorded one when this one is to be recorded; nil when it is
    /// only counted.
    func admit(_ address: String, now: Date) -> Int? {
        windows.withLock { windows in
            if windows.count > 10_000 { windows = windows.filter { now.timeIntervalSince($0.value.start) < 60 } }
            if let window = windows[address], now.timeIntervalSince(window.start) < 60 {
                windows[address] = (window.start, window.suppressed + 1)
                return nil
            }
            let suppressed = windows[address]?.suppressed ?? 0
            windows[address] = (now, 0)
            return suppressed
        }
    }
}
