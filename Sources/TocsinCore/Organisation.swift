import Foundation

/// A recipient of alerts: a hospital, a care home, a regional agency, a CERT.
public struct Organisation: Codable, Sendable, Hashable, Identifiable {
    /// The kinds of establishment Tocsin serves; raw values are the wire names.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case chu = "CHU"
        case ch = "CH"
        case clinic
        case ehpad = "EHPAD"
        case esms = "ESMS"
        case ars = "ARS"
        case cert = "CERT"
        case other
    }

    /// Someone to reach at the organisation, by the role they hold there: escalation and role-addressed email
    /// subscriptions find people by role, and an acknowledgement names who made it. Personal data: shown only to
    /// the organisation itself and to admins, never logged.
    public typealias Contact = TocsinCore.Contact

    public var id: String
    public var name: String
    public var kind: Kind
    /// INSEE region code; nil for a body that is in no region.
    public var region: String?
    /// A national body (the national CERT, the ministry, ANS): receives the alerts of every region that its filters
    /// match, as well as national ones. Without it, an organisation with no region receives national alerts only.
    public var national: Bool
    /// The most restricted TLP marking the organisation may receive.
    public var tlpClearance: TLP
    /// `fr` or `en`: the language of what its people read.
    public var locale: String
    public var contacts: [Contact]
    /// Flagged by itself or by the CERT when its own systems may be in the attacker's hands: its deliveries then go
    /// to its out-of-band contacts only, by email, never to its webhooks or its own mail server.
    public var compromised: Bool = false
    /// The establishment's FINESS number (nine characters, see `FINESS`), unique among organisations; nil for a
    /// body that has none (a CERT, a ministry) or one created before it was recorded.
    public var finess: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String = TocsinID.make(), name: String, kind: Kind, region: String?, tlpClearance: TLP,
        locale: String = "fr", contacts: [Contact] = [], createdAt: Date = Date(), updatedAt: Date = Date(), national: Bool = false,
        compromised: Bool = false, finess: String? = nil
    ) {
        self.finess = finess
        self.compromised = compromised
        self.national = national
        self.id = id
        self.name = name
        self.kind = kind
        self.region = region
        self.tlpClearance = tlpClearance
        self.locale = locale
        self.contacts = contacts
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Organisation {
    /// The region the TLP and region rules see: `Region.all` for a national body, else its region.
    public var regionScope: String? { national ? Region.all : region }
}

/// The fields a client sends to create or change an organisation; every field optional for a PATCH.
public struct OrganisationInput: Codable, Sendable {
    public var name: String?
    public var kind: Organisation.Kind?
    public var region: String?
    public var tlpClearance: TLP?
    public var locale: String?
    public var contacts: [Organisation.Contact]?
    public var national: Bool?
    /// A FINESS number, checked and stored in its nine-character form (`FINESS.normalise`).
    public var finess: String?

    public init(name: String? = nil, kind: Organisation.Kind? = nil, region: String? = nil, tlpClearance: TLP? = nil,
                locale: String? = nil, contacts: [Organisation.Contact]? = nil, national: Bool? = nil, finess: String? = nil) {
        self.finess = finess
        self.national = national
        self.name = name
        self.kind = kind
        self.region = region
        self.tlpClearance = tlpClearance
        self.locale = locale
        self.contacts = contacts
    }

    /// A new organisation from this input; name is required, clearance defaults to GREEN, locale to French.
    public func makeOrganisation(now: Date = Date()) throws(ValidationError) -> Organisation {
        guard let name else { throw ValidationError(field: "name", message: "is required") }
        var org = Organisation(name: name, kind: kind ?? .other, region: region, tlpClearance: tlpClearance ?? .green,
                               locale: locale ?? "fr", contacts: contacts ?? [], createdAt: now, updatedAt: now)
        try apply(to: &org, now: now)
        return org
    }

    /// Applies the fields present to `org`, validating each.
    public func apply(to org: inout Organisation, now: Date = Date()) throws(ValidationError) {
        if let name {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed.count <= 300 else {
                throw ValidationError(field: "name", message: "must be 1 to 300 characters")
            }
            try TextRules.check(trimmed, field: "name")
            org.name = trimmed
        }
        if let kind { org.kind = kind }
        if let region {
            guard Region.isKnown(region) else {
                throw ValidationError(field: "region", message: "'\(region.prefix(16))' is not an INSEE region code such as 28 or 11")
            }
            org.region = region
        }
        if let national { org.national = national }
        // A national body covers every region; one region besides would say two things at once.
        if org.national, org.region != nil {
            throw ValidationError(field: region != nil ? "region" : "national", message: "a national organisation covers every region and names none")
        }
        if let tlpClearance { org.tlpClearance = tlpClearance }
        if let finess { org.finess = try FINESS.normalise(finess).get() }
        if let locale {
            guard ["fr", "en"].contains(locale) else { throw ValidationError(field: "locale", message: "must be fr or en") }
            org.locale = locale
        }
        if let contacts {
            guard contacts.count <= Contact.maximumPerOrganisation else {
                throw ValidationError(field: "contacts", message: "has more than \(Contact.maximumPerOrganisation) contacts")
            }
            var ids = Set<String>()
            org.contacts = try contacts.enumerated().map { index, contact throws(ValidationError) in
                let checked = try contact.validated(field: "contacts[\(index)]")
                guard ids.insert(checked.id).inserted else {
                    throw ValidationError(field: "contacts[\(index)].id", message: "names the same contact as another entry")
                }
                return checked
            }
        }
        org.updatedAt = now
    }
}

/// A light check of email addresses: one `@`, a dotted domain, no spaces or control characters.
public enum EmailAddress {
    public static func isPlausible(_ text: String) -> Bool {
        guard text.count <= 254, !text.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 32 } == true }) else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return !text.contains("<") && !text.contains(">") && !text.contains(",")
    }
}
