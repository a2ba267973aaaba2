import Foundation
import TocsinCore

extension SourcePoller {
    /// A CSAF provider: reads `provider-metadata.json`, then follows its ROLIE feeds whose TLP is allowed, or,
    /// when it lists no ROLIE feed, the `changes.csv` of its directories; fetches the documents listed since the
    /// last round and hands each to the sink as CSAF. A failing feed or document is reported and the others go on.
    func pollProvider(_ source: SourceConfiguration, state: inout SourceState, round: inout SourcePollRound) async {
        var fetched = await fetch(source.url, source: source, state: &state, round: &round)
        if case .notModified = fetched, state.csafPlan == nil {
            // A 304 is only useful with the distributions it confirms; without them, read the metadata again.
            fetched = await fetch(source.url, source: source, state: &state, round: &round, conditional: false)
        }
        let plan: SourceCSAFPlan
        switch fetched {
        case .notModified:
            guard let cached = state.csafPlan else { return }
            plan = cached
        case .content(let data, let validators):
            do {
                plan = SourceCSAFPlan(try CSAFProviderMetadata.parse(data))
            } catch {
                state.validators[source.url] = nil
                round.sourceErrors.append("\(source.url): provider metadata rejected: \(error.description)")
                return
            }
            state.csafPlan = plan
            state.validators[source.url] = validators
        case .failed(let message):
            round.sourceErrors.append(message)
            // Follow the distributions known from the last round while the metadata is unavailable.
            guard let cached = state.csafPlan else { return }
            plan = cached
        }

        if !plan.feeds.isEmpty {
            for feed in plan.feeds {
                guard let tlp = feed.tlp, source.csafFeedTLPs.contains(tlp) else {
                    log(.debug, "CSAF ROLIE feed not followed: its TLP is not allowed",
                        ["source": source.name, "url": feed.url, "tlp": feed.tlpLabel])
                    continue
                }
                await pollROLIEFeed(feed.url, tlp: tlp, source: source, state: &state, round: &round)
            }
        } else if !plan.directories.isEmpty {
            for directory in plan.directories {
                await pollDirectory(directory, source: source, state: &state, round: &round)
            }
        } else {
            round.sourceErrors.append("\(source.url): the provider metadata lists neither a ROLIE feed nor a directory")
        }
    }

    private func pollROLIEFeed(_ url: String, tlp: TLP, source: SourceConfiguration, state: inout SourceState, round: inout SourcePollRound) async {
        let data: Data
        let validators: SourceValidators?
        switch await fetch(url, source: source, state: &state, round: &round) {
        case .notModified: return
        case .failed(let message):
            round.listingErrors.append(message)
            return
        case .content(let body, let offered):
            data = body
            validators = offered
        }
        let feed: CSAFROLIEFeed
        do {
            feed = try CSAFROLIEFeed.parse(data)
        } catch {
            round.listingErrors.append("\(url): ROLIE feed rejected: \(error.description)")
            return
        }
        // The feed's TLP is the floor: a source default may narrow it, never widen it.
        let defaultTLP = max(tlp, source.defaultTLP ?? tlp)
        let candidates = feed.entries.map {
            SourceCSAFCandidate(url: $0.documentURL, updated: $0.updated ?? $0.published, defaultTLP: defaultTLP)
        }
        await processListing(url, candidates: candidates, validators: validators, source: source, state: &state, round: &round)
    }

