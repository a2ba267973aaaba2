/// A FINESS number (Fichier national des établissements sanitaires et sociaux): the national identifier of a
/// French health or social establishment, nine characters.
///
/// The first two name the département (`2A` and `2B` for Corsica), the next six are a serial number and the last is
/// a check digit computed by the Luhn algorithm over the first eight. Spreadsheets drop the leading zero of the
/// départements 01 to 09, so eight digits are read as the number with a `0` in front. Spaces, as FINESS pages print
/// the number (`76 078 001 7`), are ignored. The check digit of a Corsican number is not verified: the key
/// over its letters is not published, and refusing a real establishment is worse than missing a typo there.
public enum FINESS {
    /// The number in its nine-character form, or a reason it is not one.
    public static func normalise(_ text: String) -> Result<String, ValidationError> {
        var value = text.filter { $0 != " " && $0 != "\u{00A0}" }.uppercased()
        if value.count == 8, value.allSatisfy(\.isASCIIDigit) { value = "0" + value }
        guard value.count == 9, value.allSatisfy({ $0.isASCII }) else {
            return .failure(ValidationError(field: "finess", message: "'\(text.prefix(20))' is not a FINESS number of 9 digits"))
        }
        let corsican = value.hasPrefix("2A") || value.hasPrefix("2B")
        guard value.dropFirst(corsican ? 2 : 0).allSatisfy(\.isASCIIDigit) else {
            return .failure(ValidationError(field: "finess", message: "'\(text.prefix(20))' is not a FINESS number of 9 digits"))
        }
        if !corsican, !luhnValid(value) {
            return .failure(ValidationError(field: "finess", message: "\(value) has a wrong check digit (its last digit); check the number"))
        }
        return .success(value)
    }

    /// Whether a string of digits passes the Luhn check (the last digit is the key).
    static func luhnValid(_ digits: String) -> Bool {
        var sum = 0
        for (offset, character) in digits.reversed().enumerated() {
            guard let digit = character.wholeNumberValue else { return false }
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }
}
