import Foundation

/// Who is told next when an alert stays unacknowledged by an organisation it concerns, and when: the alerts the
/// policy applies to, ordered steps each with a delay after publication and its targets, and how many times the
/// steps run again.
///
/// A policy with an `orgId` is that organisation's own; one without is a broker-wide default. An organisation's own
/// policies come first (`EscalationPolicy.choose`). A policy with no steps stops escalation for what it matches.
public struct EscalationPolicy: Codable, Sendable, Hashable, Identifiable {
    public var id: String
    /// The organisation the policy belongs to; nil for a broker-wide default.
    public var orgId: String?
    public var name: String
    public var match: EscalationMatch
    public var steps: [EscalationStep]
    /// How many more times the steps run, each round shifted by the last step's delay; 0 to 5.
    public var repeats: Int
    public var createdAt: Date?
    public var updatedAt: Date?

    public static let maximumSteps = 10
    public static let maximumRepeats = 5

    public init(id: String = TocsinID.make(), orgId: String? = nil, name: String, match: EscalationMatch = EscalationMatch(),
                steps: [EscalationStep], repeats: Int = 0, createdAt: Date? = nil, updatedAt: Date? = nil) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.match = match
        self.steps = steps
        self.repeats = repeats
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, orgId, name, match, steps, repeats = "repeat", createdAt, updatedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(orgId, forKey: .orgId)
        try c.encode(name, forKey: .name)
        try c.encode(match, forKey: .match)
        try c.encode(steps, forKey: .steps)
        try c.encode(repeats, forKey: .repeats)
        try c.encodeIfPresent(createdAt, forKey: .createdAt)
        try c.encodeIfPresent(updatedAt, forKey: .updatedAt)
    }

    /// Whether the policy applies to `alert` for an organisation whose inventory it concerns (`inventory`) or not.
    public func applies(to alert: Alert, inventory: Bool) -> Bool {
        match.matches(alert, inventory: inventory)
    }

    /// The policy in force for an organisation: the first of its own that applies, else the first default that
    /// applies (in the order given), else none. A cancellation and a backfilled revision escalate nothing.
    public static func choose(from policies: [EscalationPolicy], orgId: String, alert: Alert, inventory: Bool) -> EscalationPolicy? {
        guard alert.status != .cancelled, !alert.isBackfilled else { return nil }
        if let own = policies.first(where: { $0.orgId == orgId && $0.applies(to: alert, inventory: inventory) }) { return own }
        return policies.first { $0.orgId == nil && $0.applies(to: alert, inventory: inventory) }
    }

    /// The policy checked: a name, at most ten steps whose delays grow, each with a target, and a repeat count of 0
    /// to 5. Errors name the field (`steps[1].after`).
    public func validated() throws(ValidationError) -> EscalationPolicy {
        var policy = self
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count) else { throw ValidationError(field: "name", message: "must be 1 to 200 characters") }
        try TextRules.check(trimmed, field: "name")
        policy.name = trimmed
        if let orgId { try Self.checkId(orgId, field: "orgId") }
        policy.match = try match.validated()
        guard steps.count <= Self.maximumSteps else { throw ValidationError(field: "steps", message: "has more than \(Self.maximumSteps) steps") }
        for (index, step) in steps.enumerated() {
            let field = "steps[\(index)]"
            if index > 0, step.after <= steps[index - 1].after {
                throw ValidationError(field: "\(field).after", message: "must be later than steps[\(index - 1)].after (\(steps[index - 1].after))")
            }
            guard !step.roles.isEmpty || !step.orgs.isEmpty || step.regionARS else {
                throw ValidationError(field: field, message: "names no target: give roles, orgs or regionARS")
            }
            guard Set(step.roles).count == step.roles.count else { throw ValidationError(field: "\(field).roles", message: "names a role twice") }
            guard step.orgs.count <= 20, Set(step.orgs).count == step.orgs.count else {
                throw ValidationError(field: "\(field).orgs", message: "must name at most 20 organisations, each once")
            }
            for (i, org) in step.orgs.enumerated() { try Self.checkId(org, field: "\(field).orgs[\(i)]") }
        }
        guard (0...Self.maximumRepeats).contains(repeats) else {
            throw ValidationError(field: "repeat", message: "must be from 0 to \(Self.maximumRepeats)")
        }
        return policy
    }

    static func checkId(_ id: String, field: String) throws(ValidationError) {
        guard (1...64).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw ValidationError(field: field, message: "is not an organisation id")
        }
    }
}

/// Which alerts a policy applies to; every condition given must hold, and an empty match takes every alert.
public struct EscalationMatch: Codable, Sendable, Hashable {
    public var minSeverity: Severity?
    /// The alert has at least one of these categories (none: any).
    public var categories: [String]
    public var knownExploited: Bool?
    /// The alert concerns (true) or does not concern (false) the organisation's declared inventory.
    public var concernsInventory: Bool?

    public init(minSeverity: Severity? = nil, categories: [String] = [], knownExploited: Bool? = nil, concernsInventory: Bool? = nil) {
        self.minSeverity = minSeverity
        self.categories = categories
        self.knownExploited = knownExploited
        self.concernsInventory = concernsInventory
    }

