import Foundation
import XCTest

/// STARTTLS, implicit TLS and authentication against a real SMTP server with a real (self-signed) certificate.
final class SMTPSecurityTests: XCTestCase {
    var directory: String!
    var sink: SMTPSink!
    var broker: BrokerProcess?

    override func setUp() async throws {
        directory = NSTemporaryDirectory() + "tocsin-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        broker?.stop()
        sink = nil
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Publishes one alert to a new email subscription and returns its delivery once it stops moving.
    func sendOne(to address: String = "rssi@chu-rouen.test", until states: Set<String> = ["delivered"]) async throws -> [String: Any] {
        let broker = try XCTUnwrap(broker)
        let org = try await broker.createOrg("CHU de Rouen", clearance: "GREEN")
        let answer = try await broker.post("/api/v1/subscriptions", ["orgId": org, "channel": "email", "target": address])
        XCTAssertEqual(answer.status, 201, answer.text)
        let id = try await broker.publish(alertJSON(title: "Alerte chiffrée", tlp: "GREEN"))
        var delivery: [String: Any] = [:]
        try await eventually("\(delivery) \((try? sink.sessions()) ?? [])") {
            delivery = try await broker.deliveries(alert: id).first ?? [:]
            return states.contains(delivery["state"] as? String ?? "")
        }
        return delivery
    }

    func testSTARTTLSWithAuthenticationDeliversOverAnEncryptedSession() async throws {
        let (cert, key) = try SMTPSink.makeCertificate(in: directory)
        sink = try SMTPSink(arguments: ["--starttls", cert, key, "--auth", "tocsin:s3cr3t-pass"])
        broker = try await BrokerProcess.start(environment: [
            "TOCSIN_SMTP_URL": "smtp://localhost:\(sink.port)", "TOCSIN_SMTP_START_TLS": "required",
            "TOCSIN_SMTP_CA_FILE": cert, "TOCSIN_SMTP_USERNAME": "tocsin", "TOCSIN_SMTP_PASSWORD": "s3cr3t-pass",
            "TOCSIN_SMTP_FROM": "alertes@cert-sante.test", "TOCSIN_TEMPLATES_DIR": EmailTests.templatesDirectory,
            "TOCSIN_SMTP_TIMEOUT": "3s",
        ])
        _ = try await sendOne()
        let session = try XCTUnwrap(try sink.sessions().first)
        XCTAssertEqual(session["tls"] as? Bool, true)
        XCTAssertEqual(session["login"] as? String, "tocsin")
        XCTAssertFalse(broker!.log.contains("s3cr3t-pass"), "the SMTP password must never be logged")
    }

    func testImplicitTLS() async throws {
        let (cert, key) = try SMTPSink.makeCertificate(in: directory)
        sink = try SMTPSink(arguments: ["--smtps", cert, key])
        broker = try await BrokerProcess.start(environment: [
            "TOCSIN_SMTP_URL": "smtps://localhost:\(sink.port)", "TOCSIN_SMTP_CA_FILE": cert,
            "TOCSIN_SMTP_FROM": "alertes@cert-sante.test", "TOCSIN_TEMPLATES_DIR": EmailTests.templatesDirectory,
            "TOCSIN_SMTP_TIMEOUT": "3s",
        ])
        _ = try await sendOne()
        XCTAssertEqual(try sink.sessions().first?["tls"] as? Bool, true)
        XCTAssertEqual(try sink.messages().count, 1)
    }

    func testAnUntrustedCertificateOrAServerWithoutSTARTTLSNeverGetsTheMailInClear() async throws {
        // The certificate is not in the trusted set: the attempt fails and is retried later, nothing is sent.
        let (cert, key) = try SMTPSink.makeCertificate(in: directory)
        sink = try SMTPSink(arguments: ["--starttls", cert, key])
        broker = try await BrokerProcess.start(environment: [
            "TOCSIN_SMTP_URL": "smtp://localhost:\(sink.port)", "TOCSIN_SMTP_START_TLS": "required",
            "TOCSIN_SMTP_FROM": "alertes@cert-sante.test", "TOCSIN_TEMPLATES_DIR": EmailTests.templatesDirectory,
            "TOCSIN_SMTP_TIMEOUT": "3s",
        ])
        let untrusted = try await sendOne(until: ["retry_scheduled", "dead"])
        XCTAssertTrue((untrusted["lastError"] as? String ?? "").lowercased().contains("certificate")
                      || (untrusted["lastError"] as? String ?? "").contains("SSL"), "\(untrusted)")
        XCTAssertEqual(try sink.messages().count, 0)
        broker?.stop()

        // A plain server while STARTTLS is required: refused, not sent in clear.
        sink = try SMTPSink()
        broker = try await BrokerProcess.start(environment: [
            "TOCSIN_SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "TOCSIN_SMTP_START_TLS": "required",
            "TOCSIN_SMTP_FROM": "alertes@cert-sante.test", "TOCSIN_TEMPLATES_DIR": EmailTests.templatesDirectory,
            "TOCSIN_SMTP_TIMEOUT": "3s",
        ])
        let plain = try await sendOne(until: ["retry_scheduled", "dead"])
        XCTAssertTrue((plain["lastError"] as? String ?? "").contains("STARTTLS"), "\(plain)")
        XCTAssertNil(plain["lastStatus"], "a failed STARTTLS is not recorded as the EHLO's 250: \(plain)")
        XCTAssertEqual(try sink.messages().count, 0)
    }

    func testWrongCredentialsAreAPermanentFailureWithTheServersReply() async throws {
        let (cert, key) = try SMTPSink.makeCertificate(in: directory)
        sink = try SMTPSink(arguments: ["--starttls", cert, key, "--auth", "tocsin:right"])
        broker = try await BrokerProcess.start(environment: [
            "TOCSIN_SMTP_URL": "smtp://localhost:\(sink.port)", "TOCSIN_SMTP_START_TLS": "required", "TOCSIN_SMTP_CA_FILE": cert,
            "TOCSIN_SMTP_USERNAME": "tocsin", "TOCSIN_SMTP_PASSWORD": "wrong-password",
            "TOCSIN_SMTP_FROM": "alertes@cert-sante.test", "TOCSIN_TEMPLATES_DIR": EmailTests.templatesDirectory,
            "TOCSIN_SMTP_TIMEOUT": "3s",
        ])
        let delivery = try await sendOne(until: ["retry_scheduled", "dead"])
        XCTAssertEqual(delivery["lastStatus"] as? Int, 535, "\(delivery)")
        XCTAssertEqual(try sink.messages().count, 0)
        XCTAssertFalse(broker!.log.contains("wrong-password"))
    }
}
