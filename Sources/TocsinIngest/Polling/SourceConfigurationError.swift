/// A configured source that cannot be polled, naming the source and the field at fault
/// (`source 'cisa-kev': interval: must be at least 60 seconds`).
public struct SourceConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The source's name as configured (possibly invalid itself), or its position when it has none.
    public var source: String
    /// The field at fault: `name`, `url`, `interval`, `headers.Authorization`, `categories[2]`…
    public var field: String
    public var message: String

    public init(source: String, field: String, message: String) {
        self.source = source
        self.field = field
        self.message = message
    }

    public var description: String { "source '\(source)': \(field): \(message)" }
}
