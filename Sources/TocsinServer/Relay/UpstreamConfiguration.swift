import Foundation
import TocsinCore

/// An upstream broker this one follows: its name here, its base URL, and the relay token it issued for this
/// broker's organisation. Read from the `upstreams:` list of the configuration file or added with
/// `tocsin upstream add`.
public struct UpstreamConfiguration: Codable, Sendable, Hashable {
    public var name: String
    public var url: String
    public var token: String

    public init(name: String, url: String, token: String) {
        self.name = name
        self.url = url
        self.token = token
    }

    /// Checks a name and URL before they are used.
    public func validated() throws(ConfigurationError) -> UpstreamConfiguration {
        var copy = self
        copy.name = name.trimmingCharacters(in: .whitespaces)
        guard !copy.name.isEmpty, copy.name.count <= 64,
              copy.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw ConfigurationError(key: "upstreams.name", message: "must be 1 to 64 letters, digits, '-', '_' or '.'")
        }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil else {
            throw ConfigurationError(key: "upstreams.url", message: "(upstream '\(copy.name)') must be the upstream broker's http or https base URL")
        }
        copy.url = url.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !token.isEmpty else { throw ConfigurationError(key: "upstreams.token", message: "(upstream '\(copy.name)') must be the relay token the upstream issued") }
        return copy
    }

    /// The upstream's live stream.
    var streamURL: String { url + "/api/v1/stream" }
    /// The upstream's alert log as a relaying broker catches up with it.
    var catchUpURL: String { url + "/api/v1/relay/alerts" }
    /// Where reach reports go.
    var reachURL: String { url + "/api/v1/relay/reach" }
}
