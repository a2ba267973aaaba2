import Foundation

extension OrganisationImport {
    /// The contacts of a `contacts` cell: entries separated by `|` or line breaks, each `role: Name <email> phone`
    /// where the name and the phone may be left out (`role: email` and `role: email phone` too).
    ///
    /// Roles are written in English or French: `rssi`, `deputy`/`suppleant`, `oncall`/`astreinte`,
    /// `director`/`directeur`/`direction`, `it`/`dsi`. Each contact is checked by `Contact.validated`.
    static func contacts(_ cell: String) throws(ValidationError) -> [Contact] {
        let entries = cell.split(whereSeparator: { $0 == "|" || $0.isNewline })
            .map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard entries.count <= Contact.maximumPerOrganisation else {
            throw ValidationError(field: "contacts", message: "has more than \(Contact.maximumPerOrganisation) contacts")
        }
        var seen = Set<String>()
        return try entries.enumerated().map { index, entry throws(ValidationError) in
            let field = "contact \(index + 1)"
            let contact = try contact(entry, field: field).validated(field: field)
            guard seen.insert("\(contact.role.rawValue) \(contact.email.lowercased())").inserted else {
                throw ValidationError(field: field, message: "repeats the same role and email as another contact")
            }
            return contact
        }
    }

    /// One entry read into a contact (not yet validated).
    static func contact(_ entry: String, field: String) throws(ValidationError) -> Contact {
        guard let colon = entry.firstIndex(of: ":") else {
            throw ValidationError(field: field, message: "must be written role: Name <email> phone, such as rssi: Jeanne Martin <rssi@chu.fr>")
        }
        let roleText = fold(String(entry[..<colon]))
        guard let role = contactRole(roleText) else {
            throw ValidationError(field: field, message: "'\(roleText.prefix(20))' is not a role: rssi, deputy, oncall, director or it")
        }
        let rest = entry[entry.index(after: colon)...].trimmingWhitespace()
        var name: String?, email: String, phone: String?
        if let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else {
                throw ValidationError(field: "\(field) email", message: "opens < without closing >")
            }
            name = rest[..<open].trimmingWhitespace()
            email = rest[rest.index(after: open)..<close].trimmingWhitespace()
            phone = rest[rest.index(after: close)...].trimmingWhitespace()
        } else {
            let words = rest.split(separator: " ", maxSplits: 1)
            email = words.first.map(String.init) ?? ""
            phone = words.count > 1 ? words[1].trimmingWhitespace() : nil
        }
        if name?.isEmpty == true { name = nil }
        if phone?.isEmpty == true { phone = nil }
        return Contact(role: role, name: name, email: email, phone: phone)
    }

    /// A role in English (its wire name) or French.
    static func contactRole(_ folded: String) -> ContactRole? {
        let french: [String: ContactRole] = [
            "suppleant": .deputy, "adjoint": .deputy, "astreinte": .oncall, "directeur": .director, "direction": .director,
            "directrice": .director, "dsi": .it, "informatique": .it,
        ]
        return ContactRole(rawValue: folded) ?? french[folded]
    }
}
