import Crypto
import Foundation

/// Signing and checking webhooks as the Standard Webhooks specification says.
///
/// The signature is `v1,` + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")), where the key is the base64
/// part of the `whsec_…` secret. Checking compares in constant time and bounds the timestamp's age.
public enum StandardWebhooks {
    /// Why a signature was refused.
    public enum VerificationError: Error, Equatable {
        case malformedSecret
        case missingHeaders
        case timestampOutOfTolerance
        case noMatchingSignature
    }

    /// A new `whsec_` secret holding 32 random bytes.
    public static func makeSecret() -> String {
        "whsec_" + Data(TocsinID.randomBytes(32)).base64EncodedString()
    }

    static func key(from secret: String) throws(VerificationError) -> SymmetricKey {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else { throw .malformedSecret }
        return SymmetricKey(data: bytes)
    }

    /// The `webhook-signature` header value for a message.
    public static func sign(secret: String, id: String, timestamp: Int, body: [UInt8]) throws(VerificationError) -> String {
        let key = try key(from: secret)
        var message = Array("\(id).\(timestamp).".utf8)
        message.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// Checks a received message; `signatureHeader` may hold several space-separated signatures.
    public static func verify(
        secret: String, id: String?, timestamp: String?, signatureHeader: String?, body: [UInt8],
        now: Date = Date(), tolerance: TimeInterval = 300
    ) throws(VerificationError) {
        guard let id, let timestamp, let signatureHeader, let seconds = Int(timestamp) else { throw .missingHeaders }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else { throw .timestampOutOfTolerance }
        let expected = Array(try sign(secret: secret, id: id, timestamp: seconds, body: body).utf8)
        for candidate in signatureHeader.split(separator: " ") where ConstantTime.equals(Array(candidate.utf8), expected) {
            return
        }
        throw .noMatchingSignature
    }
}

/// Comparisons whose duration does not depend on where the inputs differ.
public enum ConstantTime {
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// API tokens are stored as their SHA-256, never in clear.
public enum TokenHash {
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
