import Foundation
import TocsinCore
import TocsinDelivery
import XCTest

/// The channel registry is the one source of what a channel is: every registered channel is created through the
/// API with its own target check, secret and digest rule, and the OpenAPI document lists exactly its channels.
final class ChannelRegistryTests: XCTestCase {
    /// A target each channel accepts and one it refuses (nil for a channel that takes none): the one thing a new
    /// channel must add here.
    static let targets: [String: (accepted: String, refused: String)?] = [
        "webhook": ("http://127.0.0.1:9/hook", "ftp://receiver.test/hook"),
        "email": ("rssi@chu-rouen.test", "rssi at chu-rouen"),
        "feed": nil,
    ]

    func testEveryRegisteredChannelIsCreatedThroughTheAPIWithItsOwnTargetSecretAndDigestRule() async throws {
        XCTAssertEqual(Set(Self.targets.keys), Set(ChannelRegistry.channels.map(\.rawValue)), "a target pair for each registered channel")
        let broker = try await BrokerProcess.start()
        defer { broker.stop() }
        let org = try await broker.createOrg("CHU de Rouen", clearance: "AMBER")
        for kind in ChannelRegistry.kinds {
            let declaration = kind.declaration
            let name = kind.channel.rawValue
            let targets = try XCTUnwrap(Self.targets[name])
            var body: [String: Any] = ["orgId": org, "channel": name]

            // Its target check.
            XCTAssertEqual(declaration.target == nil, targets == nil, "\(name): a target pair exactly when the channel takes a target")
            if let targets {
                let missing = try await broker.post("/api/v1/subscriptions", body)
                XCTAssertEqual(missing.status, 422, "\(name) without a target: \(missing.text)")
                XCTAssertEqual(missing.json["field"] as? String, "target")
                body["target"] = targets.refused
                let refused = try await broker.post("/api/v1/subscriptions", body)
                XCTAssertEqual(refused.status, 422, "\(name) to \(targets.refused): \(refused.text)")
                XCTAssertEqual(refused.json["field"] as? String, "target")
                body["target"] = targets.accepted
            }

            // Its secret, shown once.
            let created = try await broker.post("/api/v1/subscriptions", body)
            XCTAssertEqual(created.status, 201, "\(name): \(created.text)")
            XCTAssertEqual(created.json["channel"] as? String, name)
            XCTAssertEqual(created.json["target"] as? String, targets?.accepted ?? "")
            XCTAssertEqual((created.json["secret"] as? String)?.hasPrefix("whsec_"), declaration.secret == .signing ? true : nil, name)
            XCTAssertEqual((created.json["feedToken"] as? String)?.hasPrefix("feed_"), declaration.secret == .feedToken ? true : nil, name)
            let id = try XCTUnwrap(created.json["id"] as? String)
            let shown = try await broker.get("/api/v1/subscriptions/\(id)")
            XCTAssertEqual(shown.json["channel"] as? String, name)
            XCTAssertNil(shown.json["secret"] ?? shown.json["feedToken"], "\(name): a secret is shown once")
            let rotated = try await broker.post("/api/v1/subscriptions/\(id)/rotate-secret", [:])
            XCTAssertEqual(rotated.status, declaration.secret == .signing ? 200 : 422, "\(name) rotate-secret: \(rotated.text)")

            // Its digest rule.
            body["digest"] = "daily"
            let digest = try await broker.post("/api/v1/subscriptions", body)
            XCTAssertEqual(digest.status, declaration.takesDigests ? 201 : 422, "\(name) with daily digests: \(digest.text)")
            if !declaration.takesDigests { XCTAssertEqual(digest.json["field"] as? String, "digest") }
        }

        // A channel no folder declares is refused, naming the field and the channels there are.
        let unknown = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "pager", "target": "0600000000"])
        XCTAssertEqual(unknown.status, 422, unknown.text)
        XCTAssertEqual(unknown.json["field"] as? String, "channel")
        let names = ChannelRegistry.channels.map(\.rawValue).joined(separator: ", ")
        XCTAssertEqual(unknown.json["detail"] as? String, "channel: 'pager' is not one of \(names)")
        let cli = try broker.cli(["subscription", "create", "--org", org, "--channel", "pager"])
        XCTAssertNotEqual(cli.status, 0)
        XCTAssertTrue(cli.stderr.contains("'pager'"), cli.stderr)
    }

    func testTheOpenAPIChannelEnumIsTheRegistrysChannels() throws {
        let components = try XCTUnwrap(OpenAPITests.document()["components"] as? [String: Any])
        let channel = try XCTUnwrap((components["schemas"] as? [String: Any])?["Channel"] as? [String: Any])
        XCTAssertEqual(channel["enum"] as? [String], ChannelRegistry.channels.map(\.rawValue))
    }
}
