import Foundation

extension SourceConfiguration {
    /// The shortest interval accepted from configuration; tests may pass a smaller `minimumInterval`.
    public static let minimumInterval: TimeInterval = 60
    /// The longest interval accepted: 7 days.
    public static let maximumInterval: TimeInterval = 7 * 24 * 3600

    /// Headers the poller sets itself or that would break the request; configuring one is an error.
    static let reservedHeaders: Set<String> = [
        "if-none-match", "if-modified-since", "if-match", "if-unmodified-since", "if-range", "range", "host",
        "content-length", "transfer-encoding", "connection", "te", "upgrade", "expect",
    ]

    /// Checks every field, throwing the first problem with the source's name and the field at fault.
    public func validate(minimumInterval: TimeInterval = SourceConfiguration.minimumInterval) throws(SourceConfigurationError) {
        func fail(_ field: String, _ message: String) -> SourceConfigurationError {
            SourceConfigurationError(source: name, field: field, message: message)
        }
        guard !name.isEmpty, name.count <= 64,
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw fail("name", "must be 1 to 64 characters among a-z, 0-9 and '-'")
        }
        try Self.checkWebURL(url, field: "url", source: name)
        guard interval.isFinite, interval >= minimumInterval else {
            throw fail("interval", "must be at least \(Int(minimumInterval)) seconds")
        }
        guard interval <= Self.maximumInterval else {
            throw fail("interval", "must be at most \(Int(Self.maximumInterval)) seconds (7 days)")
        }
        guard timeout.isFinite, timeout >= 1, timeout <= 600 else {
            throw fail("timeout", "must be between 1 and 600 seconds")
        }
        guard headers.count <= 32 else { throw fail("headers", "must have at most 32 entries") }
        for headerName in headers.keys.sorted() {
            let field = "headers.\(headerName.prefix(64))"
            guard !headerName.isEmpty, headerName.count <= 256, headerName.unicodeScalars.allSatisfy(Self.isTokenCharacter) else {
                throw fail(field, "is not a valid header name")
            }
            guard !Self.reservedHeaders.contains(headerName.lowercased()) else {
                throw fail(field, "is set by the poller and cannot be configured")
            }
            // The value is secret: the message says what is wrong with it, never what it is.
            let value = headers[headerName] ?? ""
            guard value.count <= 8_192,
                  !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                throw fail(field, "must be at most 8192 characters on one line")
            }
        }
        guard categories.count <= 50 else { throw fail("categories", "must have at most 50 entries") }
        for (index, category) in categories.enumerated() {
            let trimmed = category.trimmingWhitespace()
            guard !trimmed.isEmpty, trimmed.count <= 100 else {
                throw fail("categories[\(index)]", "must be a non-empty name of at most 100 characters")
            }
        }
        if kind == .csafProvider {
            guard !csafFeedTLPs.isEmpty else {
                throw fail("csafFeedTLPs", "must name at least one TLP, or no ROLIE feed would be followed")
            }
        }
        guard (1...100_000).contains(documentLimit) else {
            throw fail("documentLimit", "must be between 1 and 100000")
        }
    }

    /// Validates every source and checks that names are unique.
    public static func validate(_ sources: [SourceConfiguration], minimumInterval: TimeInterval = SourceConfiguration.minimumInterval) throws(SourceConfigurationError) {
        var seen: Set<String> = []
        for source in sources {
            try source.validate(minimumInterval: minimumInterval)
            guard seen.insert(source.name).inserted else {
                throw SourceConfigurationError(source: source.name, field: "name", message: "is used by another source; names must be unique")
            }
        }
    }

    static func checkWebURL(_ text: String, field: String, source: String) throws(SourceConfigurationError) {
        guard text.count <= 2_048, !text.contains(where: \.isWhitespace),
              let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty else {
            throw SourceConfigurationError(source: source, field: field, message: "must be an absolute http or https URL")
        }
        guard components.user == nil, components.password == nil else {
            throw SourceConfigurationError(source: source, field: field, message: "must not carry credentials; put them in 'headers' (e.g. Authorization)")
        }
        guard components.fragment == nil else {
            throw SourceConfigurationError(source: source, field: field, message: "must not have a fragment")
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) { return true }
        return "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar)
    }
}
