import Foundation

/// Generated import files of establishments (docs/organisations.md), as the import tests and the console's need them:
/// French headers, `;` between fields, valid FINESS numbers, and every 50th row with its contacts on two lines inside
/// quotes, so that line numbers and row numbers differ.
public enum EstablishmentsCSV {
    /// A file of `count` establishments and the line each row starts on (`lines[0]` is row 1's). With `badRow`, that
    /// row (1-based) carries a FINESS number whose check digit is wrong. `revision` changes every row's clearance
    /// between AMBER (0) and GREEN (1), to make a second import update every row.
    public static func make(count: Int, badRow: Int? = nil, revision: Int = 0, prefix: String = "76") -> (csv: String, lines: [Int]) {
        var csv = "\u{FEFF}nom;finess;type;région;habilitation;langue;contacts\r\n"
        var lines: [Int] = []
        var line = 2
        let kinds = ["CHU", "CH", "clinique", "EHPAD", "ESMS"]
        for row in 1...count {
            lines.append(line)
            var finess = finess(prefix: prefix, serial: row)
            if row == badRow { finess = String(finess.dropLast()) + String((Int(String(finess.last!))! + 1) % 10) }
            let contacts: String
            if row % 50 == 0 {
                contacts = "\"rssi: Responsable \(row) <rssi\(row)@etab.example>\nastreinte: astreinte\(row)@etab.example +33 2 32 88 89 90\""
                line += 2
            } else {
                contacts = "rssi: Responsable \(row) <rssi\(row)@etab.example>"
                line += 1
            }
            let clearance = revision == 0 ? "AMBER" : "GREEN"
            csv += "Établissement \(prefix)-\(row);\(finess);\(kinds[row % kinds.count]);28;\(clearance);fr;\(contacts)\r\n"
        }
        return (csv, lines)
    }

    /// A valid FINESS number: a département, a serial and the Luhn key.
    public static func finess(prefix: String = "76", serial: Int) -> String {
        let body = prefix + String(format: "%06d", serial % 1_000_000)
        for key in 0...9 where luhn(body + String(key)) { return body + String(key) }
        return body + "0"
    }

    private static func luhn(_ digits: String) -> Bool {
        var sum = 0
        for (offset, character) in digits.reversed().enumerated() {
            let digit = character.wholeNumberValue!
            sum += offset % 2 == 1 ? (digit * 2 > 9 ? digit * 2 - 9 : digit * 2) : digit
        }
        return sum % 10 == 0
    }
}
