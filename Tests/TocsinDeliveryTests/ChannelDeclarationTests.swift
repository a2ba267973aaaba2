import Foundation
import TocsinCore
import TocsinDelivery
import TocsinNet
import TocsinStore
import XCTest

/// What each channel declares, read through the registry: the names, the store's catalog, the digest rule, the
/// settings sections the configuration loader hands over, and the senders.
final class ChannelDeclarationTests: XCTestCase {
    func testNamesAndSectionsAreUniqueAndTheCatalogFollowsTheDeclarations() throws {
        let names = ChannelRegistry.channels.map(\.rawValue)
        XCTAssertEqual(names, ["webhook", "email", "feed"])
        XCTAssertEqual(Set(names).count, names.count)
        let sections = ChannelRegistry.settings.map { $0.key.split(separator: ".")[0] }
        XCTAssertEqual(Set(sections), ["webhooks", "smtp"])
        let catalog = ChannelRegistry.catalog
        XCTAssertEqual(catalog.channels, ChannelRegistry.channels)
        XCTAssertEqual(catalog.pulled, [.feed])
        XCTAssertThrowsError(try catalog.known("pager")) { error in
            XCTAssertEqual("\(error)", "the stored channel 'pager' is not one this version of Tocsin knows (webhook, email, feed)")
        }
        XCTAssertThrowsError(try ChannelRegistry.kind(named: "Webhook")) { error in
            XCTAssertEqual((error as? ValidationError)?.field, "channel")
        }
    }

    func testEachChannelDeclaresItsTargetSecretAndDigestRule() throws {
        let declarations = Dictionary(uniqueKeysWithValues: ChannelRegistry.kinds.map { ($0.channel, $0.declaration) })
        XCTAssertEqual(declarations[.webhook]?.secret, .signing)
        XCTAssertEqual(declarations[.email]?.secret, .unsubscribe)
        XCTAssertEqual(declarations[.feed]?.secret, .feedToken)
        // A person reads a digest; machines want each alert at once.
        XCTAssertEqual(ChannelRegistry.digestChannels, [.email])
        let settings = ChannelSettingsSet()
        XCTAssertEqual(try FeedKind.checkTarget("ignored", in: settings), "")
        XCTAssertEqual(try EmailKind.checkTarget("rssi@chu.test", in: settings), "rssi@chu.test")
        XCTAssertThrowsError(try EmailKind.checkTarget(nil, in: settings))
        XCTAssertThrowsError(try WebhookKind.checkTarget("http://127.0.0.1/hook", in: settings)) { error in
            XCTAssertTrue((error as? ChannelTargetError)?.guardRefusal == true, "\(error)")
        }
        var open = settings
        open[WebhookSettings.self].allowedNetworks = ["127.0.0.0/8"]
        XCTAssertEqual(try WebhookKind.checkTarget("http://127.0.0.1/hook", in: open), "http://127.0.0.1/hook")
    }

    /// The keys of each section are the ones operators write today (docs/configuration.md), under the section the
    /// channel declares; a bad value names its full key.
    func testEachSectionIsReadByItsChannelsSettings() throws {
        XCTAssertEqual(ChannelRegistry.settings.map(\.key), [
            "webhooks.allowPrivateTargets", "webhooks.allowedNetworks", "webhooks.timeout",
            "smtp.url", "smtp.from", "smtp.replyTo", "smtp.username", "smtp.password", "smtp.startTLS", "smtp.concurrency",
            "smtp.caFile", "smtp.timeout",
        ])
        var settings = ChannelSettingsSet()
        let apply = Dictionary(uniqueKeysWithValues: ChannelRegistry.settings.map { ($0.key, $0.apply) })
        try XCTUnwrap(apply["webhooks.timeout"])(&settings, "3s", "webhooks.timeout")
        try XCTUnwrap(apply["smtp.url"])(&settings, "smtp://127.0.0.1:2525", "smtp.url")
        XCTAssertEqual(settings[WebhookSettings.self].timeout, 3)
        XCTAssertEqual(ChannelRegistry.attemptTimeouts(settings).map(\.key), ["webhooks.timeout"])
        XCTAssertThrowsError(try ChannelRegistry.validate(settings)) { error in
            XCTAssertEqual("\(error)", "configuration: smtp.from is required when smtp.url is set")
        }
        XCTAssertThrowsError(try XCTUnwrap(apply["smtp.startTLS"])(&settings, "sometimes", "smtp.startTLS")) { error in
            XCTAssertEqual("\(error)", "configuration: smtp.startTLS must be required, optional or off")
        }
    }

    /// A pulled channel has no sender; a pushed one is off until its settings turn it on.
    func testSendersAreBuiltFromEachChannelsSettings() throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Templates").path
        let context = ChannelContext(httpClient: client, publicUrl: "https://tocsin.test", templatesDirectory: templates,
                                     messages: try TemplatesFolder.messages(in: templates))
        let (senders, off) = try ChannelRegistry.senders(ChannelSettingsSet(), context: context)
        XCTAssertEqual(senders.map(\.channel), [.webhook])
        XCTAssertEqual(off, [.email], "email waits for smtp.url and smtp.from; a feed is pulled, never sent")
        var settings = ChannelSettingsSet()
        settings[EmailSettings.self].url = "smtp://127.0.0.1:9"
        settings[EmailSettings.self].from = "alertes@cert-sante.test"
        settings[EmailSettings.self].concurrency = 1
        let on = try ChannelRegistry.senders(settings, context: context)
        defer { on.senders.forEach { $0.shutdown() } }
        XCTAssertEqual(on.senders.map(\.channel), [.webhook, .email])
        XCTAssertEqual(on.off, [])
    }
}
