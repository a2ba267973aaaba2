import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// A real HTTP webhook receiver on loopback, scripted per path: answers with planned statuses, records every
/// request, and checks signatures with its own HMAC code (not the broker's).
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var path: String
        var id: String
        var timestamp: String
        var signature: String
        var body: [UInt8]
        var at: Date
        /// What the receiver answered.
        var status: Int = 204

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }

        /// Standard Webhooks check: `v1,` + base64 HMAC-SHA256 over `id.timestamp.body` with the secret's key.
        func isSigned(with secret: String) -> Bool {
            guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))) else { return false }
            var message = Data("\(id).\(timestamp).".utf8)
            message.append(contentsOf: body)
            let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
            let expected = "v1," + Data(mac).base64EncodedString()
            return signature.split(separator: " ").contains { $0 == expected }
        }
    }

    private struct State {
        var received: [Received] = []
        var plans: [String: [Int]] = [:]
        var delay: Duration = .zero
        /// Per path, in place of `delay`.
        var delays: [String: Duration] = [:]
        /// Until then the receiver answers 503 to everything, as a server that is down behind its proxy.
        var downUntil: Date?
    }

    private let state = Mutex(State())
    private let task = Mutex<Task<Void, any Error>?>(nil)
    private let portBox = Mutex(0)

    var port: Int { portBox.withLock { $0 } }
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

    static func start() async throws -> WebhookReceiver {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post(":path") { request, context -> Response in
            let body = try await request.body.collect(upTo: 4 << 20)
            let path = context.parameters.get("path") ?? ""
            let header = { (name: String) in request.headers[HTTPField.Name(name)!] ?? "" }
            let (status, delay) = receiver.state.withLock { state -> (Int, Duration) in
                var plan = state.plans[path] ?? []
                var status = plan.isEmpty ? 204 : plan.removeFirst()
                state.plans[path] = plan
                if let until = state.downUntil, Date() < until { status = 503 }
                state.received.append(Received(path: path, id: header("webhook-id"), timestamp: header("webhook-timestamp"),
                                               signature: header("webhook-signature"), body: Array(body.readableBytesView), at: Date(),
                                               status: status))
                return (status, state.delays[path] ?? state.delay)
            }
            if delay > .zero { try await Task.sleep(for: delay) }
            return Response(status: HTTPResponse.Status(code: status))
        }
        let port = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { channel in continuation.resume(returning: channel.localAddress?.port ?? 0) },
                                  logger: Logger(label: "test.receiver"))
            receiver.task.withLock { $0 = Task { try await app.run() } }
        }
        receiver.portBox.withLock { $0 = port }
        return receiver
    }

    /// The next answers for `path`, in order; once used up, the receiver answers 204.
    func plan(_ path: String, _ statuses: [Int]) { state.withLock { $0.plans[path] = statuses } }
    func setDelay(_ delay: Duration) { state.withLock { $0.delay = delay } }
    /// Answers requests to `path` only after `delay`, whatever the other paths do.
    func setDelay(_ delay: Duration, for path: String) { state.withLock { $0.delays[path] = delay } }
    /// Answers 503 to everything until `date`.
    func down(until date: Date) { state.withLock { $0.downUntil = date } }
    func received(_ path: String? = nil) -> [Received] {
        state.withLock { state in state.received.filter { path == nil || $0.path == path } }
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }
}
