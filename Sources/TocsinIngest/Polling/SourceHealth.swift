import Foundation
import TocsinCore

/// A source's configuration and health as the API shows them: no header value, URL credentials or query value.
public struct SourceHealth: Codable, Sendable, Hashable {
    public var name: String
    public var format: String
    public var kind: SourceFormat.Kind
    /// The URL with query values hidden.
    public var url: String
    public var enabled: Bool
    public var interval: TimeInterval
    /// The names of the configured headers; their values are secret.
    public var headerNames: [String]
    public var lastAttemptAt: Date?
    public var lastSuccessAt: Date?
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var lastStatus: SourcePollStatus?
    public var lastHTTPStatus: Int?
    public var consecutiveFailures: Int
    public var itemsSeen: Int
    public var documentsFailed: Int
    public var alertsPublished: Int
    public var alertsRevised: Int
    public var alertsCancelled: Int
    public var alertsUnchanged: Int

    /// The health of `source` from its saved state (nil when it was never polled).
    public init(source: SourceConfiguration, state: SourceState?) {
        let state = state ?? SourceState()
        name = source.name
        format = source.format.rawValue
        kind = source.kind
        url = SourceRedaction.url(source.url)
        enabled = source.enabled
        interval = source.interval
        headerNames = source.headers.keys.sorted()
        lastAttemptAt = state.lastAttemptAt
        lastSuccessAt = state.lastSuccessAt
        nextAttemptAt = state.nextAttemptAt
        // Scrubbed again in case the configuration's secrets changed since the state was written.
        lastError = state.lastError.map { SourceRedaction.scrub($0, secrets: source.secrets) }
        lastStatus = state.lastStatus
        lastHTTPStatus = state.lastHTTPStatus
        consecutiveFailures = state.consecutiveFailures
        itemsSeen = state.itemsSeen
        documentsFailed = state.documentsFailed
        alertsPublished = state.alertsPublished
        alertsRevised = state.alertsRevised
        alertsCancelled = state.alertsCancelled
        alertsUnchanged = state.alertsUnchanged
    }

    /// The source's samples for `/metrics`, all labelled `source="<name>"`.
    public var metricSamples: [SourceMetricSample] {
        let labels = ["source": name]
        var samples = [
            SourceMetricSample(name: "tocsin_source_up", help: "1 when the source's last round met no error",
                               type: .gauge, labels: labels, value: lastStatus == nil || consecutiveFailures > 0 ? 0 : 1),
            SourceMetricSample(name: "tocsin_source_consecutive_failures", help: "Rounds in a row that met an error",
                               type: .gauge, labels: labels, value: Double(consecutiveFailures)),
            SourceMetricSample(name: "tocsin_source_documents_total", help: "Documents handed to ingestion",
                               type: .counter, labels: labels, value: Double(itemsSeen)),
            SourceMetricSample(name: "tocsin_source_documents_failed_total", help: "Documents that could not be fetched or were rejected",
                               type: .counter, labels: labels, value: Double(documentsFailed)),
        ]
        for (action, count) in [("published", alertsPublished), ("revised", alertsRevised), ("cancelled", alertsCancelled), ("unchanged", alertsUnchanged)] {
            samples.append(SourceMetricSample(name: "tocsin_source_alerts_total", help: "Alerts from the source by what ingestion did",
                                              type: .counter, labels: labels.merging(["action": action]) { $1 }, value: Double(count)))
        }
        // Always present, at 0 before the first round (or the first success), so that an alert rule such as
        // `time() - tocsin_source_last_success_timestamp_seconds > 3 * 3600` fires for a source that never worked.
        samples.append(SourceMetricSample(name: "tocsin_source_last_attempt_timestamp_seconds", help: "Start of the last round",
                                          type: .gauge, labels: labels, value: lastAttemptAt?.timeIntervalSince1970 ?? 0))
        samples.append(SourceMetricSample(name: "tocsin_source_last_success_timestamp_seconds", help: "End of the last round without error",
                                          type: .gauge, labels: labels, value: lastSuccessAt?.timeIntervalSince1970 ?? 0))
        return samples
    }
}

/// One Prometheus sample of a source's health.
public struct SourceMetricSample: Sendable, Hashable {
    public enum MetricType: String, Sendable, Hashable { case counter, gauge }

    public var name: String
    public var help: String
    public var type: MetricType
    public var labels: [String: String]
    public var value: Double
}
