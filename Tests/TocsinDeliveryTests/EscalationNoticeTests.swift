import Foundation
import TocsinCore
@testable import TocsinDelivery
import TocsinStore
import TocsinTestSupport
import XCTest

/// The escalation notice, rendered from the repository's templates: why it was sent first, the reader's language,
/// a drill marked as one, and nothing of the alert for a reader who may not read it.
final class EscalationNoticeTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func notice() throws -> EscalationNotice {
        EscalationNotice(templates: try EmailTemplates(directory: TemplateMessages.directory.path), from: "alertes@cert-sante.test",
                         publicUrl: "https://tocsin.example/")
    }

    func claimed(exercise: Bool = false, after: ISO8601Duration = ISO8601Duration(minutes: 30)) -> ClaimedEscalation {
        var draft = AlertDraft(title: "Rançongiciel sur 203.0.113.7", summary: "Bloquez 203.0.113.7.", severity: .critical, tlp: .amber,
                               regions: ["28"], indicators: [Indicator(type: .ipv4, value: "203.0.113.7")])
        if exercise { draft.exerciseId = "exercice-1" }
        let alert = Alert.first(from: draft, id: "a1", now: t0)
        let org = Organisation(id: "chu", name: "CHU de Rouen", kind: .chu, region: "28", tlpClearance: .amber)
        let record = EscalationStepRecord(id: "s1", alertId: "a1", orgId: "chu", policyId: "default", step: 0, round: 0, dueAt: t0 + 1_800,
                                          state: .inFlight, targets: EscalationTargets(roles: [.deputy]), after: after, attempts: 1)
        return ClaimedEscalation(record: record, alert: alert, organisation: org)
    }

    func recipient(locale: String = "fr", own: Bool = true, mayRead: Bool = true) -> EscalationRecipient {
        EscalationRecipient(contact: Contact(id: "c2", role: .deputy, email: "adjoint@chu.example"), orgId: own ? "chu" : "ars",
                            orgName: own ? "CHU de Rouen" : "ARS Normandie", ownOrganisation: own, mayRead: mayRead, locale: locale)
    }

    func testTheNoticeSaysWhyFirstAndLinksToTheAcknowledgement() throws {
        let message = try notice().message(for: claimed(), recipient: recipient(), ackUrl: "https://tocsin.example/ack/v1.x.y")
        XCTAssertEqual(message.headers.first { $0.0 == "Subject" }?.1, "[ESCALADE][TLP:AMBER][CRITIQUE] Rançongiciel sur 203[.]0[.]113[.]7")
        XCTAssertEqual(message.headers.first { $0.0 == "Message-ID" }?.1, "<escalation-s1-c2@tocsin.example>")
        XCTAssertTrue(message.text.hasPrefix("Non acquittée par CHU de Rouen après 30 min.\n"), message.text)
        XCTAssertTrue(message.text.contains("Bloquez 203[.]0[.]113[.]7."), message.text)
        XCTAssertTrue(message.text.contains("Acquitter pour CHU de Rouen : https://tocsin.example/ack/v1.x.y"), message.text)
        XCTAssertTrue(message.html.contains(#"<a href="https://tocsin.example/ack/v1.x.y">"#), message.html)
    }

    func testADrillIsMarkedInTheReadersLanguage() throws {
        let message = try notice().message(for: claimed(exercise: true, after: ISO8601Duration(hours: 1, minutes: 30)),
                                           recipient: recipient(locale: "en"), ackUrl: nil)
        XCTAssertEqual(message.headers.first { $0.0 == "Subject" }?.1, "[EXERCISE][ESCALATION][TLP:AMBER][CRITICAL] Rançongiciel sur 203[.]0[.]113[.]7")
        XCTAssertTrue(message.text.hasPrefix("Not acknowledged by CHU de Rouen after 1 h 30 min.\n"), message.text)
        XCTAssertTrue(message.text.contains("EXERCISE: this alert is a drill"), message.text)
    }

    func testAReaderWhoMayNotReadTheAlertLearnsOnlyItsMarkingAndWhoMustAcknowledge() throws {
        let message = try notice().message(for: claimed(), recipient: recipient(own: false, mayRead: false), ackUrl: nil)
        XCTAssertEqual(message.headers.first { $0.0 == "Subject" }?.1, "[ESCALADE][TLP:AMBER][CRITIQUE] Alerte en attente d'acquittement par CHU de Rouen")
        for part in [message.text, message.html] {
            XCTAssertFalse(part.contains("Rançongiciel"), part)
            XCTAssertFalse(part.contains("Bloquez"), part)
            XCTAssertFalse(part.contains("203"), part)
            XCTAssertFalse(part.contains("/ack/"), part)
        }
        XCTAssertTrue(message.text.contains("Une alerte marquée TLP:AMBER attend l'acquittement de CHU de Rouen."), message.text)
        XCTAssertTrue(message.text.contains("Destinataire : ARS Normandie"), message.text)
    }
}
