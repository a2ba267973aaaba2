import Foundation
import TocsinEnrich
import TocsinTestSupport

extension InventoryMatch {
    /// The phrase in `locale`, in the words of the repository's templates.
    func phrase(locale: String) throws -> String { phrase(try TemplateMessages.load(), locale: locale) }
}
