import ArgumentParser
import Foundation
import TocsinCore
import TocsinStore

extension ContactRole: ExpressibleByArgument {}

/// `tocsin org contact …`: the people an organisation is reached through, by role (escalation and role-addressed
/// email subscriptions find them there). Personal data: printed for the operator only, never logged.
struct ContactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "contact", abstract: "Manage an organisation's contacts.",
                                                    subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a contact to an organisation and print it as JSON.")

        @OptionGroup var options: StoreOptions
        @Option(name: .customLong("org"), help: "Organisation id.") var orgId: String
        @Option(help: "rssi, deputy, oncall, director or it.") var role: ContactRole
        @Option(help: "Email address.") var email: String
        @Option(help: "Name as people read it.") var name: String?
        @Option(help: "Phone number, e.g. +33 2 32 88 89 90.") var phone: String?
        @Option(help: "fr or en (the organisation's when absent).") var locale: String?
        @Flag(name: .customLong("out-of-band"),
              help: "Reached outside the organisation's own systems (a personal address, the ARS on call): where its alerts go while it is flagged compromised.")
        var outOfBand = false

        func run() async throws {
            let (_, store) = try options.openStore()
            var org = try await ContactCommand.organisation(orgId, in: store)
            let contact = Contact(role: role, name: name, email: email, phone: phone, locale: locale, outOfBand: outOfBand)
            try OrganisationInput(contacts: org.contacts + [contact]).apply(to: &org)
            try await store.updateOrganisation(org)
            await store.auditCLI("organisation.contacts.add", target: org.id)
            try printJSON(org.contacts.last)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organisation's contacts: id, role, name, email, phone.")

        @OptionGroup var options: StoreOptions
        @Option(name: .customLong("org"), help: "Organisation id.") var orgId: String
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            let (_, store) = try options.openStore()
            let org = try await ContactCommand.organisation(orgId, in: store)
            if json { return try printJSON(org.contacts) }
            for contact in org.contacts.sorted(by: { $0.role < $1.role }) {
                print([contact.id, contact.role.rawValue, contact.name ?? "-", contact.email, contact.phone ?? "-", contact.locale ?? "-",
                       contact.outOfBand ? "out-of-band" : "-"]
                    .joined(separator: "\t"))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a contact from an organisation.")

        @OptionGroup var options: StoreOptions
        @Option(name: .customLong("org"), help: "Organisation id.") var orgId: String
        @Argument(help: "The contact's id, as `tocsin org contact list` shows it.") var id: String

        func run() async throws {
            let (_, store) = try options.openStore()
            var org = try await ContactCommand.organisation(orgId, in: store)
            guard org.contact(id: id) != nil else { throw CLIError("organisation \(orgId) has no contact \(id)") }
            try OrganisationInput(contacts: org.contacts.filter { $0.id != id }).apply(to: &org)
            try await store.updateOrganisation(org)
            await store.auditCLI("organisation.contacts.remove", target: org.id)
            print("removed contact \(id)")
        }
    }

    static func organisation(_ id: String, in store: some Store) async throws -> Organisation {
        guard let org = try await store.organisation(id: id) else { throw CLIError("no organisation \(id)") }
        return org
    }
}
