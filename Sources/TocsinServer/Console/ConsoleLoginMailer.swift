import Foundation
import Logging
import TocsinCore
import TocsinDelivery

/// Sends the one-time login link to a contact, in their language, with the console's mail templates
/// (`web/mail/login.text`, `web/mail/login.html`) and the SMTP settings of the email channel.
struct ConsoleLoginMailer: Sendable {
    let sender: SMTPSender
    let from: String
    let replyTo: String?

    /// Sends `url` to `contact`; failures are logged without the address.
    func send(url: String, to contact: Contact, org: Organisation, pages: ConsolePages, logger: Logger) async {
        let locale = contact.locale ?? org.locale
        let subject = pages.words.text("login.mailSubject", locale: locale)
        let context: [String: Any] = ["subject": subject, "url": url, "orgName": org.name, "name": contact.name ?? "",
                                      "minutes": "15"]
        do {
            var headers: [(String, String)] = [("From", "Tocsin <\(from)>"), ("To", "<\(contact.email)>")]
            if let replyTo { headers.append(("Reply-To", "<\(replyTo)>")) }
            headers += [("Subject", subject), ("Date", MailDate.format(Date())), ("Auto-Submitted", "auto-generated")]
            let message = MIMEMessage(headers: headers, text: try pages.render("mail/login.text", context, locale: locale),
                                      html: try pages.render("mail/login", context, locale: locale))
            let result = await sender.send(to: [contact.email], message: message.render())
            if case .failed(let code, let reason) = result {
                logger.warning("console login link not sent", metadata: ["org": "\(org.id)", "contact": "\(contact.id)", "code": "\(code)", "reason": "\(reason)"])
            }
        } catch {
            logger.error("console login email cannot be written", metadata: ["error": "\(error)"])
        }
    }
}
