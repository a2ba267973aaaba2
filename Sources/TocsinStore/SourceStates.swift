import Foundation

/// What each polled source remembers between rounds (validators, cursors, the documents seen), as the poller's own JSON.
public protocol PolledSourceStore: Sendable {
    /// The saved state of a polled source (JSON, owned by the poller), or nil before its first round.
    func sourceState(name: String) async throws -> String?
    func saveSourceState(name: String, json: String) async throws
}
