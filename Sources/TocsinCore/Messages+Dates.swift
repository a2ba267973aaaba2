import Foundation

extension Messages {
    /// Dates as a person in France reads them, in the reader's language: Paris time, with the locale's
    /// `date.locale` and `date.format` (`5 mars 2026 à 09:15 (heure de Paris)`). A new formatter each call:
    /// `DateFormatter` is not to be shared between tasks.
    public func dateFormatter(locale: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: text(.dateLocale, locale: locale))
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = text(.dateFormat, locale: locale)
        return formatter
    }
}
