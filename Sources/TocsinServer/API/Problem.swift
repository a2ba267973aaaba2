import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import TocsinCore
import TocsinPipeline
import TocsinStore

/// An API error as an RFC 9457 problem document, with a stable `type` that clients can switch on.
///
/// Types are `urn:tocsin:problem:<slug>`; the slugs are listed in `docs/api.md` and never change meaning.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var slug: String
    public var title: String
    public var detail: String?
    /// The path of the offending input field (`indicators[2].value`), when one is at fault.
    public var field: String?
    /// The lines of a refused file, each with its reason (`errors` in the document), for an import.
    public var lines: [OrganisationImportError.Line]?
    public var headers: HTTPFields = [:]

    public init(status: HTTPResponse.Status, slug: String, title: String, detail: String? = nil, field: String? = nil) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.field = field
    }

    public var type: String { "urn:tocsin:problem:\(slug)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var object: [String: Any] = ["type": type, "title": title, "status": Int(status.code), "instance": request.uri.path]
        if let detail { object["detail"] = detail }
        if let field { object["field"] = field }
        if let lines { object["errors"] = lines.map { ["line": $0.line, "reason": $0.reason] as [String: Any] } }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    public static func unauthorized(_ detail: String) -> Problem {
        var problem = Problem(status: .unauthorized, slug: "unauthorized", title: "Authentication required", detail: detail)
        problem.headers[.wwwAuthenticate] = #"Bearer realm="tocsin""#
        return problem
    }

    public static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, slug: "forbidden", title: "Not allowed for this token", detail: detail)
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, slug: "not-found", title: "Not found", detail: detail)
    }

    public static func validation(_ detail: String, field: String? = nil) -> Problem {
        Problem(status: .unprocessableContent, slug: "validation", title: "Invalid input", detail: detail, field: field)
    }

    public static func invalidJSON(_ detail: String, field: String? = nil) -> Problem {
        Problem(status: .badRequest, slug: "invalid-json", title: "Malformed JSON body", detail: detail, field: field)
    }

    /// A body over `limit` bytes, with the setting that raises the limit.
    public static func tooLarge(limit: Int, setting: String) -> Problem {
        Problem(status: .contentTooLarge, slug: "payload-too-large", title: "Request body too large",
                detail: "the body is larger than \(limit) bytes, the limit set by \(setting)")
    }

    public static func conflict(_ detail: String) -> Problem {
        Problem(status: .conflict, slug: "conflict", title: "Conflict with the current state", detail: detail)
    }

    /// The problem for any error a handler let through; unknown errors become a 500 without internals.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as ValidationError:
            return .validation("\(error.field) \(error.message)", field: error.field)
        case let error as AlertRevisionError:
            switch error {
            case .notFound: return .notFound(error.description)
            case .notPublisher: return .forbidden(error.description)
            case .relayed: return .conflict(error.description)
            case .wideningNotConfirmed:
                return Problem(status: .unprocessableContent, slug: "widening-not-confirmed", title: "The revision widens the audience",
                               detail: error.description, field: "confirmWiden")
            }
        case let error as StrictJSONError:
            switch error {
            case .duplicateKey(let path):
                return .validation("key '\(path)' appears twice; send each key once", field: path)
            case .unknownKey(let path):
                return .validation("unknown key '\(path)': check its spelling; fields the server sets (id, status, revision…) cannot be sent", field: path)
            case .syntax, .tooDeep, .invalidUTF8:
                return .invalidJSON(error.description)
            }
        case let error as DecodingError:
            let (field, reason) = error.fieldAndReason
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                return .invalidJSON("the body is not valid JSON")
            }
            if case .typeMismatch = error { return .invalidJSON("\(field) \(reason)", field: field) }
            if case .keyNotFound = error { return .validation("\(field) \(reason)", field: field) }
            return .validation(field.isEmpty ? reason : "\(field): \(reason)", field: field.isEmpty ? nil : field)
        case let error as StoreError:
            switch error {
            case .notFound: return .notFound(error.description)
            case .conflict: return .conflict(error.description)
            case .invalid: return .validation(error.description)
            }
        case let error as OrganisationImportError:
            var problem = Problem(status: .unprocessableContent, slug: "invalid-import", title: "Rows refused; nothing was imported",
                                  detail: "\(error.summary); the first: line \(error.lines.first?.line ?? 1): \(error.lines.first?.reason ?? "")")
            problem.lines = error.lines
            return problem
        case let error as AlertLifecycle.TransitionError:
            return .conflict(error.description)
        case let error as IncidentLifecycle.TransitionError:
            return .conflict(error.description)
        case let error as IncidentError:
            switch error {
            case .notFound: return .notFound(error.description)
            case .conflict: return .conflict(error.description)
            }
        case let error as FlashError:
            return Problem(status: .unprocessableContent, slug: "tlp-wider-than-requested", title: "Marking wider than the declarant asked",
                           detail: error.description, field: "tlp")
        case is NIOTooManyBytesError:
            return Problem(status: .contentTooLarge, slug: "payload-too-large", title: "Request body too large",
                           detail: "the body exceeds the configured limit (api.maxBodyBytes)")
        case let error as HTTPError:
            switch error.status {
            case .contentTooLarge:
                return Problem(status: .contentTooLarge, slug: "payload-too-large", title: "Request body too large",
                               detail: "the body exceeds the configured limit (api.maxBodyBytes)")
            case .notFound:
                return .notFound(error.body ?? "no such resource")
            case .methodNotAllowed:
                return Problem(status: .methodNotAllowed, slug: "method-not-allowed", title: "Method not allowed", detail: error.body)
            default:
                return Problem(status: error.status, slug: error.status.code < 500 ? "bad-request" : "internal",
                               title: error.status.reasonPhrase, detail: error.body)
            }
        default:
            return Problem(status: .internalServerError, slug: "internal", title: "Internal error",
                           detail: "the server could not handle the request; the error is in its log")
        }
    }
}

/// Turns every error escaping the router (including 404 for unknown routes and 413 for large bodies) into a
/// problem document, and logs the unexpected ones.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem.from(error)
            if problem.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            }
            return try problem.response(from: request, context: context)
        }
    }
}
