import Foundation
import Synchronization
import Hummingbird
import Prometheus
import TocsinCore
import TocsinStore

/// `/healthz` (the process answers), `/readyz` (the store answers) and `/metrics` (Prometheus text).
struct HealthRoutes {
    let env: APIEnvironment
    let registry: PrometheusCollectorRegistry
    let probe = WriteProbe()

    func register(on router: Router<TocsinRequestContext>) {
        router.get("healthz") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        router.get("readyz") { _, context in
            do {
                try await probe.check { try await env.store.probeWrite(now: Date()) }
                let counts = try await env.store.deliveryCounts()
                let outbox = Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
                return try JSONResponse.make(Ready(status: "ready", outbox: outbox))
            } catch {
                context.logger.error("readiness check failed", metadata: ["error": "\(error)"])
                return try JSONResponse.make(Ready(status: "unavailable", outbox: [:],
                                                   reason: "the store does not accept writes or its disk is nearly full; the reason is in the log"),
                                             status: .serviceUnavailable)
            }
        }
        router.get("metrics") { _, _ in
            if let counts = try? await env.store.deliveryCounts() {
                for state in DeliveryState.allCases {
                    registry.makeGauge(name: "tocsin_outbox_deliveries", labels: [("state", state.rawValue)]).set(Double(counts[state] ?? 0))
                }
            }
            var text = registry.emitToBuffer()
            if let polling = env.polling { text += Array(SourceMetricsText.render(await polling.health()).utf8) }
            if let relay = env.relay { text += Array(RelayMetricsText.render(relay.health()).utf8) }
            if let reach = try? await env.store.reachMetrics(bounds: ReachMetricsText.bounds, since: Date() - ReachMetricsText.window) {
                text += Array(ReachMetricsText.render(reach).utf8)
            }
            if let timelines = try? await IncidentMetricsText.timelines(env.store, now: Date()) {
                text += Array(IncidentMetricsText.render(timelines).utf8)
            }
            return JSONResponse.raw(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }

    struct Ready: Encodable {
        var status: String
        var outbox: [String: Int]
        var reason: String?
    }
}

/// Runs the readiness write at most once a second, however often `/readyz` is asked: an unauthenticated endpoint
/// must not be a way to take the store's write lock at will.
final class WriteProbe: Sendable {
    private let last = Mutex<(at: ContinuousClock.Instant, ok: Bool)?>(nil)

    func check(_ write: () async throws -> Void) async throws {
        if let last = last.withLock({ $0 }), ContinuousClock.now - last.at < .seconds(1) {
            if last.ok { return }
            throw StoreError.invalid("the last write probe failed")
        }
        do {
            try await write()
            last.withLock { $0 = (ContinuousClock.now, true) }
        } catch {
            last.withLock { $0 = (ContinuousClock.now, false) }
            throw error
        }
    }
}
