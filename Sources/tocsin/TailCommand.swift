import ArgumentParser
import Foundation
import TocsinCore
import TocsinDelivery
import TocsinNet

struct Tail: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow a broker's live stream of alerts in the terminal, reconnecting without losing any.")

    @Option(help: "The broker's base URL (or set TOCSIN_URL; default http://127.0.0.1:8080).") var url: String?
    @Option(help: "An API token (or set TOCSIN_TOKEN).") var token: String?
    @Option(name: .customLong("min-severity"), help: "Only alerts at least this severe.") var minSeverity: Severity?
    @Option(help: "Only alerts of this category.") var category: String?
    @Option(help: "Resume after this event id (as printed with --json).") var from: String?
    @Flag(help: "Print each event as one JSON line: {\"id\",\"event\",\"alert\"}.") var json = false
    @Flag(help: "Exit when the stream ends instead of reconnecting.") var once = false

    func run() throws {
        guard let token = token ?? ProcessInfo.processInfo.environment["TOCSIN_TOKEN"] else {
            throw CLIError("an API token is required: --token or TOCSIN_TOKEN")
        }
        let base = url ?? ProcessInfo.processInfo.environment["TOCSIN_URL"] ?? "http://127.0.0.1:8080"
        var query: [String] = []
        if let minSeverity { query.append("minSeverity=\(minSeverity.rawValue)") }
        if let category { query.append("category=\(category.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? category)") }
        let streamURL = base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/api/v1/stream" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let state = TailState(lastId: from)
        // Reconnects with a growing pause (1 s up to 60 s), back to 1 s once events flow again.
        var pause: TimeInterval = 1
        while true {
            let seenBefore = state.lastId
            var headers = [("Authorization", "Bearer \(token)"), ("Accept", "text/event-stream")]
            if let last = state.lastId { headers.append(("Last-Event-ID", last)) }
            var parser = ServerSentEventParser()
            let result = CurlStream.get(url: streamURL, headers: headers) { bytes in
                for event in parser.feed(bytes) { state.print(event, json: json) }
                return true
            }
            switch result {
            case .success(let status) where status == 401 || status == 403:
                throw CLIError("the broker refused the token (HTTP \(status))")
            case .success(let status) where status >= 400:
                FileHandle.standardError.write(Data("\(streamURL) answered HTTP \(status)\n".utf8))
            case .success:
                break
            case .failure(let error):
                if once { throw CLIError("cannot reach \(base): \(error) (set --url or TOCSIN_URL)") }
                FileHandle.standardError.write(Data("cannot reach \(base): \(error); trying again in \(Int(pause)) s\n".utf8))
            }
            if once { return }
            pause = state.lastId != seenBefore ? 1 : min(pause * 2, 60)
            Thread.sleep(forTimeInterval: pause)
        }
    }
}

/// What `tail` remembers across reconnections: the last event id seen.
final class TailState: @unchecked Sendable {
    var lastId: String?
    init(lastId: String?) { self.lastId = lastId }

    func print(_ event: ServerSentEventParser.Event, json: Bool) {
        if let id = event.id { lastId = id }
        guard let data = event.data.data(using: .utf8), let alert = try? TocsinJSON.decoder().decode(Alert.self, from: data) else { return }
        let line: String
        if json {
            line = #"{"id":"\#(event.id ?? "")","event":"\#(event.type)","alert":\#(event.data)}"#
        } else {
            line = "\(event.id ?? "-")\t\(RFC3339.format(alert.updatedAt))\t\(event.type)\t[\(alert.tlp.label)][\(alert.severity.rawValue.uppercased())] \(alert.title)\t\(alert.id)"
        }
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
