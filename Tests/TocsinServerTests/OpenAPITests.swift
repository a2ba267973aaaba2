import Foundation
import TocsinServer
import XCTest

/// The OpenAPI document is the file `Sources/TocsinServer/Resources/openapi.json`: served as it is, and describing
/// exactly the routes the broker serves, no more and no less.
final class OpenAPITests: XCTestCase {
    static let documentURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/TocsinServer/Resources/openapi.json")

    static func document() throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: documentURL)) as? [String: Any])
    }

    /// `METHOD /path` with every path parameter written `{}`, since the router and the document may name them apart,
    /// and no trailing slash: the router serves a path with or without it, and the document writes TAXII's paths with
    /// the trailing slash TAXII 2.1 gives them.
    static func key(_ method: String, _ path: String) -> String {
        let path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") || part.hasPrefix(":") ? "{}" : String(part)
        }
        return "\(method.uppercased()) \(parts.joined(separator: "/"))"
    }

    func testTheServedDocumentIsTheRepositoryFileByteForByte() async throws {
        let broker = try await BrokerProcess.start()
        let answer = try await broker.request("GET", "/api/v1/openapi.json", token: nil)
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.header("Content-Type"), "application/json; charset=utf-8")
        let file = try Data(contentsOf: Self.documentURL)
        XCTAssertEqual(Data(answer.body), file, "the served document differs from \(Self.documentURL.path): rebuild tocsin")
        XCTAssertEqual(try Self.document()["openapi"] as? String, "3.1.0")
    }

    func testEveryRouteIsDocumentedAndEveryDocumentedOperationIsRouted() async throws {
        let dataDir = NSTemporaryDirectory() + "tocsin-routes-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        var configuration = TocsinConfiguration()
        configuration.dataDir = dataDir
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let broker = try await TocsinBroker(configuration: configuration)
        defer { broker.httpClient.shutdown() }
        // The web console (`/console/…`) answers HTML pages to browsers, not the JSON API: it is described in
        // docs/console.md and left out of the OpenAPI document (and so of schemathesis, which reads the document).
        let routed = Set(broker.routes().filter { !$0.path.hasPrefix("/console") }.map { Self.key($0.method, $0.path) })
        XCTAssertTrue(broker.routes().contains { $0.path.hasPrefix("/console") }, "the console is routed")
        XCTAssertGreaterThan(routed.count, 30, "the router lists its routes")

        let paths = try XCTUnwrap(Self.document()["paths"] as? [String: [String: Any]])
        let operationMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var documented = Set<String>()
        for (path, item) in paths {
            for method in item.keys where operationMethods.contains(method) { documented.insert(Self.key(method, path)) }
        }
        XCTAssertEqual(routed.subtracting(documented).sorted(), [], "routes the OpenAPI document does not describe")
        XCTAssertEqual(documented.subtracting(routed).sorted(), [], "operations of the OpenAPI document that no route serves")
    }

    func testEveryOperationHasAnIdAndEveryReferenceResolves() throws {
        let document = try Self.document()
        let text = try String(contentsOf: Self.documentURL, encoding: .utf8)
        var ids = Set<String>()
        for (path, item) in try XCTUnwrap(document["paths"] as? [String: [String: Any]]) {
            for (method, value) in item where method != "parameters" {
                let id = (value as? [String: Any])?["operationId"] as? String
                XCTAssertNotNil(id, "\(method) \(path) has no operationId")
                if let id { XCTAssertTrue(ids.insert(id).inserted, "operationId \(id) is used twice") }
            }
        }
        let components = try XCTUnwrap(document["components"] as? [String: [String: Any]])
        let references = try NSRegularExpression(pattern: ##""\$ref": "#/components/([A-Za-z]+)/([A-Za-z0-9_.-]+)""##)
        for match in references.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let kind = String(text[Range(match.range(at: 1), in: text)!]), name = String(text[Range(match.range(at: 2), in: text)!])
            XCTAssertNotNil(components[kind]?[name], "#/components/\(kind)/\(name) is referred to but not defined")
        }
    }
}
