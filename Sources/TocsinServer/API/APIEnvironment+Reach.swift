import Foundation
import Logging
import TocsinCore
import TocsinStore

/// An acknowledgement as the API answers it (`POST /api/v1/alerts/{id}/ack`, a CAP `Ack`): who acknowledged the
/// alert for the organisation, when, through which channel and with what note. For an alert acknowledged before,
/// the first acknowledgement's values, with `alreadyAcknowledged` true.
struct AcknowledgementAnswer: Encodable, Sendable {
    var alertId: String
    var acknowledgedAt: Date
    /// The name of who acknowledged (a token's label, a contact's name, an address), else their reference.
    var by: String?
    var channel: String
    var note: String?
    var alreadyAcknowledged: Bool

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(alertId, forKey: .alertId)
        try container.encode(acknowledgedAt, forKey: .acknowledgedAt)
        try container.encode(by, forKey: .by)
        try container.encode(channel, forKey: .channel)
        try container.encode(note, forKey: .note)
        try container.encode(alreadyAcknowledged, forKey: .alreadyAcknowledged)
    }

    enum CodingKeys: String, CodingKey { case alertId, acknowledgedAt, by, channel, note, alreadyAcknowledged }
}

extension APIEnvironment {
    /// The longest note an acknowledgement may carry.
    static let acknowledgementNoteLimit = 2_000

    /// The organisation an acknowledging token speaks for: a subscriber's or a relay's. Admins and publishers act for
    /// no organisation, so they acknowledge for none.
    func acknowledgingOrgId(_ principal: Principal) throws -> String {
        guard principal.role == .subscriber || principal.role == .relay, let orgId = principal.orgId else {
            throw Problem.forbidden("acknowledging is for an organisation's token (a subscriber or relay token)")
        }
        return orgId
    }

    /// A note as an acknowledgement keeps it: at most 2000 characters, no control characters but line breaks and
    /// tabs; a blank note is no note.
    static func acknowledgementNote(_ note: String?, field: String) throws -> String? {
        guard let note, !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        guard note.count <= acknowledgementNoteLimit else {
            throw Problem.validation("\(field) is longer than \(acknowledgementNoteLimit) characters", field: field)
        }
        try TextRules.check(note, field: field, longText: true)
        return note
    }

    /// Records that the token's organisation acknowledged `alert`, through `channel`; the caller has checked that the
    /// organisation may read it. Answers the acknowledgement that stands: this one, or the first one.
    func acknowledge(_ alert: Alert, by principal: Principal, orgId: String, channel: String, note: String?,
                     logger: Logger) async throws -> AcknowledgementAnswer {
        let label = try await store.token(id: principal.tokenId)?.label
        let mark = ReachMark(at: Date(), by: "token:\(principal.tokenId)", byName: label, channel: channel)
        let answer = try await record(alertId: alert.id, orgId: orgId, mark: mark, note: note)
        logger.info(answer.alreadyAcknowledged ? "alert already acknowledged" : "alert acknowledged",
                    metadata: ["alert": "\(alert.id)", "org": "\(orgId)", "channel": "\(channel)"])
        return answer
    }

    /// Writes the acknowledgement, or reads the one that came first.
    func record(alertId: String, orgId: String, mark: ReachMark, note: String?) async throws -> AcknowledgementAnswer {
        switch try await store.acknowledge(alertId: alertId, orgId: orgId, mark: mark, note: note) {
        case .recorded(let mark):
            return AcknowledgementAnswer(alertId: alertId, acknowledgedAt: mark.at, by: mark.byName ?? mark.by, channel: mark.channel,
                                         note: note, alreadyAcknowledged: false)
        case .already(let first, let firstNote):
            return AcknowledgementAnswer(alertId: alertId, acknowledgedAt: first.at, by: first.byName ?? first.by, channel: first.channel,
                                         note: firstNote, alreadyAcknowledged: true)
        }
    }

    /// Notes that the caller's organisation read these alerts (the first read of each counts), when the caller
    /// reads for an organisation. One write for the lot; a failure is logged and never fails the read.
    func markSeen(_ alertIds: [String], by principal: Principal, channel: String, logger: Logger) async {
        guard principal.role == .subscriber || principal.role == .relay, let orgId = principal.orgId else { return }
        await markSeen(alertIds, orgId: orgId, mark: ReachMark(at: Date(), by: "token:\(principal.tokenId)", channel: channel), logger: logger)
    }

    /// Notes that `orgId` read these alerts, as `mark` says; a failure is logged, never thrown.
    func markSeen(_ alertIds: [String], orgId: String, mark: ReachMark, logger: Logger) async {
        guard !alertIds.isEmpty else { return }
        do {
            try await store.markSeen(alertIds: alertIds, orgId: orgId, mark: mark)
        } catch {
            logger.warning("alerts read but not marked seen", metadata: ["org": "\(orgId)", "channel": "\(mark.channel)", "error": "\(error)"])
        }
    }
}
