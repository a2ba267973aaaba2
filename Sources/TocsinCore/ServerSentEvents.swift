/// A parser for a Server-Sent Events stream, fed chunk by chunk as bytes arrive (WHATWG HTML, §9.2).
///
/// Handles `id`, `event`, `data` (several lines joined by newlines), comments, CR/LF/CRLF line ends, and a
/// line split across chunks. An event without data is not dispatched, as the specification says.
public struct ServerSentEventParser: Sendable {
    /// One dispatched event.
    public struct Event: Sendable, Equatable {
        public var id: String?
        public var type: String
        public var data: String

        public init(id: String?, type: String, data: String) {
            self.id = id
            self.type = type
            self.data = data
        }
    }

    private var pending: [UInt8] = []
    private var data: [String] = []
    private var type = ""
    public private(set) var lastEventId: String?

    public init() {}

    /// Feeds bytes and returns the events they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        var events: [Event] = []
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x0A && previous == 0x0D { previous = byte; continue }
            previous = byte
            if byte == 0x0A || byte == 0x0D {
                if let event = line(String(decoding: pending, as: UTF8.self)) { events.append(event) }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
        return events
    }

    private mutating func line(_ line: String) -> Event? {
        if line.isEmpty {
            defer { data = []; type = "" }
            guard !data.isEmpty else { return nil }
            return Event(id: lastEventId, type: type.isEmpty ? "message" : type, data: data.joined(separator: "\n"))
        }
        if line.hasPrefix(":") { return nil }
        let field: Substring, value: Substring
        if let colon = line.firstIndex(of: ":") {
            field = line[..<colon]
            var rest = line[line.index(after: colon)...]
            if rest.hasPrefix(" ") { rest = rest.dropFirst() }
            value = rest
        } else {
            field = Substring(line)
            value = ""
        }
        switch field {
        case "data": data.append(String(value))
        case "event": type = String(value)
        case "id" where !value.contains("\0"): lastEventId = String(value)
        default: break
        }
        return nil
    }
}
