#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The SSRF guard: decides which webhook URLs Tocsin may call, and pins the connection to a checked address.
///
/// A target is refused when its scheme is not http/https, when it carries credentials, or when any address its
/// host resolves to is loopback, private, link-local or otherwise non-public, unless `allowPrivateTargets` is set
/// or the address falls in one of `allowedNetworks`. The address checked is the one curl connects to (through
/// `CURLOPT_RESOLVE`), so a DNS answer that changes between check and connect cannot slip through.
public struct TargetGuard: Sendable {
    public var allowPrivateTargets: Bool
    public var allowedNetworks: [IPNetwork]
    /// What is being checked and the setting that widens the guard, for error messages.
    public var subject: String
    public var setting: String

    public init(allowPrivateTargets: Bool = false, allowedNetworks: [IPNetwork] = [], subject: String = "webhook target",
                setting: String = "webhooks.allowedNetworks") {
        self.allowPrivateTargets = allowPrivateTargets
        self.allowedNetworks = allowedNetworks
        self.subject = subject
        self.setting = setting
    }

    /// Whether the guard lets Tocsin connect to `address`.
    public func permits(_ address: IPAddress) -> Bool {
        if allowPrivateTargets || allowedNetworks.contains(where: { $0.contains(address) }) { return true }
        if IPNetwork.nonPublic.contains(where: { $0.contains(address) }) { return false }
        // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) addresses are judged as the
        // IPv4 address they carry: some stacks still connect to it.
        if !address.isIPv4, address.bytes[0..<10].allSatisfy({ $0 == 0 }),
           (address.bytes[10] == 0xff && address.bytes[11] == 0xff) || (address.bytes[10] == 0 && address.bytes[11] == 0),
           let mapped = IPAddress(address.bytes[12...].map(String.init).joined(separator: ".")) {
            return permits(mapped)
        }
        return true
    }

    /// Checks the URL's form (at subscription time): http or https, a host, no credentials.
    public func checkSyntax(_ url: String) throws(HTTPClientError) -> URLComponents {
        guard url.count <= 2_048, let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty else {
            throw .refused("\(subject) must be an absolute http or https URL")
        }
        guard components.user == nil, components.password == nil else {
            throw .refused("\(subject) must not carry credentials in the URL")
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw .refused("\(subject) port \(port) is not a TCP port (1 to 65535)")
        }
        // An IPv6 literal must be an address alone: a zone id (fe80::1%eth0) picks an interface, and anything else
        // would be read differently by the resolver and by curl.
        if let host = components.host, host.hasPrefix("[") || host.contains(":") || host.contains("%") {
            let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            guard !bare.contains("%"), IPAddress(bare) != nil else {
                throw .refused("\(subject) host \(host.prefix(64)) is not a plain IP address (zone ids are refused)")
            }
        }
        return components
    }

    /// Checks the URL and, when its host is an address or resolves, every address; returns the address to pin.
    /// `requireResolution` is false at subscription time, where a name that does not resolve yet is accepted.
    @discardableResult
    public func check(_ url: String, requireResolution: Bool = true) throws(HTTPClientError) -> String? {
        try pin(checkSyntax(url), requireResolution: requireResolution)
    }

    /// The `CURLOPT_RESOLVE` entry (`host:port:address`) pinning the connection to a permitted address.
    public func pin(_ components: URLComponents, requireResolution: Bool = true) throws(HTTPClientError) -> String? {
        guard let rawHost = components.host else { throw .refused("\(subject) has no host") }
        let host = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let port = components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
        // Checked here too, for subscriptions stored before the check at creation: a refusal is permanent.
        guard (1...65_535).contains(port) else { throw .refused("\(subject) port \(port) is not a TCP port (1 to 65535)") }
        let addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else {
            addresses = Self.resolve(host)
            if addresses.isEmpty {
                if requireResolution { throw .transport("could not resolve host \(host)") }
                return nil
            }
        }
        for address in addresses where !permits(address) {
            throw .refused("\(subject) \(host) resolves to \(address), a non-public address; allow it with \(setting)")
        }
        let chosen = addresses[0]
        let hostPart = rawHost.hasPrefix("[") ? rawHost : host
        return "\(hostPart):\(port):\(chosen.isIPv4 ? chosen.description : "[\(chosen)]")"
    }

    /// The addresses a host name resolves to through the system resolver.
    static func resolve(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0,
               let address = IPAddress(String(cString: buffer)) {
                addresses.append(address)
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}
