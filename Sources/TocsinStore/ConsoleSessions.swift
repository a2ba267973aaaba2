import Foundation
import TocsinCore

/// The web console's sessions and one-time login links, each found by the SHA-256 of its secret (never the secret).
/// The store compares dates it is given and decides nothing else: the lifetimes are `ConsoleSessionPolicy`'s.
public protocol ConsoleSessionStore: Sendable {
    /// Keeps a new session under the hash of its secret.
    func createConsoleSession(_ session: ConsoleSession, secretHash: String) async throws
    /// The live session behind a secret's hash: not revoked, not past `expiresAt`, used after `idleCutoff`, and, for a
    /// token session, whose token is neither revoked nor expired; notes `now` as its last use (to the minute).
    func consoleSession(secretHash: String, now: Date, idleCutoff: Date) async throws -> ConsoleSession?
    /// Ends a session (logout); again is harmless. False when there is no such session.
    func revokeConsoleSession(id: String, now: Date) async throws -> Bool
    /// Keeps a new login link under the hash of its secret.
    func createLoginLink(_ link: ConsoleLoginLink, secretHash: String) async throws
    /// The unused, unexpired link behind a secret's hash, left unused (the page that shows the button).
    func loginLink(secretHash: String, now: Date) async throws -> ConsoleLoginLink?
    /// Uses the link behind a secret's hash: returns it and marks it used in one transaction, so that it works once;
    /// nil when unknown, used or expired.
    func consumeLoginLink(secretHash: String, now: Date) async throws -> ConsoleLoginLink?
    /// The contacts whose address is `email` (compared without case), with their organisation.
    func contacts(email: String) async throws -> [(Organisation, Contact)]
}
