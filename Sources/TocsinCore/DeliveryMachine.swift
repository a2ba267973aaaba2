import Foundation

/// What came of one attempt, as a channel reports it.
public enum AttemptOutcome: Sendable, Equatable {
    case success(status: Int?)
    /// Worth trying again later: a timeout, a 5xx, a 408/429, an SMTP 4xx, a network error.
    case retryable(status: Int?, error: String)
    /// Trying again will not help: a 4xx other than 408/410/429, an SMTP 5xx, a refused target.
    case permanent(status: Int?, error: String)
    /// The receiver said it is gone for good (HTTP 410): stop the subscription.
    case gone(status: Int?, error: String)

    public var name: String {
        switch self {
        case .success: "success"
        case .retryable: "retryable"
        case .permanent: "permanent"
        case .gone: "gone"
        }
    }

    public var status: Int? {
        switch self {
        case .success(let s), .retryable(let s, _), .permanent(let s, _), .gone(let s, _): s
        }
    }

    public var error: String? {
        switch self {
        case .success: nil
        case .retryable(_, let e), .permanent(_, let e), .gone(_, let e): e
        }
    }

    /// Classifies an HTTP answer from a webhook receiver.
    public static func http(status: Int) -> AttemptOutcome {
        switch status {
        case 200..<300: .success(status: status)
        case 410: .gone(status: status, error: "receiver answered 410 Gone")
        case 408, 429: .retryable(status: status, error: "receiver answered \(status)")
        case 300..<400: .permanent(status: status, error: "receiver answered \(status); redirects are not followed")
        case 400..<500: .permanent(status: status, error: "receiver answered \(status)")
        default: .retryable(status: status, error: "receiver answered \(status)")
        }
    }
}

/// The life of one delivery as an explicit state machine, with no I/O.
///
/// pending → inFlight → delivered | retryScheduled | dead; retryScheduled → inFlight when due; an inFlight whose
/// lease expired (its worker died) is claimable again; dead and delivered go back to pending on redelivery.
/// Each event either returns the action for the caller to carry out or throws when it makes no sense.
public struct DeliveryMachine: Sendable, Equatable {
    /// What the caller must do after an event.
    public enum Action: Sendable, Equatable {
        case send
        case recordDelivered
        case scheduleRetry(at: Date)
        case markDead(reason: String)
        /// Mark dead and turn the subscription off (410 Gone).
        case disableSubscription(reason: String)
        case requeue
    }

    /// An event that does not apply to the current state.
    public struct InvalidTransition: Error, Equatable, CustomStringConvertible {
        public var state: DeliveryState
        public var event: String
        public var description: String { "cannot \(event) a delivery that is \(state.rawValue)" }
    }

    public private(set) var state: DeliveryState
    public private(set) var attempts: Int
    public private(set) var nextAttemptAt: Date?
    public private(set) var leaseUntil: Date?

    public init(state: DeliveryState = .pending, attempts: Int = 0, nextAttemptAt: Date? = nil, leaseUntil: Date? = nil) {
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseUntil = leaseUntil
    }

    public init(_ delivery: Delivery) {
        self.init(state: delivery.state, attempts: delivery.attempts, nextAttemptAt: delivery.nextAttemptAt, leaseUntil: delivery.leaseUntil)
    }

    /// True when a worker may claim the delivery at `now`.
    public func isClaimable(at now: Date) -> Bool {
        switch state {
        case .pending: return true
        case .retryScheduled: return (nextAttemptAt ?? now) <= now
        case .inFlight: return (leaseUntil ?? now) <= now
        case .delivered, .dead, .superseded: return false
        }
    }

    /// A worker takes the delivery until `leaseUntil`; the attempt counter moves on.
    public mutating func claim(now: Date, leaseUntil: Date) throws(InvalidTransition) -> Action {
        guard isClaimable(at: now) else { throw InvalidTransition(state: state, event: "claim") }
        state = .inFlight
        attempts += 1
        self.leaseUntil = leaseUntil
        nextAttemptAt = nil
        return .send
    }

    /// The attempt finished with `outcome`; `random` in 0..<1 drives the retry jitter.
    public mutating func finish(
        _ outcome: AttemptOutcome, now: Date, policy: RetryPolicy, random: Double
    ) throws(InvalidTransition) -> Action {
        guard state == .inFlight else { throw InvalidTransition(state: state, event: "finish") }
        leaseUntil = nil
        switch outcome {
        case .success:
            state = .delivered
            return .recordDelivered
        case .gone(_, let error):
            state = .dead
            return .disableSubscription(reason: error)
        case .permanent(_, let error):
            state = .dead
            return .markDead(reason: error)
        case .retryable(_, let error):
            guard let delay = policy.delay(afterAttempt: attempts, random: random) else {
                state = .dead
                return .markDead(reason: "gave up after \(attempts) attempts: \(error)")
            }
            state = .retryScheduled
            let at = now.addingTimeInterval(delay)
            nextAttemptAt = at
            return .scheduleRetry(at: at)
        }
    }

    /// An operator asks for the delivery again: a dead letter or a delivered one goes back to the outbox with a
    /// fresh retry budget, keeping its id (so its `webhook-id`).
    public mutating func redeliver(now: Date) throws(InvalidTransition) -> Action {
        guard state == .dead || state == .delivered else { throw InvalidTransition(state: state, event: "redeliver") }
        state = .pending
        attempts = 0
        nextAttemptAt = now
        leaseUntil = nil
        return .requeue
    }
}
