import Foundation

/// What an import file does to the organisations there are: for each row, create an establishment, update one (with
/// the fields that change) or leave one unchanged. Pure: the caller reads the organisations and stores the result.
///
/// A row finds its establishment by FINESS number first, then by exact name: a row without a FINESS number takes the
/// one organisation of that name; a row with a number unknown so far takes the one organisation of that name that
/// has no number yet (and gives it this one), else creates an establishment (two establishments may share a name,
/// as the many "EHPAD Les Tilleuls" do). An empty cell leaves the stored value as it is. Refused, each on its line:
/// a FINESS number or an establishment named by two rows, a name shared by several organisations or by two rows
/// without a FINESS number (a second import could not tell them apart), and whatever makes an organisation invalid.
public struct OrganisationImportPlan: Sendable {
    /// What a row does.
    public enum Action: String, Codable, Sendable {
        case create, update, unchanged
    }

    /// One row's outcome: the organisation as it will be stored and, for an update, the fields that change.
    public struct Entry: Sendable {
        public var line: Int
        public var action: Action
        public var organisation: Organisation
        /// Column names (`name`, `kind`, `region`, `finess`, `clearance`, `locale`, `contacts`, `national`): those
        /// that change for an update, those given for a creation, none for an unchanged row.
        public var fields: [String]
    }

    public var entries: [Entry]

    /// The new establishments, in the order of the file.
    public var creations: [Organisation] { entries.filter { $0.action == .create }.map(\.organisation) }
    /// The changed organisations as they will be stored, in the order of the file.
    public var updates: [Organisation] { entries.filter { $0.action == .update }.map(\.organisation) }

    /// Reads `csv` and plans it against `existing`; throws every line at fault.
    public init(csv: some Collection<UInt8>, existing: [Organisation], now: Date = Date()) throws(OrganisationImportError) {
        let (rows, errors) = try OrganisationImport.readRows(csv)
        try self.init(rows: rows, existing: existing, now: now, errors: errors)
    }

    /// Plans checked rows against `existing`; throws every line at fault.
    public init(rows: [OrganisationImport.Row], existing: [Organisation], now: Date = Date()) throws(OrganisationImportError) {
        try self.init(rows: rows, existing: existing, now: now, errors: OrganisationImportError.Collector())
    }

    /// Plans the good rows, adding their faults to those the reading found.
    init(rows: [OrganisationImport.Row], existing: [Organisation], now: Date, errors: OrganisationImportError.Collector) throws(OrganisationImportError) {
        var errors = errors
        var byFiness: [String: Organisation] = [:], byName: [String: [Organisation]] = [:]
        for org in existing {
            if let finess = org.finess { byFiness[finess] = org }
            byName[org.name, default: []].append(org)
        }
        var firstLineOfName: [String: Int] = [:], rowsOfName: [String: Int] = [:]
        for row in rows {
            if firstLineOfName[row.name] == nil { firstLineOfName[row.name] = row.line }
            rowsOfName[row.name, default: 0] += 1
        }
        var lineOfFiness: [String: Int] = [:], lineOfTarget: [String: Int] = [:]
        var entries: [Entry] = []
        entries.reserveCapacity(rows.count)
        for row in rows {
            do throws(ValidationError) {
                if let finess = row.finess, let other = lineOfFiness.updateValue(row.line, forKey: finess) {
                    throw ValidationError(field: "finess", message: "\(finess) is also on line \(other)")
                }
                if row.finess == nil, rowsOfName[row.name, default: 0] > 1 {
                    let other = firstLineOfName[row.name] == row.line ? "another line" : "line \(firstLineOfName[row.name]!)"
                    throw ValidationError(field: "name", message: "'\(row.name.prefix(60))' is also on \(other); give each row its FINESS number")
                }
                let target = try Self.target(of: row, byFiness: byFiness, byName: byName)
                if let target, let other = lineOfTarget.updateValue(row.line, forKey: target.id) {
                    throw ValidationError(field: "", message: "names the same establishment (\(target.id)) as line \(other)")
                }
                entries.append(try Self.entry(row, target: target, now: now))
            } catch {
                errors.add(line: row.line, error)
            }
        }
        try errors.throwIfAny()
        self.entries = entries
    }

    /// The organisation a row updates, or nil when it creates one.
    static func target(of row: OrganisationImport.Row, byFiness: [String: Organisation], byName: [String: [Organisation]]) throws(ValidationError) -> Organisation? {
        if let finess = row.finess, let org = byFiness[finess] { return org }
        let named = (byName[row.name] ?? []).filter { row.finess == nil || $0.finess == nil }
        guard named.count <= 1 else {
            let which = row.finess == nil ? "" : " without a FINESS number"
            throw ValidationError(field: "name", message: "'\(row.name.prefix(60))' is the name of \(named.count) organisations\(which); give the row its FINESS number, or rename them")
        }
        return named.first
    }

    /// The row applied to its target, or a new establishment.
    static func entry(_ row: OrganisationImport.Row, target: Organisation?, now: Date) throws(ValidationError) -> Entry {
        // The contacts were checked as the row was read: they are set as they are, not checked a second time.
        let contacts = row.contacts.map { merge($0, into: target?.contacts ?? []) }
        var input = OrganisationInput(name: row.name, kind: row.kind, region: row.region, tlpClearance: row.clearance, locale: row.locale)
        guard let before = target else {
            var org = try input.makeOrganisation(now: now)
            org.finess = row.finess
            if let contacts { org.contacts = contacts }
            let given: [(String, Bool)] = [("name", true), ("finess", row.finess != nil), ("kind", row.kind != nil), ("region", row.region != nil),
                                           ("clearance", row.clearance != nil), ("locale", row.locale != nil), ("contacts", row.contacts != nil)]
            return Entry(line: row.line, action: .create, organisation: org, fields: given.filter(\.1).map(\.0))
        }
        // A name the organisation already has is not sent again: an organisation stored before names were trimmed
        // keeps its own.
        if before.name == row.name { input.name = nil }
        var org = before
        try input.apply(to: &org, now: now)
        if let finess = row.finess { org.finess = finess }
        if let contacts { org.contacts = contacts }
        let fields = changedFields(before, org)
        guard !fields.isEmpty else { return Entry(line: row.line, action: .unchanged, organisation: before, fields: []) }
        return Entry(line: row.line, action: .update, organisation: org, fields: fields)
    }

    /// The file's contacts, each keeping the id, language and out-of-band mark of the stored contact with the same
    /// role and address (which the file has no columns for), so that importing the same file again changes nothing.
    static func merge(_ contacts: [Contact], into stored: [Contact]) -> [Contact] {
        contacts.map { contact in
            guard let known = stored.first(where: { $0.role == contact.role && $0.email.lowercased() == contact.email.lowercased() }) else {
                return contact
            }
            var merged = contact
            merged.id = known.id
            merged.locale = known.locale
            merged.outOfBand = known.outOfBand
            return merged
        }
    }

    static func changedFields(_ before: Organisation, _ after: Organisation) -> [String] {
        var fields: [String] = []
        if before.name != after.name { fields.append("name") }
        if before.finess != after.finess { fields.append("finess") }
        if before.kind != after.kind { fields.append("kind") }
        if before.region != after.region { fields.append("region") }
        if before.national != after.national { fields.append("national") }
        if before.tlpClearance != after.tlpClearance { fields.append("clearance") }
        if before.locale != after.locale { fields.append("locale") }
        if before.contacts != after.contacts { fields.append("contacts") }
        return fields
    }
}
