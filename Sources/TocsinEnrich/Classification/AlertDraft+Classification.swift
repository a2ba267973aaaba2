import TocsinCore

extension AlertContent {
    /// The content with classification applied: categories replaced by `Classification.classify`'s (which keep
    /// the ones it had), severity normalised, and the reason for a severity change kept in
    /// `tocsin.severityRaisedBecause` and the severity before it in `tocsin.severityBeforeClassification`.
    public func classified() -> AlertContent {
        var content = self
        let result = Classification.classify(self)
        content.categories = result.categories
        content.attributes.apply(result, previous: severity)
        content.severity = result.severity
        return content
    }
}

extension AlertDraft {
    /// The draft with its content classified (`AlertContent.classified()`).
    public func classified() -> AlertDraft {
        var draft = self
        draft.content = content.classified()
        return draft
    }
}

extension Alert {
    /// The alert with its content classified, as a draft's is (re-classification after the rules change).
    public func classified() -> Alert {
        var alert = self
        alert.content = content.classified()
        return alert
    }
}

extension [String: String] {
    /// Records a severity change so that classifying again starts from the same severity and gives the same
    /// result.
    fileprivate mutating func apply(_ result: ClassificationResult, previous: Severity) {
        if let because = result.severityRaisedBecause {
            if self[ClassificationSeverity.originalAttribute] == nil {
                self[ClassificationSeverity.originalAttribute] = previous.rawValue
            }
            self[ClassificationSeverity.reasonAttribute] = because
        } else {
            self[ClassificationSeverity.originalAttribute] = nil
            self[ClassificationSeverity.reasonAttribute] = nil
        }
    }
}
