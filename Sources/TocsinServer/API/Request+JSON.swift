import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import TocsinCore

extension Request {
    /// Reads the body (up to `limit` bytes, counted as they arrive, else 413) and decodes it strictly as JSON.
    func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        // Strict: an unknown key (a typo such as "region" for "regions", or a server-set field such as "id"), a key
        // given twice, or a value of the wrong type is refused with its path, never ignored.
        try TocsinJSON.strictDecoder().decode(T.self, from: try await jsonBody(limit: limit))
    }

    /// A JSON body that may be left out: nil when the body is empty, else decoded strictly as `decodeJSON` does.
    func decodeOptionalJSON<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T? {
        let buffer = try await body.collectOrRefuse(upTo: limit, setting: "api.maxBodyBytes")
        guard buffer.readableBytes > 0 else { return nil }
        if let contentType = headers[.contentType]?.lowercased(), !contentType.contains("json") {
            throw Problem(status: .unsupportedMediaType, slug: "unsupported-media-type", title: "Unsupported media type",
                          detail: "send the body as application/json, or send none")
        }
        let bytes = Data(buffer.readableBytesView)
        guard String(validating: bytes, as: UTF8.self) != nil else { throw Problem.invalidJSON("the body is not valid UTF-8") }
        return try TocsinJSON.strictDecoder().decode(T.self, from: bytes)
    }

    /// The raw bytes of a JSON body (up to `limit`, else 413), checked for media type, emptiness and UTF-8; what
    /// `decodeJSON` reads, and what readers that are not a `Decodable` (merge patches) take as it is.
    func jsonBody(limit: Int) async throws -> Data {
        if let contentType = headers[.contentType]?.lowercased(), !contentType.contains("json") {
            throw Problem(status: .unsupportedMediaType, slug: "unsupported-media-type", title: "Unsupported media type",
                          detail: "send the body as application/json")
        }
        let buffer = try await body.collectOrRefuse(upTo: limit, setting: "api.maxBodyBytes")
        let bytes = Data(buffer.readableBytesView)
        guard !bytes.isEmpty else { throw Problem.invalidJSON("the body is empty") }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw Problem.invalidJSON("the body is not valid UTF-8") }
        return bytes
    }

    /// The query parameter `name`, or nil.
    func query(_ name: String) -> String? { uri.queryParameters[Substring(name)].map(String.init) }
}

extension RequestBody {
    /// Collects the body up to `limit` bytes, counted as it arrives; beyond, a 413 that names the setting raising it.
    func collectOrRefuse(upTo limit: Int, setting: String) async throws -> ByteBuffer {
        do {
            return try await collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem.tooLarge(limit: limit, setting: setting)
        }
    }
}

/// Builds JSON responses with the shared encoder (camelCase, RFC 3339 dates).
enum JSONResponse {
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try TocsinJSON.encoder().encode(value)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func raw(_ bytes: [UInt8], contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// A list answer: the items and the cursor of the next page.
struct ListBody<Item: Encodable>: Encodable {
    var items: [Item]
    var nextCursor: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }

    enum CodingKeys: String, CodingKey { case items, nextCursor }
}
