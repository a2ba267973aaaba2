import ArgumentParser
import Foundation
import TocsinCore
import TocsinStore

/// `tocsin reach ALERT`: who knows about an alert, read from the store, as a table for a terminal or as CSV.
struct ReachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reach",
        abstract: "Show who an alert reached: counts, delays, regions, who is uninformed and why, who has not acknowledged.")

    @Argument(help: "The alert's id.") var alert: String
    @Flag(help: "Print the report as CSV (one line per concerned organisation).") var csv = false
    @OptionGroup var options: StoreOptions

    func run() async throws {
        let (_, store) = try options.openStore()
        guard let alert = try await store.alert(id: alert) else { throw CLIError("alert \(self.alert) not found") }
        let report = ReachReport.make(alert: alert, rows: try await store.reach(alertId: alert.id), now: Date())
        if csv {
            FileHandle.standardOutput.write(Data(report.csv.utf8))
        } else {
            print(Self.table(report, title: alert.title), terminator: "")
        }
    }

    /// The report as text a person reads in a terminal.
    static func table(_ report: ReachReport, title: String) -> String {
        var out = "Alert \(report.alertId) revision \(report.revision)" + (report.exerciseId.map { " [EXERCISE \($0)]" } ?? "") + "\n"
        out += "  \(title.prefix(100))\n\n"
        let c = report.counts
        func share(_ n: Int) -> String { c.concerned == 0 ? "" : String(format: " (%.1f%%)", Double(n) * 100 / Double(c.concerned)) }
        out += "Organisations concerned \(c.concerned), delivered \(c.delivered)\(share(c.delivered)), seen \(c.seen)\(share(c.seen)), "
            + "acknowledged \(c.acknowledged)\(share(c.acknowledged))\n\n"
        out += pad("Delay from publication", 26) + pad("count", 8) + pad("p50", 12) + pad("p90", 12) + "max\n"
        for (name, summary) in [("to delivered", report.delays.delivered), ("to seen", report.delays.seen), ("to acknowledged", report.delays.acknowledged)] {
            out += pad("  " + name, 26) + pad("\(summary.count)", 8) + pad(duration(summary.p50), 12) + pad(duration(summary.p90), 12) + duration(summary.max) + "\n"
        }
        out += "\n" + pad("Region", 30) + pad("concerned", 11) + pad("delivered", 11) + pad("seen", 8) + "acknowledged\n"
        for (key, counts) in report.byRegion.sorted(by: { $0.key < $1.key }) {
            let name = Region.names[key].map { "\(key) \($0)" } ?? key
            out += pad("  " + name, 30) + pad("\(counts.concerned)", 11) + pad("\(counts.delivered)", 11) + pad("\(counts.seen)", 8) + "\(counts.acknowledged)\n"
        }
        out += "\nUninformed (\(report.uninformed.count))\n"
        for entry in report.uninformed {
            out += "  " + pad(entry.orgId, 28) + pad(String(entry.orgName.prefix(30)), 32) + pad(ReachReport.regionKey(entry.region), 10)
                + pad(entry.reason.rawValue, 16) + entry.detail + "\n"
        }
        out += "\nDelivered, not acknowledged (\(report.unacknowledged.count))\n"
        for entry in report.unacknowledged {
            out += "  " + pad(entry.orgId, 28) + pad(String(entry.orgName.prefix(30)), 32) + pad(ReachReport.regionKey(entry.region), 10)
                + pad(entry.step.rawValue, 11) + "since " + RFC3339.format(entry.since) + "\n"
        }
        return out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// `850 ms`, `12.4 s`, `3 min 05 s`, `2 h 10 min`; `-` for none.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        if seconds < 1 { return String(format: "%.0f ms", seconds * 1000) }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        if seconds < 3_600 { return String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%d h %02d min", Int(seconds) / 3_600, Int(seconds) % 3_600 / 60)
    }
}
