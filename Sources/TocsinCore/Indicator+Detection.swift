import Foundation

extension Indicator {
    /// True when the indicator may be used to detect or block: the source stated it (an extracted one is for a person
    /// to check first) and did not say it is not for detection (MISP `to_ids: false`). Every exit that hands
    /// indicators to machines (STIX `indicator` objects with a pattern, MISP attributes with `to_ids`) asks this.
    public var isForDetection: Bool { effectiveOrigin == .stated && toIds != false }
}
