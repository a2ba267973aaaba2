import Foundation
import Hummingbird
import TocsinCore

/// The STIX media type of `GET /api/v1/alerts/{id}`: asked with `Accept: application/stix+json;version=2.1`.
enum STIXMedia {
    static let contentType = "application/stix+json;version=2.1"

    /// True when the request asks for STIX rather than Tocsin's JSON.
    static func accepts(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept]?.lowercased() else { return false }
        return accept.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("application/stix+json") }
    }
}

extension APIEnvironment {
    /// The STIX writer for this broker: its identity is named after the public URL.
    var stix: STIXWriter { STIXWriter(producer: STIXProducer(contact: configuration.publicUrl)) }

    /// The alert as a STIX 2.1 bundle for `principal`, with a `note` of its organisation's inventory items the
    /// alert concerns when it reads for one.
    func stixBundle(_ alert: Alert, for principal: Principal) async throws -> Response {
        var concerns: [InventoryConcern] = []
        var locale = "fr"
        if let orgId = principal.orgId, let org = try await store.organisation(id: orgId) {
            concerns = try await inventories.snapshot().concerns(for: alert, orgId: orgId)
            locale = org.locale
        }
        return JSONResponse.raw(Array(stix.bundle(alert, concerns: concerns, locale: locale).utf8), contentType: STIXMedia.contentType)
    }
}
