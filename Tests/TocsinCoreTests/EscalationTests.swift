import Foundation
import TocsinCore
import XCTest

final class EscalationTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func alert(_ severity: Severity = .critical, tlp: TLP = .amber, categories: [String] = [], knownExploited: Bool = false,
               regions: [String] = ["28"], exercise: Bool = false) -> Alert {
        var draft = AlertDraft(title: "Rançongiciel", summary: "Résumé", severity: severity, tlp: tlp, categories: categories, regions: regions,
                               knownExploited: knownExploited)
        if exercise { draft.exerciseId = "drill-1" }
        return Alert.first(from: draft, id: "a1", now: t0)
    }

    // MARK: ISO 8601 durations

    func testDurationsParseAndPrintBack() throws {
        for (text, seconds) in [("PT30M", 1_800.0), ("PT1H", 3_600), ("P1D", 86_400), ("PT5S", 5), ("P1DT2H", 93_600), ("PT1H30M", 5_400)] {
            let duration = try ISO8601Duration(parsing: text)
            XCTAssertEqual(duration.timeInterval, seconds, text)
            XCTAssertEqual(duration.description, text)
        }
        XCTAssertEqual(try ISO8601Duration(parsing: "P30D").timeInterval, 30 * 86_400)
    }

    func testDurationsRefuseGarbageZeroNegativeAndTooLong() {
        for text in ["", "P", "PT", "30M", "PT-5M", "-PT5M", "PT0S", "P0D", "P31D", "PT721H", "P1M", "P1Y", "PT1.5H", "PT5M1H", "PT1H1H",
                     "P1DT", "pt5m", "PT5", "P1W", " PT5M", "PT99999999S"] {
            XCTAssertThrowsError(try ISO8601Duration(parsing: text), "'\(text)' was accepted")
        }
    }

    func testDurationsReadAsPeopleWriteThem() throws {
        let messages = try Messages(tables: Self.tables)
        XCTAssertEqual(try ISO8601Duration(parsing: "PT30M").text(locale: "fr", messages: messages), "30 min")
        XCTAssertEqual(try ISO8601Duration(parsing: "P1DT2H").text(locale: "en", messages: messages), "1 d 2 h")
    }

    static let tables: [String: [String: String]] = {
        let base = Dictionary(uniqueKeysWithValues: MessageKey.allCases.map { ($0.rawValue, $0.rawValue) })
        var fr = base, en = base
        for (key, value) in [("duration.days", "{n} j"), ("duration.hours", "{n} h"), ("duration.minutes", "{n} min"), ("duration.seconds", "{n} s")] {
            fr[key] = value
        }
        for (key, value) in [("duration.days", "{n} d"), ("duration.hours", "{n} h"), ("duration.minutes", "{n} min"), ("duration.seconds", "{n} s")] {
            en[key] = value
        }
        return ["fr": fr, "en": en]
    }()

    // MARK: Policies

    func testDecodingIsStrictAndValidationNamesTheField() throws {
        let good = #"{"name":"Nuit","match":{"minSeverity":"high","concernsInventory":true},"steps":[{"after":"PT30M","roles":["deputy"]},{"after":"PT1H","regionARS":true}],"repeat":1}"#
        let policy = try StrictJSONDecoder().decode(EscalationPolicyInput.self, from: Data(good.utf8)).makePolicy()
        XCTAssertEqual(policy.steps.count, 2)
        XCTAssertEqual(policy.repeats, 1)
        XCTAssertNil(policy.orgId)

        XCTAssertThrowsError(try StrictJSONDecoder().decode(EscalationPolicyInput.self, from: Data(#"{"name":"x","steps":[],"repeats":1}"#.utf8)))
        XCTAssertThrowsError(try StrictJSONDecoder().decode(EscalationPolicyInput.self, from: Data(#"{"name":"x","steps":[{"after":"30m","roles":["deputy"]}]}"#.utf8)))
        XCTAssertThrowsError(try StrictJSONDecoder().decode(EscalationPolicyInput.self, from: Data(#"{"name":"x","steps":[{"after":"PT5M","roles":["boss"]}]}"#.utf8)))

        func field(_ json: String) -> String? {
            do {
                _ = try StrictJSONDecoder().decode(EscalationPolicyInput.self, from: Data(json.utf8)).makePolicy()
                return nil
            } catch let error as ValidationError {
                return error.field
            } catch {
                return "decoding: \(error)"
            }
        }
        XCTAssertEqual(field(#"{"name":"x","steps":[{"after":"PT1H","roles":["deputy"]},{"after":"PT30M","roles":["oncall"]}]}"#), "steps[1].after")
        XCTAssertEqual(field(#"{"name":"x","steps":[{"after":"PT1H"}]}"#), "steps[0]")
        XCTAssertEqual(field(#"{"name":"x","steps":[{"after":"PT1H","roles":["deputy","deputy"]}]}"#), "steps[0].roles")
        XCTAssertEqual(field(#"{"name":"x","steps":[{"after":"PT1H","roles":["deputy"]}],"repeat":6}"#), "repeat")
        XCTAssertEqual(field(#"{"name":" ","steps":[]}"#), "name")
        XCTAssertEqual(field(#"{"steps":[]}"#), "name")
        XCTAssertEqual(field(#"{"name":"x"}"#), "steps")
        XCTAssertEqual(field(#"{"name":"x","match":{"categories":["a b"]},"steps":[]}"#), "match.categories[0]")
        XCTAssertNil(field(#"{"name":"opt out","steps":[]}"#), "a policy with no steps stops escalation")
    }

    func testAPolicyAppliesWhenEveryConditionHolds() {
        let policy = EscalationPolicy(name: "p", match: EscalationMatch(minSeverity: .high, categories: ["ransomware"], knownExploited: true,
                                                                       concernsInventory: true), steps: [])
        XCTAssertTrue(policy.applies(to: alert(.critical, categories: ["ransomware", "x"], knownExploited: true), inventory: true))
        XCTAssertFalse(policy.applies(to: alert(.medium, categories: ["ransomware"], knownExploited: true), inventory: true))
        XCTAssertFalse(policy.applies(to: alert(.critical, categories: ["phishing"], knownExploited: true), inventory: true))
        XCTAssertFalse(policy.applies(to: alert(.critical, categories: ["ransomware"], knownExploited: false), inventory: true))
        XCTAssertFalse(policy.applies(to: alert(.critical, categories: ["ransomware"], knownExploited: true), inventory: false))
        XCTAssertTrue(EscalationPolicy(name: "any", steps: []).applies(to: alert(.info), inventory: false))
    }

    func testAnOrganisationsOwnPoliciesComeBeforeTheDefaults() {
        let fallback = EscalationPolicy(id: "default", name: "d", match: EscalationMatch(minSeverity: .critical), steps: [])
        let own = EscalationPolicy(id: "own", orgId: "chu", name: "o", match: EscalationMatch(minSeverity: .high), steps: [])
        let other = EscalationPolicy(id: "other", orgId: "ch", name: "x", steps: [])
        let policies = [fallback, other, own]
        XCTAssertEqual(EscalationPolicy.choose(from: policies, orgId: "chu", alert: alert(.critical), inventory: false)?.id, "own")
        XCTAssertEqual(EscalationPolicy.choose(from: policies, orgId: "ch", alert: alert(.low), inventory: false)?.id, "other")
        XCTAssertEqual(EscalationPolicy.choose(from: policies, orgId: "ehpad", alert: alert(.critical), inventory: false)?.id, "default")
        XCTAssertNil(EscalationPolicy.choose(from: policies, orgId: "ehpad", alert: alert(.high), inventory: false))
        // Its own policy does not apply: the defaults do.
        XCTAssertEqual(EscalationPolicy.choose(from: [own, fallback], orgId: "chu", alert: alert(.critical), inventory: false)?.id, "own")
        XCTAssertNil(EscalationPolicy.choose(from: [own, fallback], orgId: "chu", alert: alert(.medium), inventory: false))
        var cancelled = alert(.critical)
        cancelled.status = .cancelled
        XCTAssertNil(EscalationPolicy.choose(from: policies, orgId: "ehpad", alert: cancelled, inventory: false))
    }

    // MARK: Planning

    func testTheStandardDefaultEscalatesCriticalAlertsConcerningTheInventory() throws {
        let policy = EscalationDefaults.standardPolicy
        XCTAssertEqual(try policy.validated(), policy)
        let steps = EscalationPlanner.steps(policy, alert: alert(), orgId: "chu", concernedAt: t0, inventory: true)
        XCTAssertEqual(steps.map(\.dueAt), [t0 + 1_800, t0 + 3_600, t0 + 7_200])
        XCTAssertEqual(steps.map(\.targets), [EscalationTargets(roles: [.deputy]), EscalationTargets(roles: [.oncall]), EscalationTargets(regionARS: true)])
        XCTAssertEqual(steps.map(\.after.description), ["PT30M", "PT1H", "PT2H"])
        XCTAssertTrue(EscalationPlanner.steps(policy, alert: alert(), orgId: "chu", concernedAt: t0, inventory: false).isEmpty)
        XCTAssertTrue(EscalationPlanner.steps(policy, alert: alert(.high), orgId: "chu", concernedAt: t0, inventory: true).isEmpty)
        XCTAssertTrue(EscalationDefaults(enabled: false).policies(stored: [policy]).isEmpty)
    }

    func testRoundsRepeatTheStepsShiftedByTheLastDelay() throws {
        let policy = EscalationPolicy(name: "r", steps: [EscalationStep(after: ISO8601Duration(minutes: 10), roles: [.deputy]),
                                                         EscalationStep(after: ISO8601Duration(minutes: 30), roles: [.oncall])], repeats: 2)
        let steps = EscalationPlanner.steps(policy, alert: alert(), orgId: "chu", concernedAt: t0, inventory: false)
        XCTAssertEqual(steps.map { "\($0.round).\($0.step)" }, ["0.0", "0.1", "1.0", "1.1", "2.0", "2.1"])
        XCTAssertEqual(steps.map { $0.dueAt.timeIntervalSince(t0) / 60 }, [10, 30, 40, 60, 70, 90])
        XCTAssertEqual(steps.map(\.after.description), ["PT10M", "PT30M", "PT40M", "PT1H", "PT1H10M", "PT1H30M"])
        XCTAssertEqual(Set(steps.map(\.policyId)), [policy.id])
    }

    func testCancellationsAndBackfilledRevisionsEscalateNothing() {
        let policy = EscalationPolicy(name: "any", steps: [EscalationStep(after: ISO8601Duration(minutes: 1), roles: [.deputy])])
        var cancelled = alert()
        cancelled.status = .cancelled
        var backfilled = alert()
        backfilled.content.attributes[Alert.backfilledAttribute] = "true"
        for alert in [cancelled, backfilled] {
            XCTAssertTrue(EscalationPlanner.steps(for: alert, concerned: [("chu", true)], policies: [policy], concernedAt: t0).isEmpty)
        }
        XCTAssertEqual(EscalationPlanner.steps(for: alert(), concerned: [("chu", true), ("ch", false)], policies: [policy], concernedAt: t0).count, 2)
    }

    // MARK: Recipients

    func testRecipientsAreFoundByRoleAndTheRegionsARSIsToldWithoutContentWhenNotCleared() {
        let chu = Organisation(id: "chu", name: "CHU de Rouen", kind: .chu, region: "28", tlpClearance: .amber, contacts: [
            Contact(id: "c1", role: .rssi, email: "rssi@chu.example"), Contact(id: "c2", role: .deputy, email: "deputy@chu.example"),
            Contact(id: "c3", role: .oncall, email: "astreinte@chu.example"),
        ])
        let ars = Organisation(id: "ars", name: "ARS Normandie", kind: .ars, region: "28", tlpClearance: .green, contacts: [
            Contact(id: "a1", role: .rssi, email: "rssi@ars.example"), Contact(id: "a2", role: .director, email: "dg@ars.example"),
            Contact(id: "a3", role: .oncall, email: "astreinte@ars.example", locale: "en"),
        ])
        let otherARS = Organisation(id: "ars-idf", name: "ARS IDF", kind: .ars, region: "11", tlpClearance: .red,
                                    contacts: [Contact(id: "b1", role: .rssi, email: "rssi@ars-idf.example")])
        let directory = [chu, ars, otherARS]

        let deputy = EscalationTargets(roles: [.deputy]).recipients(for: alert(), organisation: chu, directory: directory)
        XCTAssertEqual(deputy.map(\.contact.id), ["c2"])
        XCTAssertEqual(deputy.first?.ownOrganisation, true)
        XCTAssertEqual(deputy.first?.mayRead, true)

        let regional = EscalationTargets(regionARS: true).recipients(for: alert(tlp: .amber), organisation: chu, directory: directory)
        XCTAssertEqual(regional.map(\.contact.id), ["a1", "a3"])
        XCTAssertEqual(regional.map(\.mayRead), [false, false], "an ARS cleared GREEN reads nothing of an AMBER alert")
        XCTAssertEqual(regional.map(\.ownOrganisation), [false, false])
        XCTAssertEqual(regional.map(\.locale), ["fr", "en"])
        XCTAssertEqual(EscalationTargets(regionARS: true).recipients(for: alert(tlp: .green), organisation: chu, directory: directory).map(\.mayRead),
                       [true, true])

        let named = EscalationTargets(roles: [.rssi], orgs: ["ars-idf"]).recipients(for: alert(tlp: .amber), organisation: chu, directory: directory)
        XCTAssertEqual(named.map(\.contact.id), ["c1", "b1"])
        XCTAssertEqual(named.map(\.mayRead), [true, false], "an organisation outside the alert's regions reads nothing of it")

        XCTAssertTrue(EscalationTargets(roles: [.director]).recipients(for: alert(), organisation: chu, directory: directory).isEmpty)
    }
}
