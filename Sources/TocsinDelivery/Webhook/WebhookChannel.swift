import Foundation
import TocsinCore
import TocsinStore
import TocsinNet

/// Sends deliveries as Standard Webhooks: a signed JSON POST whose `webhook-id` is the delivery's id, so every
/// retry of the same delivery carries the same idempotency key.
///
/// Body: `{"ackUrl": "…", "data": <the alert revision as GET /alerts/{id} returns it>, "timestamp": "…",
/// "type": "alert.published"}` (and `"annotation": {"text": …}` when this broker annotated a relayed alert), `ackUrl` being the subscription's acknowledgement link (none for a cancellation).
public struct WebhookChannel: DeliveryChannel {
    public let client: CurlHTTPClient
    public let guardrail: TargetGuard
    public var timeout: TimeInterval
    /// The broker's acknowledgement links; nil sends no `ackUrl`.
    public var ackLinks: AckLinks?

    public init(client: CurlHTTPClient, guardrail: TargetGuard, timeout: TimeInterval = 15, ackLinks: AckLinks? = nil) {
        self.client = client
        self.guardrail = guardrail
        self.timeout = timeout
        self.ackLinks = ackLinks
    }

    public var channel: Channel { .webhook }

    /// The payload bytes for a claimed delivery; the alert JSON is spliced in as stored, not re-encoded.
    public func body(for claimed: ClaimedDelivery) -> [UInt8] {
        Self.body(for: claimed, ackUrl: ackLinks?.url(for: claimed))
    }

    /// The payload bytes, with `ackUrl` when given.
    public static func body(for claimed: ClaimedDelivery, ackUrl: String? = nil) -> [UInt8] {
        var body = Array("{".utf8)
        body.reserveCapacity(claimed.alertJSON.count + 512)
        // How the receiving organisation acknowledges the alert (a POST to it): for this recipient only.
        if let ackUrl {
            body.append(contentsOf: #""ackUrl":"#.utf8)
            appendJSONString(ackUrl, to: &body)
            body.append(UInt8(ascii: ","))
        }
        // What of the recipient's declared inventory the alert concerns: for this recipient only, beside the
        // alert every recipient shares.
        if !claimed.concerns.isEmpty, let concerns = try? TocsinJSON.encode(claimed.concerns) {
            body.append(contentsOf: Array(#""concerns":"#.utf8))
            body.append(contentsOf: concerns)
            body.append(contentsOf: Array(",".utf8))
        }
        // The relaying broker's own note, apart from the origin's text, which it never edits.
        if let annotation = claimed.annotation, let text = try? TocsinJSON.encode(annotation) {
            body.append(contentsOf: Array(#""annotation":{"text":"#.utf8))
            body.append(contentsOf: text)
            body.append(contentsOf: Array("},".utf8))
        }
        body.append(contentsOf: Array(#""data":"#.utf8))
        body.append(contentsOf: claimed.alertJSON)
        body.append(contentsOf: Array(#","timestamp":"\#(RFC3339.format(claimed.eventTime))","type":"\#(claimed.eventType)"}"#.utf8))
        return body
    }

    /// Appends `text` as a JSON string, as the encoder writes it (slashes unescaped), without an encoder per call.
    static func appendJSONString(_ text: String, to body: inout [UInt8]) {
        body.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): body.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): body.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): body.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): body.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): body.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                body.append(contentsOf: #"\u00"#.utf8)
                body.append(hex[Int(byte >> 4)])
                body.append(hex[Int(byte & 0xf)])
            default: body.append(byte)
            }
        }
        body.append(UInt8(ascii: "\""))
    }

    /// The signed request for one attempt at `now`.
    public func request(for claimed: ClaimedDelivery, now: Date = Date()) throws -> HTTPRequest {
        let secrets = claimed.signingSecrets
        guard let secret = secrets.first else { throw HTTPClientError.refused("subscription has no signing secret") }
        let body = self.body(for: claimed)
        let timestamp = Int(now.timeIntervalSince1970)
        let id = claimed.delivery.id
        // During a rotation's overlap both secrets sign, space-separated, as Standard Webhooks allows: a receiver
        // still on the old secret and one already on the new both verify.
        var signature = try StandardWebhooks.sign(secret: secret, id: id, timestamp: timestamp, body: body)
        if let previous = secrets.dropFirst().first, previous != secret {
            signature += " " + (try StandardWebhooks.sign(secret: previous, id: id, timestamp: timestamp, body: body))
        }
        var headers = [
            ("Content-Type", "application/json"),
            ("webhook-id", id),
            ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", signature),
            ("X-Tocsin-Event", claimed.eventType),
            ("X-Tocsin-Alert", "\(claimed.delivery.alertId);revision=\(claimed.delivery.revision)"),
        ]
        // A drill says so in a header too, so a receiver can route it before reading the body.
        if let exerciseId = Self.exerciseId(claimed) { headers.append(("X-Tocsin-Exercise", exerciseId)) }
        var request = HTTPRequest(url: claimed.target, headers: headers, body: body, timeout: timeout)
        // Only the status decides the outcome.
        request.keepHeaders = false
        return request
    }

    /// The drill the delivery's alert belongs to, read from its document only when it names one.
    static func exerciseId(_ claimed: ClaimedDelivery) -> String? {
        guard contains(claimed.alertJSON, Self.exerciseKey) else { return nil }
        return (try? claimed.alert())?.exerciseId?.filter { !$0.isNewline && $0 != "\0" }
    }

    private static let exerciseKey = Array(#""exerciseId""#.utf8)

    /// Whether `needle` occurs in `haystack`, over raw bytes (Foundation's generic `firstRange` cost more than the
    /// rest of the request, on every delivery).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { key in
                var index = 0
                let last = hay.count - key.count
                while index <= last {
                    if hay[index] == first, memcmp(hay.baseAddress! + index, key.baseAddress!, key.count) == 0 { return true }
                    index += 1
                }
                return false
            }
        }
    }

    public func send(_ claimed: ClaimedDelivery) async -> AttemptOutcome {
        let request: HTTPRequest
        do {
            request = try self.request(for: claimed)
        } catch {
            return .permanent(status: nil, error: "\(error)")
        }
        let guardrail = self.guardrail
        switch await client.send(request, pin: { components throws(HTTPClientError) in try guardrail.pin(components) }) {
        case .success(let response):
            return AttemptOutcome.http(status: response.status)
        case .failure(.refused(let message)):
            return .permanent(status: nil, error: message)
        case .failure(.transport(let message)):
            return .retryable(status: nil, error: message)
        }
    }
}
