import Foundation

extension ReachReport {
    /// The report as CSV (RFC 4180, CRLF line ends): a header, then one line per concerned organisation with its
    /// furthest step, when it reached each step, and, when it is not informed or has not acknowledged, why.
    ///
    /// A cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return) gets a leading `'`, so that a
    /// spreadsheet opening the file never runs an organisation's name as a formula.
    public var csv: String {
        let uninformed = Dictionary(uniqueKeysWithValues: self.uninformed.map { ($0.orgId, $0.reason.rawValue) })
        var lines = [["org_id", "org_name", "region", "step", "delivered_at", "seen_at", "acknowledged_at", "reason"]]
        for row in rows {
            let reason = uninformed[row.orgId] ?? (row.acknowledged == nil ? "unacknowledged" : "")
            lines.append([row.orgId, row.orgName, Self.regionKey(row.region), row.step.rawValue,
                          row.delivered.map { RFC3339.format($0.at) } ?? "", row.seen.map { RFC3339.format($0.at) } ?? "",
                          row.acknowledged.map { RFC3339.format($0.at) } ?? "", reason])
        }
        return lines.map { $0.map(Self.csvCell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// One CSV cell: formulas neutralised, then quoted when it holds a comma, a quote or a line break.
    public static func csvCell(_ value: String) -> String {
        var cell = value
        if let first = cell.first, "=+-@\t\r".contains(first) { cell = "'" + cell }
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
