import ArgumentParser
import Foundation
import TocsinCore
import TocsinStore

/// `tocsin escalation`: the escalation policies, as the API manages them.
struct EscalationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "escalation", abstract: "Manage escalation policies (see docs/escalation.md).",
                                                    subcommands: [List.self, Add.self, Remove.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the escalation policies: the stored ones, then the configured default.")

        @OptionGroup var options: StoreOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            let (configuration, store) = try options.openStore()
            let stored = try await store.escalationPolicies()
            let policies = configuration.escalation.policies(stored: stored)
            if json { return try printJSON(policies) }
            if !configuration.escalation.enabled { print("escalation is off (escalation.enabled: false)") }
            print(["ID", "ORG", "NAME", "MATCH", "STEPS", "REPEAT"].joined(separator: "\t"))
            for policy in policies {
                print([policy.id, policy.orgId ?? "(default)", policy.name, Self.describe(policy.match),
                       policy.steps.map(Self.describe).joined(separator: "; "), "\(policy.repeats)"].joined(separator: "\t"))
            }
        }

        static func describe(_ match: EscalationMatch) -> String {
            var parts: [String] = []
            if let minSeverity = match.minSeverity { parts.append(">=\(minSeverity.rawValue)") }
            if !match.categories.isEmpty { parts.append(match.categories.joined(separator: ",")) }
            if let known = match.knownExploited { parts.append(known ? "known-exploited" : "not known-exploited") }
            if let inventory = match.concernsInventory { parts.append(inventory ? "inventory" : "not inventory") }
            return parts.isEmpty ? "any" : parts.joined(separator: " ")
        }

        static func describe(_ step: EscalationStep) -> String {
            var targets = step.roles.map(\.rawValue)
            if step.regionARS { targets.append("regionARS") }
            targets += step.orgs.map { "org:\($0)" }
            return "\(step.after) \(targets.joined(separator: "+"))"
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a policy from a JSON file; prints its id.")

        @OptionGroup var options: StoreOptions
        @Option(help: "The policy document (JSON), as POST /api/v1/escalation-policies takes it; - reads standard input.") var file: String
        @Option(name: .customLong("org"), help: "The organisation the policy belongs to; without, a broker-wide default.") var orgId: String?

        func run() async throws {
            let (_, store) = try options.openStore()
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let read = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
                data = read
            }
            var input: EscalationPolicyInput
            do {
                input = try StrictJSONDecoder().decode(EscalationPolicyInput.self, from: data)
            } catch {
                throw CLIError("\(file) is not an escalation policy: \(error)")
            }
            if let orgId { input.orgId = .some(orgId) }
            let policy: EscalationPolicy
            do { policy = try input.makePolicy() } catch { throw CLIError("\(file): \(error.field) \(error.message)") }
            if let org = policy.orgId, try await store.organisation(id: org) == nil { throw CLIError("no organisation with id \(org)") }
            for step in policy.steps {
                for org in step.orgs where try await store.organisation(id: org) == nil { throw CLIError("no organisation with id \(org)") }
            }
            try await store.saveEscalationPolicy(policy)
            await store.auditCLI("escalation-policy.create", target: policy.id)
            print(policy.id)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a policy; running alerts keep the steps they were given.")

        @OptionGroup var options: StoreOptions
        @Argument(help: "The policy's id, as `tocsin escalation list` shows it.") var id: String

        func run() async throws {
            let (_, store) = try options.openStore()
            guard try await store.deleteEscalationPolicy(id: id) else { throw CLIError("no escalation policy with id \(id)") }
            await store.auditCLI("escalation-policy.delete", target: id)
            FileHandle.standardError.write(Data("escalation policy \(id) removed\n".utf8))
        }
    }
}