    enum CodingKeys: String, CodingKey { case minSeverity, categories, knownExploited, concernsInventory }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minSeverity = try c.decodeIfPresent(Severity.self, forKey: .minSeverity)
        categories = try c.decodeIfPresent([String].self, forKey: .categories) ?? []
        knownExploited = try c.decodeIfPresent(Bool.self, forKey: .knownExploited)
        concernsInventory = try c.decodeIfPresent(Bool.self, forKey: .concernsInventory)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(minSeverity, forKey: .minSeverity)
        try c.encode(categories, forKey: .categories)
        try c.encodeIfPresent(knownExploited, forKey: .knownExploited)
        try c.encodeIfPresent(concernsInventory, forKey: .concernsInventory)
    }

    public func matches(_ alert: Alert, inventory: Bool) -> Bool {
        if let minSeverity, alert.severity < minSeverity { return false }
        if !categories.isEmpty, Set(categories).isDisjoint(with: alert.categories) { return false }
        if let knownExploited, alert.knownExploited != knownExploited { return false }
        if let concernsInventory, inventory != concernsInventory { return false }
        return true
    }

    func validated() throws(ValidationError) -> EscalationMatch {
        var match = self
        guard categories.count <= 20 else { throw ValidationError(field: "match.categories", message: "has more than 20 categories") }
        match.categories = try categories.enumerated().map { index, raw throws(ValidationError) in
            let category = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard (1...64).contains(category.count), category.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw ValidationError(field: "match.categories[\(index)]", message: "must be 1 to 64 letters, digits, '-' or '_'")
            }
            return category
        }
        return match
    }
}

/// One step of a policy: how long after publication it fires, and whom it tells.
public struct EscalationStep: Codable, Sendable, Hashable {
    public var after: ISO8601Duration
    /// Contacts of the concerned organisation holding these roles.
    public var roles: [ContactRole]
    /// Other organisations told (their `rssi` and `oncall` contacts).
    public var orgs: [String]
    /// The regional health agency of the organisation's region (an organisation of kind ARS in the same region).
    public var regionARS: Bool

    public init(after: ISO8601Duration, roles: [ContactRole] = [], orgs: [String] = [], regionARS: Bool = false) {
        self.after = after
        self.roles = roles
        self.orgs = orgs
        self.regionARS = regionARS
    }

    enum CodingKeys: String, CodingKey { case after, roles, orgs, regionARS }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        after = try c.decode(ISO8601Duration.self, forKey: .after)
        roles = try c.decodeIfPresent([ContactRole].self, forKey: .roles) ?? []
        orgs = try c.decodeIfPresent([String].self, forKey: .orgs) ?? []
        regionARS = try c.decodeIfPresent(Bool.self, forKey: .regionARS) ?? false
    }
}

/// A policy as a client sends it (`POST`, the CLI's file, the configured default): every field but the id. For a
/// `PATCH`, the fields given replace the policy's.
public struct EscalationPolicyInput: Codable, Sendable {
    public var orgId: String??
    public var name: String?
    public var match: EscalationMatch?
    public var steps: [EscalationStep]?
    public var repeats: Int?

    public init(orgId: String?? = nil, name: String? = nil, match: EscalationMatch? = nil, steps: [EscalationStep]? = nil, repeats: Int? = nil) {
        self.orgId = orgId
        self.name = name
        self.match = match
        self.steps = steps
        self.repeats = repeats
    }

    enum CodingKeys: String, CodingKey { case orgId, name, match, steps, repeats = "repeat" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if c.contains(.orgId) { orgId = .some(try c.decodeNil(forKey: .orgId) ? nil : try c.decode(String.self, forKey: .orgId)) }
        name = try c.decodeIfPresent(String.self, forKey: .name)
        match = try c.decodeIfPresent(EscalationMatch.self, forKey: .match)
        steps = try c.decodeIfPresent([EscalationStep].self, forKey: .steps)
        repeats = try c.decodeIfPresent(Int.self, forKey: .repeats)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let orgId { try c.encode(orgId, forKey: .orgId) }
        try c.encodeIfPresent(name, forKey: .name)
        try c.encodeIfPresent(match, forKey: .match)
        try c.encodeIfPresent(steps, forKey: .steps)
        try c.encodeIfPresent(repeats, forKey: .repeats)
    }

    /// A new policy; `name` and `steps` are required.
    public func makePolicy(id: String = TocsinID.make(), now: Date = Date()) throws(ValidationError) -> EscalationPolicy {
        guard let name else { throw ValidationError(field: "name", message: "is required") }
        guard let steps else { throw ValidationError(field: "steps", message: "is required") }
        return try EscalationPolicy(id: id, orgId: orgId ?? nil, name: name, match: match ?? EscalationMatch(), steps: steps,
                                    repeats: repeats ?? 0, createdAt: now, updatedAt: now).validated()
    }

    /// `policy` with the fields given replaced, checked again.
    public func apply(to policy: EscalationPolicy, now: Date = Date()) throws(ValidationError) -> EscalationPolicy {
        var next = policy
        if let orgId { next.orgId = orgId }
        if let name { next.name = name }
        if let match { next.match = match }
        if let steps { next.steps = steps }
        if let repeats { next.repeats = repeats }
        next.updatedAt = now
        return try next.validated()
    }
}
