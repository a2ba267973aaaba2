import XCTest

/// A test case with a fresh broker process and a webhook receiver for each test, both stopped afterwards.
class BrokerTestCase: XCTestCase {
    var broker: BrokerProcess!
    var receiver: WebhookReceiver!

    override func setUp() async throws {
        broker = try await BrokerProcess.start()
        receiver = try await WebhookReceiver.start()
    }

    override func tearDown() async throws {
        broker.stop()
        receiver.stop()
    }
}
