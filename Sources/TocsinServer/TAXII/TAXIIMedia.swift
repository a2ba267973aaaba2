import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import TocsinCore

/// TAXII 2.1's media types and how requests must use them: every answer is `application/taxii+json;version=2.1`;
/// an `Accept` that allows neither it nor a wildcard gets 406, a body of any other type 415, a body larger than the
/// API root's `max_content_length` 413.
enum TAXIIMedia {
    static let taxii = "application/taxii+json;version=2.1"
    static let stix = "application/stix+json;version=2.1"

    /// True when an `Accept` header (absent means anything) allows TAXII 2.1 JSON.
    static func acceptable(_ accept: String?) -> Bool {
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return true }
        return accept.split(separator: ",").contains { range in
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { return false }
            if type == "*/*" || type == "application/*" { return true }
            guard type == "application/taxii+json" else { return false }
            let version = parts.dropFirst().first { $0.hasPrefix("version=") }
            return version == nil || version == "version=2.1"
        }
    }

    /// True when a `Content-Type` header names TAXII 2.1 JSON (a version other than 2.1 is not).
    static func isTAXII(_ contentType: String) -> Bool {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == "application/taxii+json" else { return false }
        let version = parts.dropFirst().first { $0.hasPrefix("version=") }
        return version == nil || version == "version=2.1"
    }

    /// A TAXII answer: JSON text with the TAXII media type and the given headers.
    static func response(_ json: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = taxii
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    /// A TAXII answer made from a JSON value.
    static func response(object: Any, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return response(String(decoding: data, as: UTF8.self), status: status, headers: headers)
    }

    /// The TAXII error resource for a failure: `title`, `description`, `http_status` and Tocsin's problem slug as
    /// `error_code`.
    static func error(_ problem: Problem) -> Response {
        var object: [String: Any] = ["title": problem.title, "http_status": String(problem.status.code), "error_code": problem.slug]
        if let detail = problem.detail { object["description"] = detail }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return response(String(decoding: data, as: UTF8.self), status: problem.status, headers: problem.headers)
    }
}

/// TAXII's timestamps: `date_added` in microseconds, written as RFC 3339 with six fraction digits, read with up to
/// six (more are refused rather than rounded, so that `added_after` never skips an object).
enum TAXIITimestamp {
    static func format(_ micros: Int64) -> String {
        let (seconds, fraction) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
        return String(whole.dropLast()) + "." + String(format: "%06lld", fraction) + "Z"
    }

    static func parse(_ text: String) -> Int64? {
        guard text.count <= 40, text.hasSuffix("Z") || text.hasSuffix("z") else { return nil }
        let body = text.dropLast()
        let pieces = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = RFC3339.parseStrict(String(pieces[0]) + "Z") else { return nil }
        var fraction: Int64 = 0
        if pieces.count == 2 {
            let digits = pieces[1]
            guard (1...6).contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int64(digits) else { return nil }
            fraction = value * Int64(pow(10, Double(6 - digits.count)))
        }
        return Int64(whole.timeIntervalSince1970.rounded()) * 1_000_000 + fraction
    }
}
