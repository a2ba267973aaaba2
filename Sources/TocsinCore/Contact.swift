import Foundation

/// The part a contact plays at their organisation: who escalation reaches, and who a role-addressed email
/// subscription writes to.
public enum ContactRole: String, Codable, Sendable, CaseIterable, Comparable {
    /// The security officer (RSSI): the first person told.
    case rssi
    /// The RSSI's deputy.
    case deputy
    /// Whoever is on call now.
    case oncall
    /// The director, for what reaches the top.
    case director
    /// The IT department.
    case it

    public static func < (lhs: ContactRole, rhs: ContactRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Someone to reach at an organisation.
///
/// Personal data: the API shows contacts only to their organisation and to admins, and no log line names them.
public struct Contact: Codable, Sendable, Hashable, Identifiable {
    /// Stable across edits when the client sends it back; minted when it does not.
    public var id: String
    public var role: ContactRole
    public var name: String?
    public var email: String
    /// E.164 or national form, as the organisation wrote it; shown to people, never dialled by Tocsin.
    public var phone: String?
    /// `fr` or `en`; nil means the organisation's.
    public var locale: String?
    /// Reached outside the organisation's own systems (a personal address, the ARS on call): where its deliveries
    /// go while it is flagged compromised.
    public var outOfBand: Bool

    public init(id: String = TocsinID.make(), role: ContactRole, name: String? = nil, email: String, phone: String? = nil,
                locale: String? = nil, outOfBand: Bool = false) {
        self.outOfBand = outOfBand
        self.id = id
        self.role = role
        self.name = name
        self.email = email
        self.phone = phone
        self.locale = locale
    }

    enum CodingKeys: String, CodingKey {
        case id, role, name, email, phone, locale, outOfBand
    }

    /// `role` is required on the wire; an `id` the client leaves out is minted.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id) ?? TocsinID.make()
        role = try c.decode(ContactRole.self, forKey: .role)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        email = try c.decode(String.self, forKey: .email)
        phone = try c.decodeIfPresent(String.self, forKey: .phone)
        locale = try c.decodeIfPresent(String.self, forKey: .locale)
        outOfBand = try c.decodeIfPresent(Bool.self, forKey: .outOfBand) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(role, forKey: .role)
        try c.encodeIfPresent(name, forKey: .name)
        try c.encode(email, forKey: .email)
        try c.encodeIfPresent(phone, forKey: .phone)
        try c.encodeIfPresent(locale, forKey: .locale)
        if outOfBand { try c.encode(outOfBand, forKey: .outOfBand) }
    }

    /// An organisation keeps at most this many contacts.
    public static let maximumPerOrganisation = 100

    /// The contact checked and trimmed; errors name `field`'s sub-field.
    public func validated(field: String) throws(ValidationError) -> Contact {
        var contact = self
        guard !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), id.allSatisfy(\.isASCII) else {
            throw ValidationError(field: "\(field).id", message: "must be 1 to 64 letters, digits, '-' or '_'")
        }
        contact.email = email.trimmingCharacters(in: .whitespaces)
        guard EmailAddress.isPlausible(contact.email) else { throw ValidationError(field: "\(field).email", message: "is not an email address") }
        if let name {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= 200 else { throw ValidationError(field: "\(field).name", message: "is longer than 200 characters") }
            try TextRules.check(trimmed, field: "\(field).name")
            contact.name = trimmed.isEmpty ? nil : trimmed
        }
        if let phone {
            let trimmed = phone.trimmingCharacters(in: .whitespaces)
            let allowed = Set("+0123456789 .-()")
            guard (3...32).contains(trimmed.count), trimmed.allSatisfy(allowed.contains) else {
                throw ValidationError(field: "\(field).phone", message: "must be a phone number such as +33 2 32 88 89 90")
            }
            contact.phone = trimmed
        }
        if let locale, !["fr", "en"].contains(locale) {
            throw ValidationError(field: "\(field).locale", message: "must be fr or en")
        }
        return contact
    }

    /// How an acknowledgement or a page names this contact: their name, else their address.
    public var displayName: String { name ?? email }
}

extension Organisation {
    /// The contacts holding `role`, in the order the organisation listed them.
    public func contacts(_ role: ContactRole) -> [Contact] { contacts.filter { $0.role == role } }

    /// The contact with this id, if the organisation has one.
    public func contact(id: String) -> Contact? { contacts.first { $0.id == id } }
}

/// An email subscription may write to whoever holds a role at its organisation (`role:deputy`) rather than to a
/// fixed address: the addresses are those of the organisation's contacts with that role when each message leaves.
public enum RoleAddress {
    static let prefix = "role:"

    /// The role a subscription target names (`role:oncall`), or nil for a plain address.
    public static func role(in target: String) -> ContactRole? {
        guard target.hasPrefix(prefix) else { return nil }
        return ContactRole(rawValue: String(target.dropFirst(prefix.count)))
    }

    /// The target that names `role`.
    public static func target(_ role: ContactRole) -> String { prefix + role.rawValue }

    /// Whether the target is written as a role, known or not (so a misspelt role is refused, not taken for an address).
    public static func isRoleTarget(_ target: String) -> Bool { target.hasPrefix(prefix) }

    /// The target of the email subscription that writes to the organisation's out-of-band contacts: it takes
    /// alerts only while the organisation is flagged compromised.
    public static let outOfBandTarget = "role:out-of-band"

    /// The addresses a target stands for at an organisation with these contacts: the target itself for an address,
    /// the role's contacts' addresses (each once) for a role, the out-of-band contacts' for `outOfBandTarget`.
    public static func addresses(for target: String, contacts: [Contact]) -> [String] {
        var seen = Set<String>()
        if target == outOfBandTarget {
            return contacts.filter(\.outOfBand).map(\.email).filter { seen.insert($0.lowercased()).inserted }
        }
        guard let role = role(in: target) else { return [target] }
        return contacts.filter { $0.role == role }.map(\.email).filter { seen.insert($0.lowercased()).inserted }
    }
}
