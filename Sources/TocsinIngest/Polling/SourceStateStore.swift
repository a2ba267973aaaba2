import Foundation

/// Where source states persist between rounds and restarts (SQLite in the server).
public protocol SourceStateStore: Sendable {
    /// The state saved under `name`, or nil for a source never polled.
    func load(_ name: String) async throws -> SourceState?
    /// Replaces the state saved under `name`.
    func save(_ name: String, _ state: SourceState) async throws
}

/// A `SourceStateStore` in memory, for tools and tests that need no persistence.
public actor SourceMemoryStateStore: SourceStateStore {
    private var states: [String: SourceState]

    public init(_ states: [String: SourceState] = [:]) {
        self.states = states
    }

    public func load(_ name: String) async throws -> SourceState? { states[name] }

    public func save(_ name: String, _ state: SourceState) async throws { states[name] = state }

    /// Every saved state, by source name.
    public func all() -> [String: SourceState] { states }
}
