import Foundation
import TocsinCore

/// A CAP `Ack` message: an organisation acknowledges the earlier messages its `references` name, with its `note`.
///
/// Not an alert (the adapter gives none for it): the ingest route records it as the organisation's acknowledgement
/// of the alerts the references name.
public struct CAPAcknowledgement: Sendable, Hashable {
    /// One `sender,identifier,sent` triple of `references`.
    public struct Reference: Sendable, Hashable, CustomStringConvertible {
        public var sender: String
        public var identifier: String
        public var sent: String

        public init(sender: String, identifier: String, sent: String) {
            self.sender = sender
            self.identifier = identifier
            self.sent = sent
        }

        /// `sender,identifier`: the source reference the adapter gives the alert of that message.
        public var sourceRef: String { "\(sender),\(identifier)" }
        public var description: String { "\(sender),\(identifier),\(sent)" }
    }

    /// The acknowledging message's own sender and identifier.
    public var sender: String
    public var identifier: String
    public var references: [Reference]
    public var note: String?
}

extension CAPAdapter {
    /// The acknowledgement a CAP message states when its `msgType` is `Ack`; nil for any other message. An `Ack`
    /// that references nothing is an error naming `/alert/references`.
    public static func acknowledgement(_ data: Data) throws(IngestError) -> CAPAcknowledgement? {
        let root: SafeXMLElement
        do {
            root = try SafeXMLParser.parse(data)
        } catch {
            throw IngestError(format: format, path: "", message: error.description)
        }
        let message = try CAPMessage(root)
        guard message.msgType?.lowercased() == "ack" else { return nil }
        guard !message.references.isEmpty else {
            throw IngestError(format: format, path: "/alert/references", message: "an Ack message must reference the messages it acknowledges (sender,identifier,sent)")
        }
        return CAPAcknowledgement(sender: message.sender, identifier: message.identifier,
                                  references: message.references.map { .init(sender: $0.sender, identifier: $0.identifier, sent: $0.sent) },
                                  note: message.note)
    }
}
