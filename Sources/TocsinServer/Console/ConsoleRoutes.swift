import Foundation
import Hummingbird
import TocsinCore

/// A group of console pages (the inbox, the inventory, …): one file `ConsoleRoutes+<Group>.swift` with a type
/// conforming to this protocol, and one line in `ConsoleRoutes.viewGroups`.
protocol ConsoleViewGroup: Sendable {
    init(env: ConsoleEnvironment)
    /// The entries this group adds to the menu, each for the roles that may follow it.
    static var menu: [ConsoleMenuItem] { get }
    /// Adds the group's routes to `group`, whose requests all come from a signed-in user (`context.consoleSession`
    /// and `context.principal` are set) and whose POSTs carried the session's CSRF token (`context.consoleForm`).
    func register(on group: RouterGroup<TocsinRequestContext>)
}

/// An entry of the console's menu: where it leads, its words (`<group>.<key>`), who sees it.
struct ConsoleMenuItem: Sendable {
    var path: String
    var word: String
    var roles: Set<Role>
}

/// `/console`: the web console. Every answer carries the security headers; every POST is checked for its CSRF
/// token; the login pages and the static files are open, every other page needs a session.
struct ConsoleRoutes {
    let env: ConsoleEnvironment

    /// The console's groups of pages, in menu order. Adding one is adding its file and a line here.
    static let viewGroups: [any ConsoleViewGroup.Type] = [
        Inbox.self,
        AlertPage.self,
        Inventory.self,
        OrganisationPage.self,
        Compose.self,
        Reach.self,
        Ingest.self,
        SourcesPage.self,
        RegionBoard.self,
        Admin.self,
    ]

    /// The menu a role sees.
    static func menu(for role: Role) -> [ConsoleMenuItem] {
        viewGroups.flatMap { $0.menu }.filter { $0.roles.contains(role) }
    }

    func register(on router: Router<TocsinRequestContext>) {
        // A path under /console that no route takes is answered by the router's own 404: turned here into the
        // console's 404 page, the same as an alert that does not exist or that the user may not read.
        router.add(middleware: ConsoleNotFoundMiddleware(env: env))
        let console = router.group("console")
            .add(middleware: ConsoleSecurityHeadersMiddleware())
            .add(middleware: ConsoleErrorMiddleware(env: env))
            .add(middleware: ConsoleSessionMiddleware(env: env))
            .add(middleware: ConsoleCSRFMiddleware(env: env))
        ConsoleStaticRoutes.register(on: console)
        ConsoleLoginRoutes(env: env).register(on: console)
        // Pages open without a session (their link is their authority) are registered here, beside the login pages.
        AckLink(env: env).register(on: console)
        let signedIn = console.group("").add(middleware: ConsoleRequireSessionMiddleware(env: env))
        signedIn.get("") { _, context in
            let home = Self.menu(for: try context.requirePrincipal().role).first?.path ?? "/console/login"
            return ConsoleEnvironment.redirect(to: home)
        }
        for group in Self.viewGroups { group.init(env: env).register(on: signedIn) }
    }
}
