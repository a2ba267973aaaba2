import Foundation
import TocsinCore
import XCTest

final class DeliveryMachineTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_000_000)
    let policy = RetryPolicy(schedule: [10, 60], jitter: 0)

    func testHappyPath() throws {
        var machine = DeliveryMachine()
        XCTAssertEqual(try machine.claim(now: t0, leaseUntil: t0 + 60), .send)
        XCTAssertEqual(machine.state, .inFlight)
        XCTAssertEqual(machine.attempts, 1)
        XCTAssertEqual(try machine.finish(.success(status: 204), now: t0, policy: policy, random: 0.5), .recordDelivered)
        XCTAssertEqual(machine.state, .delivered)
        XCTAssertFalse(machine.isClaimable(at: t0 + 1_000))
    }

    func testRetriesOnScheduleThenDies() throws {
        var machine = DeliveryMachine()
        _ = try machine.claim(now: t0, leaseUntil: t0 + 60)
        XCTAssertEqual(try machine.finish(.retryable(status: 503, error: "503"), now: t0, policy: policy, random: 0.5), .scheduleRetry(at: t0 + 10))
        XCTAssertFalse(machine.isClaimable(at: t0 + 9))
        XCTAssertTrue(machine.isClaimable(at: t0 + 10))
        _ = try machine.claim(now: t0 + 10, leaseUntil: t0 + 70)
        XCTAssertEqual(try machine.finish(.retryable(status: nil, error: "timeout"), now: t0 + 10, policy: policy, random: 0.5), .scheduleRetry(at: t0 + 70))
        _ = try machine.claim(now: t0 + 70, leaseUntil: t0 + 130)
        let last = try machine.finish(.retryable(status: 500, error: "500"), now: t0 + 70, policy: policy, random: 0.5)
        guard case .markDead(let reason) = last else { return XCTFail("expected dead, got \(last)") }
        XCTAssertTrue(reason.contains("3 attempts"))
        XCTAssertEqual(machine.state, .dead)
    }

    func testGoneDisablesAndPermanentFailureIsDeadAtOnce() throws {
        var gone = DeliveryMachine()
        _ = try gone.claim(now: t0, leaseUntil: t0 + 60)
        guard case .disableSubscription = try gone.finish(.http(status: 410), now: t0, policy: policy, random: 0.5) else {
            return XCTFail("410 must disable the subscription")
        }
        var bad = DeliveryMachine()
        _ = try bad.claim(now: t0, leaseUntil: t0 + 60)
        guard case .markDead = try bad.finish(.http(status: 400), now: t0, policy: policy, random: 0.5) else {
            return XCTFail("400 is permanent")
        }
    }

    func testExpiredLeaseMakesAnInFlightDeliveryClaimableAgain() throws {
        var machine = DeliveryMachine()
        _ = try machine.claim(now: t0, leaseUntil: t0 + 30)
        XCTAssertThrowsError(try machine.claim(now: t0 + 10, leaseUntil: t0 + 40))
        XCTAssertEqual(try machine.claim(now: t0 + 31, leaseUntil: t0 + 61), .send)
        XCTAssertEqual(machine.attempts, 2)
    }

    func testRedeliverOnlyFromDeadOrDelivered() throws {
        var machine = DeliveryMachine()
        XCTAssertThrowsError(try machine.redeliver(now: t0))
        _ = try machine.claim(now: t0, leaseUntil: t0 + 60)
        XCTAssertThrowsError(try machine.redeliver(now: t0))
        _ = try machine.finish(.http(status: 404), now: t0, policy: policy, random: 0.5)
        XCTAssertEqual(try machine.redeliver(now: t0 + 5), .requeue)
        XCTAssertEqual(machine.state, .pending)
        XCTAssertEqual(machine.attempts, 0)
        XCTAssertThrowsError(try machine.finish(.success(status: 200), now: t0, policy: policy, random: 0.5))
    }

    func testHTTPStatusClassification() {
        XCTAssertEqual(AttemptOutcome.http(status: 200).name, "success")
        XCTAssertEqual(AttemptOutcome.http(status: 299).name, "success")
        XCTAssertEqual(AttemptOutcome.http(status: 408).name, "retryable")
        XCTAssertEqual(AttemptOutcome.http(status: 429).name, "retryable")
        XCTAssertEqual(AttemptOutcome.http(status: 503).name, "retryable")
        XCTAssertEqual(AttemptOutcome.http(status: 410).name, "gone")
        XCTAssertEqual(AttemptOutcome.http(status: 401).name, "permanent")
        XCTAssertEqual(AttemptOutcome.http(status: 301).name, "permanent")
    }

    func testStandardScheduleSpansAboutThreeDaysWithBoundedJitter() throws {
        let policy = RetryPolicy()
        let total = policy.schedule.reduce(0, +)
        XCTAssertGreaterThan(total, 2.5 * 86_400)
        XCTAssertLessThan(total, 3.5 * 86_400)
        XCTAssertEqual(policy.maxAttempts, 11)
        XCTAssertEqual(policy.delay(afterAttempt: 1, random: 0), 8)
        XCTAssertEqual(policy.delay(afterAttempt: 1, random: 1), 12)
        XCTAssertNil(policy.delay(afterAttempt: 11, random: 0.5))
        XCTAssertEqual(try RetryPolicy.parseSchedule("250ms, 2s,1m,1h,1d"), [0.25, 2, 60, 3_600, 86_400])
        XCTAssertThrowsError(try RetryPolicy.parseSchedule("soon"))
    }
}
