import Crypto
import Foundation

/// What a signed acknowledgement link stands for: this alert, this organisation, this recipient, until then.
public struct AckClaim: Sendable, Hashable {
    public var alertId: String
    public var orgId: String
    /// Who the link was sent to: `subscription:<id>` (an email subscription's address) or `contact:<id>`.
    public var recipient: String
    public var expiresAt: Date

    public init(alertId: String, orgId: String, recipient: String, expiresAt: Date) {
        self.alertId = alertId
        self.orgId = orgId
        self.recipient = recipient
        self.expiresAt = expiresAt
    }
}

/// Signs and checks the tokens of acknowledgement links (`/ack/{token}`): HMAC-SHA256 with the broker's own key over
/// the alert, the organisation, the recipient and the expiry, so nobody can forge one for another organisation or
/// stretch its life. The token is not secret from its holder (it reads as base64), it is only unforgeable.
///
/// `v1.<base64url payload>.<base64url signature>`, the payload `alertId|orgId|recipient|expiry seconds`.
public struct AckLinkSigner: Sendable {
    let key: SymmetricKey
    /// The MAC keyed once: each token copies it rather than keying it again (a link is made for every recipient).
    private let keyed: HMAC<SHA256>

    /// `key`: the broker's acknowledgement key, 32 random bytes or more.
    public init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
        keyed = HMAC<SHA256>(key: self.key)
    }

    /// How long a link lives when the alert gives no end: an alert is answered within days, never months.
    public static let defaultLifetime: TimeInterval = 30 * 86_400

    public func token(for claim: AckClaim) -> String {
        let payload = Base64URL.encode(Array([claim.alertId, claim.orgId, claim.recipient,
                                              String(Int64(claim.expiresAt.timeIntervalSince1970))].joined(separator: "|").utf8))
        var mac = keyed
        mac.update(data: Array(payload.utf8))
        return "v1.\(payload).\(Base64URL.encode(Array(mac.finalize())))"
    }

    /// Why a token is refused.
    public enum Refusal: Error, Equatable, Sendable {
        /// Not a token this broker makes, or signed with another key, or altered.
        case invalid
        case expired(AckClaim)
    }

    /// The claim a token carries, when it is this broker's, untouched and still valid at `now`. The signature is
    /// compared in constant time.
    public func verify(_ token: String, now: Date = Date()) -> Result<AckClaim, Refusal> {
        guard token.utf8.count <= 1_024 else { return .failure(.invalid) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let signature = Base64URL.decode(String(parts[2])),
              HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Array(parts[1].utf8), using: key),
              let payload = Base64URL.decode(String(parts[1])), let text = String(bytes: payload, encoding: .utf8) else {
            return .failure(.invalid)
        }
        let fields = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 4, let seconds = Int64(fields[3]), !fields[0].isEmpty, !fields[1].isEmpty else { return .failure(.invalid) }
        let claim = AckClaim(alertId: fields[0], orgId: fields[1], recipient: fields[2], expiresAt: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return claim.expiresAt > now ? .success(claim) : .failure(.expired(claim))
    }
}

extension Base64URL {
    /// The bytes of URL-safe base64 with or without padding; nil for anything else.
    public static func decode(_ text: String) -> [UInt8]? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64).map(Array.init)
    }
}

/// The acknowledgement links of one broker: `{publicUrl}/ack/{token}`, each bound to an alert, an organisation and
/// a recipient, and valid until the alert's links expire (`AckLinkSigner.defaultLifetime` after its publication).
public struct AckLinks: Sendable {
    public let signer: AckLinkSigner
    public let publicUrl: String

    public init(signer: AckLinkSigner, publicUrl: String) {
        self.signer = signer
        self.publicUrl = publicUrl.hasSuffix("/") ? String(publicUrl.dropLast()) : publicUrl
    }

    /// When the links of an alert stop working.
    public static func expiry(of alert: Alert) -> Date { expiry(publishedAt: alert.publishedAt) }
    static func expiry(publishedAt: Date) -> Date { publishedAt.addingTimeInterval(AckLinkSigner.defaultLifetime) }

    /// Who follows a link: a person reading an email opens the web console's page (`/console/ack/{token}`), a
    /// program reading a webhook body POSTs to `/ack/{token}`. Both take the same token and record the same way.
    public enum Reader: Sendable {
        case person, program

        var path: String { self == .person ? "/console/ack/" : "/ack/" }
    }

    /// The link `recipient` (`subscription:<id>`, `contact:<id>`) of `orgId` follows to acknowledge `alert`.
    public func url(alert: Alert, orgId: String, recipient: String, reader: Reader = .program) -> String {
        url(alertId: alert.id, publishedAt: alert.publishedAt, orgId: orgId, recipient: recipient, reader: reader)
    }

    /// The same link from the alert's id and first publication, for a caller that holds the alert as JSON.
    public func url(alertId: String, publishedAt: Date, orgId: String, recipient: String, reader: Reader = .program) -> String {
        let claim = AckClaim(alertId: alertId, orgId: orgId, recipient: recipient, expiresAt: Self.expiry(publishedAt: publishedAt))
        return "\(publicUrl)\(reader.path)\(signer.token(for: claim))"
    }
}

/// Who an acknowledgement link was sent to, as its token names them: `subscription:<id>` (an email subscription's
/// address) or `contact:<id>` (one of the organisation's contacts).
public enum AckRecipient: Sendable, Hashable, CustomStringConvertible {
    case subscription(String)
    case contact(String)

    /// The recipient a token names; nil for any other form.
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let id = String(text[text.index(after: colon)...])
        guard !id.isEmpty else { return nil }
        switch text[..<colon] {
        case "subscription": self = .subscription(id)
        case "contact": self = .contact(id)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .subscription(let id): "subscription:\(id)"
        case .contact(let id): "contact:\(id)"
        }
    }
}
