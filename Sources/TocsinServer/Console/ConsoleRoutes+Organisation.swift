import Foundation
import Hummingbird
import TocsinCore
import TocsinStore

extension ConsoleRoutes {
    /// `GET /console/organisation`: the user's organisation as the API shows it to its own tokens: its settings, its
    /// contacts and their roles, its subscriptions (channel, target, filter, digest) and the escalation policies in
    /// force for it (its own, then the broker's defaults). For an organisation's users (subscriber, relay).
    struct OrganisationPage: ConsoleViewGroup {
        let env: ConsoleEnvironment

        static let menu = [ConsoleMenuItem(path: "/console/organisation", word: "organisation.menu", roles: [.subscriber, .relay])]

        func register(on group: RouterGroup<TocsinRequestContext>) {
            group.get("organisation") { _, context in try await show(context: context) }
        }

        func show(context: TocsinRequestContext) async throws -> Response {
            let principal = try context.requirePrincipal()
            guard let orgId = try env.api.scopedOrgId(principal, requested: nil), let org = try await env.store.organisation(id: orgId) else {
                throw Problem.notFound("the session is bound to no organisation")
            }
            let locale = env.locale(context)
            let messages = env.api.messages
            func role(_ role: ContactRole) -> String { env.text("organisation.role\(role.rawValue.capitalized)", context) }
            let subscriptions = try await env.store.subscriptions(orgId: orgId, page: PageRequest(limit: 500)).items
            let policies = env.api.configuration.escalation.policies(stored: try await env.store.escalationPolicies())
                .filter { $0.orgId == nil || $0.orgId == orgId }
            let values: [String: Any] = [
                "name": org.name, "kind": org.kind.rawValue, "region": org.regionScope ?? env.text("organisation.national", context),
                "clearance": org.tlpClearance.label, "locale": org.locale,
                "contacts": org.contacts.sorted { $0.role < $1.role }.map {
                    ["role": role($0.role), "name": $0.name ?? "", "email": $0.email, "phone": $0.phone ?? "", "outOfBand": $0.outOfBand]
                },
                "hasContacts": !org.contacts.isEmpty,
                "subscriptions": subscriptions.map { subscription -> [String: Any] in
                    var filter: [String] = []
                    if let minimum = subscription.filter.minSeverity {
                        filter.append(env.text("organisation.minSeverity", context, ["severity": messages.severity(minimum, locale: locale)]))
                    }
                    if !subscription.filter.categories.isEmpty { filter.append(subscription.filter.categories.joined(separator: ", ")) }
                    if !subscription.filter.regions.isEmpty { filter.append(subscription.filter.regions.joined(separator: ", ")) }
                    if subscription.filter.onlyInventoryMatches { filter.append(env.text("organisation.onlyInventory", context)) }
                    return ["channel": subscription.channel.rawValue, "target": subscription.target, "active": subscription.active,
                            "digest": env.text("organisation.digest\(subscription.digest.rawValue.capitalized)", context),
                            "filter": filter.isEmpty ? env.text("organisation.everything", context) : filter.joined(separator: " · ")]
                },
                "hasSubscriptions": !subscriptions.isEmpty,
                "escalationOn": env.api.configuration.escalation.enabled,
                "policies": policies.map { policy -> [String: Any] in
                    var match: [String] = []
                    if let minimum = policy.match.minSeverity {
                        match.append(env.text("organisation.minSeverity", context, ["severity": messages.severity(minimum, locale: locale)]))
                    }
                    if policy.match.concernsInventory == true { match.append(env.text("organisation.onlyInventory", context)) }
                    if policy.match.knownExploited == true { match.append(env.text("organisation.knownExploited", context)) }
                    if !policy.match.categories.isEmpty { match.append(policy.match.categories.joined(separator: ", ")) }
                    return [
                        "name": policy.name, "own": policy.orgId != nil,
                        "match": match.isEmpty ? env.text("organisation.everything", context) : match.joined(separator: " · "),
                        "steps": policy.steps.map { step -> [String: String] in
                            var who = step.roles.map(role)
                            if step.regionARS { who.append(env.text("organisation.regionARS", context)) }
                            if !step.orgs.isEmpty { who.append(env.text("organisation.otherOrgs", context, ["count": String(step.orgs.count)])) }
                            return ["after": step.after.text(locale: locale, messages: messages), "who": who.joined(separator: ", ")]
                        },
                    ]
                },
                "hasPolicies": !policies.isEmpty,
            ]
            return try env.page(ConsoleView(template: "organisation", title: org.name, context: values, section: "/console/organisation"),
                                context: context)
        }
    }
}
