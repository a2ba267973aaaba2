import Foundation

/// Where a relayed alert was first published: the broker that published it and the alert's id there.
///
/// A relayed copy keeps the origin's alert id, revision and publication time; `origin` names the broker those belong
/// to, so that the copies of one alert held by several brokers are recognisably the same alert.
public struct AlertOrigin: Codable, Sendable, Hashable {
    /// The stable id of the broker that published the alert (`BrokerIdentity.id`).
    public var brokerId: String
    /// The alert's id at that broker (the same as the relayed copy's).
    public var alertId: String

    public init(brokerId: String, alertId: String) {
        self.brokerId = brokerId
        self.alertId = alertId
    }
}

/// A broker's identity: a stable id created at its first start and kept in its store, and the name people see.
public struct BrokerIdentity: Codable, Sendable, Hashable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}
