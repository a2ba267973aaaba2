import Foundation

extension SourcePoller {
    /// Polls every enabled source at its interval until the calling task is cancelled, then returns promptly.
    ///
    /// Each source has its own schedule: the first round comes at the `nextAttemptAt` its saved state records
    /// (or within `schedule.startSpread` for a new source), later rounds after `interval` with jitter, backing
    /// off exponentially while rounds fail. Sources run concurrently; a slow source delays no other.
    public func run(sources: [SourceConfiguration]) async {
        let enabled = sources.filter(\.enabled)
        log(.info, "source polling started", ["sources": enabled.map(\.name).joined(separator: ",")])
        await withTaskGroup(of: Void.self) { group in
            for source in enabled {
                group.addTask { await self.loop(source) }
            }
        }
        log(.info, "source polling stopped", [:])
    }

    private func loop(_ source: SourceConfiguration) async {
        let saved = (try? await store.load(source.name)) ?? nil
        var due = options.schedule.firstAttempt(interval: source.interval, state: saved, now: options.now(), random: options.random())
        while !Task.isCancelled {
            let wait = due.timeIntervalSince(options.now())
            do {
                try await options.sleep(max(wait, 0))
            } catch {
                return
            }
            guard !Task.isCancelled else { return }
            let state = await pollOnce(source)
            let now = options.now()
            due = state.nextAttemptAt ?? now
            if due <= now {
                // The round was skipped (another was running): wait as if this one had just happened.
                due = now.addingTimeInterval(options.schedule.delay(interval: source.interval, consecutiveFailures: state.consecutiveFailures,
                                                                    random: options.random()))
            }
        }
    }
}
