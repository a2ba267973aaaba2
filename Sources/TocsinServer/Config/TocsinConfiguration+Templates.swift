import Foundation
import TocsinCore
import TocsinDelivery

extension TocsinConfiguration {
    /// The templates folder: `templates.dir`, else `Templates` in the working directory or near the binary.
    public func templatesDirectory() throws(ConfigurationError) -> String {
        guard let directory = EmailTemplates.locate(configured: templatesDir) else {
            throw ConfigurationError(key: "templates.dir", message: "is not set and no Templates folder was found")
        }
        return directory
    }

    /// The words of every locale folder of the templates folder, read once at start; a locale folder whose
    /// `messages.json` lacks a key French has stops the start, naming the file and the key.
    public func loadMessages() throws -> Messages {
        let directory = try templatesDirectory()
        do {
            return try TemplatesFolder.messages(in: directory)
        } catch let error as Messages.LoadError {
            throw ConfigurationError(key: "templates.dir", message: "holds messages Tocsin cannot use: \(error)")
        }
    }
}
