import TocsinCore

extension AlertDraft {
    /// The draft with classification applied: categories replaced by `Classification.classify`'s (which keep
    /// the ones it had), severity normalised, and the reason for a severity change kept in
    /// `tocsin.severityRaisedBecause` and the severity before it in `tocsin.severityBeforeClassification`.
    public func classified() -> AlertDraft {
        var draft = self
        let result = Classification.classify(self)
        draft.categories = result.categories
        draft.attributes.apply(result, previous: severity)
        draft.severity = result.severity
        return draft
    }
}

extension Alert {
    /// The alert with classification applied, as `AlertDraft.classified()` does for a draft.
    public func classified() -> Alert {
        var alert = self
        let result = Classification.classify(self)
        alert.categories = result.categories
        alert.attributes.apply(result, previous: severity)
        alert.severity = result.severity
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
