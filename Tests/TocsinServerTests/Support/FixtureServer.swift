import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// A real HTTP server on loopback that serves files as a source would: `ETag` (a hash of the content) and
/// `Last-Modified`, `304 Not Modified` to a matching `If-None-Match` or `If-Modified-Since`, and a log of every
/// request with its conditional headers, so tests can check that pollers ask before they fetch.
final class FixtureServer: Sendable {
    struct Request: Sendable {
        var path: String
        var ifNoneMatch: String?
        var ifModifiedSince: String?
        var status: Int
    }

    private let files = Mutex<[String: (body: [UInt8], modified: Date)]>([:])
    private let log = Mutex<[Request]>([])
    private let task = Mutex<Task<Void, any Error>?>(nil)
    private let portBox = Mutex(0)

    var port: Int { portBox.withLock { $0 } }
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Serves `body` at `path` (replacing what was there, with a new modification date).
    func set(_ path: String, _ body: [UInt8]) {
        files.withLock { $0[path] = (body, Date()) }
    }

    func requests(_ path: String? = nil) -> [Request] {
        log.withLock { $0.filter { path == nil || $0.path == path } }
    }

    static func start() async throws -> FixtureServer {
        let server = FixtureServer()
        let router = Router()
        router.get("**") { request, _ -> Response in
            let path = request.uri.path
            let ifNoneMatch = request.headers[.ifNoneMatch], ifModifiedSince = request.headers[.ifModifiedSince]
            guard let file = server.files.withLock({ $0[path] }) else {
                server.log.withLock { $0.append(Request(path: path, ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince, status: 404)) }
                return Response(status: .notFound)
            }
            let etag = "\"" + SHA256.hash(data: file.body).prefix(8).map { String(format: "%02x", $0) }.joined() + "\""
            let modified = FixtureServer.httpDate(file.modified)
            let notModified = ifNoneMatch == etag || (ifNoneMatch == nil && ifModifiedSince == modified)
            server.log.withLock { $0.append(Request(path: path, ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince, status: notModified ? 304 : 200)) }
            var headers: HTTPFields = [.eTag: etag, .lastModified: modified]
            if notModified { return Response(status: .notModified, headers: headers) }
            headers[.contentType] = path.hasSuffix(".xml") ? "application/xml" : "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.body)))
        }
        let port = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { channel in continuation.resume(returning: channel.localAddress?.port ?? 0) },
                                  logger: Logger(label: "test.fixtures"))
            server.task.withLock { $0 = Task { try await app.run() } }
        }
        server.portBox.withLock { $0 = port }
        return server
    }

    func stop() { task.withLock { $0?.cancel() } }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
