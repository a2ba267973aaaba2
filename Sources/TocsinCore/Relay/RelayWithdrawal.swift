import Foundation

/// The data of a withdrawal notice on a relay stream (`event: alert.withdrawn`): the alert and the revision that
/// may no longer be relayed, and nothing of its content.
public struct RelayWithdrawal: Codable, Sendable, Hashable {
    /// The event name of the notice on the stream.
    public static let eventType = "alert.withdrawn"

    public var id: String
    public var revision: Int

    public init(id: String, revision: Int) {
        self.id = id
        self.revision = revision
    }
}
