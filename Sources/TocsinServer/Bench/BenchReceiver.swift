import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import Synchronization

/// A webhook receiver on loopback for benchmarks: answers 204 on `/hook` and records when each `webhook-id` arrived;
/// `/gone` answers 410 and `/broken` 500, for drills with broken channels (not recorded).
public final class BenchReceiver: Sendable {
    private let state = Mutex<(first: [String: Date], total: Int)>(([:], 0))
    private let task = Mutex<Task<Void, any Error>?>(nil)
    public private(set) nonisolated(unsafe) var port = 0

    private init() {}

    /// Starts the receiver on 127.0.0.1 with a free port and returns once it listens.
    public static func start() async throws -> BenchReceiver {
        let receiver = BenchReceiver()
        let router = Router()
        router.post("hook") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            if let id = request.headers[HTTPField.Name("webhook-id")!] { receiver.record(id) }
            return Response(status: .noContent)
        }
        router.post("gone") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .gone)
        }
        router.post("broken") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .internalServerError)
        }
        let port = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { channel in continuation.resume(returning: channel.localAddress?.port ?? 0) },
                                  logger: Logger(label: "bench.receiver"))
            receiver.task.withLock { $0 = Task { try await app.run() } }
        }
        receiver.port = port
        return receiver
    }

    func record(_ id: String) {
        let now = Date()
        state.withLock { state in
            state.total += 1
            if state.first[id] == nil { state.first[id] = now }
        }
    }

    public var distinctCount: Int { state.withLock { $0.first.count } }
    public var totalCount: Int { state.withLock { $0.total } }
    public func arrivals() -> [Date] { state.withLock { Array($0.first.values) } }
    public func reset() { state.withLock { $0 = ([:], 0) } }

    public func stop() async throws {
        let task = self.task.withLock { $0 }
        task?.cancel()
        _ = try? await task?.value
    }
}