    private func pollDirectory(_ directory: String, source: SourceConfiguration, state: inout SourceState, round: inout SourcePollRound) async {
        guard let base = URL(string: directory), JSONIngestDraft.isWebURL(directory) else {
            round.listingErrors.append("\(directory): the directory URL is not an http or https URL")
            return
        }
        let url = directory + "changes.csv"
        let data: Data
        let validators: SourceValidators?
        switch await fetch(url, source: source, state: &state, round: &round) {
        case .notModified: return
        case .failed(let message):
            round.listingErrors.append(message)
            return
        case .content(let body, let offered):
            data = body
            validators = offered
        }
        let changes: [CSAFDirectoryListing.Change]
        do {
            changes = try CSAFDirectoryListing.changes(data)
        } catch {
            round.listingErrors.append("\(url): rejected: \(error.description)")
            return
        }
        let cursor = state.cursors[url]
        var candidates: [SourceCSAFCandidate] = []
        for change in changes {
            guard let document = CSAFDirectoryListing.url(of: change.path, in: base) else {
                if cursor.map({ change.updated > $0 }) ?? true {
                    round.documentsAttempted += 1
                    round.documentErrors.append("\(url): '\(change.path.prefix(200))' is not a document path inside the directory")
                }
                continue
            }
            candidates.append(SourceCSAFCandidate(url: document.absoluteString, updated: change.updated, defaultTLP: source.defaultTLP))
        }
        await processListing(url, candidates: candidates, validators: validators, source: source, state: &state, round: &round)
    }

    /// Fetches the listing's documents newer than its cursor, oldest first, then moves the cursor past those
    /// done. The listing's own validators are kept only when nothing is left for a later round: otherwise a 304
    /// on the listing would hide the documents still to fetch.
    private func processListing(_ listingURL: String, candidates: [SourceCSAFCandidate], validators: SourceValidators?,
                                source: SourceConfiguration, state: inout SourceState, round: inout SourcePollRound) async {
        let (selected, truncated) = SourceCSAFSelection.select(candidates, after: state.cursors[listingURL], limit: source.documentLimit)
        var done: [SourceCSAFCandidate] = []
        var pending: [SourceCSAFCandidate] = []
        for (index, candidate) in selected.enumerated() {
            if Task.isCancelled {
                pending += selected[index...]
                break
            }
            if round.documentsDone.contains(candidate.url) {
                done.append(candidate)
                continue
            }
            switch await processDocument(candidate, source: source, state: &state, round: &round) {
            case true:
                done.append(candidate)
                round.documentsDone.insert(candidate.url)
            case false:
                pending.append(candidate)
            }
        }
        state.cursors[listingURL] = SourceCSAFSelection.advancedCursor(from: state.cursors[listingURL], done: done, pending: pending)
        state.validators[listingURL] = pending.isEmpty && !truncated ? validators : nil
        if truncated {
            log(.info, "CSAF listing has more new documents than one round takes; continuing next round",
                ["source": source.name, "url": listingURL, "limit": "\(source.documentLimit)"])
        }
    }

    /// One listed document: conditional GET, then the sink. True when it is done (handed, unchanged, or
    /// rejected for good); false when it must be fetched again next round.
    private func processDocument(_ candidate: SourceCSAFCandidate, source: SourceConfiguration, state: inout SourceState,
                                 round: inout SourcePollRound) async -> Bool {
        guard JSONIngestDraft.isWebURL(candidate.url) else {
            round.documentsAttempted += 1
            round.documentErrors.append("\(candidate.url.prefix(200)): not an http or https URL")
            return true
        }
        round.documentsAttempted += 1
        switch await fetch(candidate.url, source: source, state: &state, round: &round) {
        case .notModified:
            return true
        case .failed(let message):
            round.documentErrors.append(message)
            log(.warning, "CSAF document could not be fetched", ["source": source.name, "url": candidate.url, "error": scrubbed(message, source)])
            return false
        case .content(let data, let validators):
            switch await hand(data, url: candidate.url, format: .csaf, options: source.ingestOptions(defaultTLP: candidate.defaultTLP), round: &round) {
            case .accepted:
                state.validators[candidate.url] = validators
                return true
            case .rejected(let message):
                state.validators[candidate.url] = nil
                round.documentErrors.append(message)
                log(.warning, "CSAF document rejected", ["source": source.name, "url": candidate.url, "error": scrubbed(message, source)])
                return true
            case .failed(let message):
                state.validators[candidate.url] = nil
                round.documentErrors.append(message)
                log(.warning, "CSAF document could not be stored", ["source": source.name, "url": candidate.url, "error": scrubbed(message, source)])
                return false
            }
        }
    }

    private func scrubbed(_ message: String, _ source: SourceConfiguration) -> String {
        SourceRedaction.scrub(message, secrets: source.secrets)
    }
}
