import Foundation
import TocsinCore
import TocsinIngest

/// Reads the indicators of the documents attached to a declaration through the ingest adapters (STIX 2.1 bundles,
/// MISP events) or as a CSV: a document that does not read is reported like a bad line, never a refusal of the
/// declaration. Every indicator found is the victim's own, so `stated`.
public enum IncidentAttachments {
    public static func read(_ attachments: [IncidentDeclaration.Attachment]) -> IndicatorIntake.Outcome {
        var outcome = IndicatorIntake.Outcome()
        for (index, attachment) in attachments.enumerated() {
            let place = "attachments[\(index)]"
            switch attachment.format {
            case .csv:
                let read = IndicatorIntake.csv(attachment.content, at: place)
                outcome.indicators += read.indicators
                outcome.rejected += read.rejected
            case .stix, .misp:
                let format: IngestFormat = attachment.format == .stix ? .stix : .misp
                do {
                    let (_, alerts) = try IngestRegistry.parse(Data(attachment.content.utf8), format: format, options: IngestOptions())
                    for alert in alerts {
                        for indicator in alert.draft.indicators {
                            // Each goes through the same check as a listed one: what the adapter kept as `other` or
                            // oversized is still the victim's word, checked like the rest.
                            switch IndicatorIntake.indicator(type: indicator.type.rawValue, value: indicator.value, comment: indicator.comment) {
                            case .success(let checked): outcome.indicators.append(checked)
                            case .failure(let refusal):
                                outcome.rejected.append(IndicatorIntake.Rejection(at: place, value: indicator.value, reason: refusal.reason))
                            }
                        }
                    }
                } catch {
                    outcome.rejected.append(IndicatorIntake.Rejection(at: place, value: "", reason: "the \(format.rawValue) document does not read: \(error.message)"))
                }
            }
        }
        return outcome
    }
}
