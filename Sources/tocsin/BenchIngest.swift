import ArgumentParser
import Foundation
import TocsinCore
import TocsinEnrich
import TocsinIngest
import TocsinServer
import TocsinStore

extension Bench {
    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse the fixture corpus with the ingest adapters, per format; compare with parsing the same bytes as plain JSON or scanning them as XML.",
            discussion: "Each file's format is detected as `auto` import does; files no adapter recognises and files that fail to parse are counted and listed. Documents are read into memory before timing.")

        @Option(help: "The fixture corpus (default: TOCSIN_FIXTURES, else ../shared/fixtures).") var fixtures: String?
        @Option(name: .customLong("repeat"), help: "Timed repeats per format; the median is reported.") var repeats: Int = 5
        @Option(name: .customLong("format"), help: "Time only this format (repeatable: feed, certfr, cap…); all formats when none is named.")
        var formats: [String] = []
        @Option(help: "Time only documents of this syntax: json or xml (default: both).") var syntax: String?
        @Option(help: "Write every draft the adapters made of the selected documents to this file as JSON (keyed by path), to compare two builds.")
        var drafts: String?

        func run() async throws {
            guard repeats >= 1, repeats <= 1_000 else { throw CLIError("--repeat must be from 1 to 1000") }
            let selectedFormats = try formats.map { name in
                guard let format = IngestFormat(rawValue: name) else {
                    throw CLIError("unknown format '\(name)'; one of \(IngestFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return format
            }
            let selectedSyntax = try syntax.map { name in
                guard let value = BenchCorpus.Syntax(rawValue: name.uppercased()) else { throw CLIError("--syntax must be json or xml") }
                return value
            }
            var corpus = try BenchCorpus.load(BenchCorpus.locate(fixtures))
            corpus.documents.removeAll { document in
                (!selectedFormats.isEmpty && !selectedFormats.contains(document.format)) || (selectedSyntax.map { $0 != document.syntax } ?? false)
            }
            if let drafts {
                let byPath = Dictionary(uniqueKeysWithValues: corpus.documents.map { ($0.path, $0.alerts.map(\.draft)) })
                try TocsinJSON.encoder(pretty: true).encode(byPath).write(to: URL(fileURLWithPath: drafts))
                print("drafts of \(corpus.documents.count) documents written to \(drafts)")
            }
            print("Tocsin ingest benchmark: \(corpus.documents.count) documents in \(corpus.root.path), median of \(repeats) repeats "
                + "(each repeat: whole passes over the group's documents for at least \(BenchTiming.minimumSeconds) s)")
            print("baseline: JSONSerialization.jsonObject for JSON documents, a count of '<' bytes for XML documents; "
                + "cost = the adapter's time / the baseline's time on the same documents, "
                + "per repeat (the median is shown)")
            if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
                print("load average (1, 5, 15 min): \(load.split(separator: " ").prefix(3).joined(separator: ", ")) on \(ProcessInfo.processInfo.activeProcessorCount) cores")
            }
            print("format  syntax   docs  alerts      MB    docs/s     MB/s  baseline MB/s     cost")
            let groups = Dictionary(grouping: corpus.documents) { BenchCorpus.GroupKey(format: $0.format, syntax: $0.syntax) }
            for key in groups.keys.sorted() {
                let documents = groups[key]!
                let bytes = documents.reduce(0) { $0 + $1.data.count }
                let alerts = documents.reduce(0) { $0 + $1.alerts.count }
                var adapterTimes: [Double] = []
                var baselineTimes: [Double] = []
                var costs: [Double] = []
                for _ in 0..<repeats {
                    // Alternated, and the cost taken per repeat, so that a busy spell of the shared machine weighs on
                    // both sides of the ratio.
                    baselineTimes.append(BenchTiming.secondsPerPass {
                        documents.reduce(0) { $0 + (key.syntax == .json ? Self.jsonBaseline($1.data) : Self.xmlBaseline($1.data)) }
                    })
                    adapterTimes.append(BenchTiming.secondsPerPass {
                        documents.reduce(0) { total, document in
                            total + ((try? IngestRegistry.parse(document.data, format: key.format, options: IngestOptions()))?.1.count ?? 0)
                        }
                    })
                    costs.append(adapterTimes.last! / baselineTimes.last!)
                }
                let adapter = BenchTiming.median(adapterTimes)
                let baseline = BenchTiming.median(baselineTimes)
                let megabytes = Double(bytes) / 1_000_000
                print(key.format.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                    + key.syntax.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
                    + String(format: " %6d %7d %7.2f %9.0f %8.2f %14.1f %7.2f×", documents.count, alerts, megabytes,
                             Double(documents.count) / adapter, megabytes / adapter, megabytes / baseline, BenchTiming.median(costs)))
            }
            print("skipped (no adapter recognises them): \(corpus.unrecognised.count) files")
            for path in corpus.unrecognised { print("  \(path)") }
            print("failed to parse: \(corpus.failed.count) files")
            for failure in corpus.failed { print("  \(failure.path) (\(failure.format.rawValue)): \(failure.error)") }
        }

        /// Parses `data` as JSON, as a generic reader would before mapping anything.
        @inline(never) static func jsonBaseline(_ data: Data) -> Int {
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return (object as? [String: Any])?.count ?? (object as? [Any])?.count ?? 1
        }

        /// Reads every byte of `data` once, counting the `<` that open XML markup.
        @inline(never) static func xmlBaseline(_ data: Data) -> Int {
            data.withUnsafeBytes { bytes in bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "<") ? 1 : 0) } }
        }
    }

    struct Enrich: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time indicator extraction and whole-alert enrichment on the corpus against a byte scan; print extraction precision and recall.",
            discussion: "The enricher is built as the server builds it (Public Suffix List from the configuration's default path, no warninglists). Precision and recall are measured on ioc-finder's find_iocs test cases.")

        @Option(help: "Alerts to enrich per repeat, cycling over every draft the adapters produce from the corpus.") var alerts: Int = 20_000
        @Option(name: .customLong("repeat"), help: "Timed repeats; the median is reported.") var repeats: Int = 5
        @Option(help: "The fixture corpus (default: TOCSIN_FIXTURES, else ../shared/fixtures).") var fixtures: String?

        /// The real threat-report texts of the corpus (`ioc/SOURCES.md`). iocextract's files are one-per-line test
        /// patterns and expected outputs, and `find_iocs_cases.json` is test data, so they are left out.
        static let reportTexts = ["ioc/eset/dnsbirthday__README.adoc", "ioc/eset/exchange_exploitation__README.adoc",
                                  "ioc/eset/mispadu__README.adoc", "ioc/eset/mispadu__samples.sha256",
                                  "ioc/ioc-finder/long-article-1.txt"]
        /// The size the report texts are repeated up to, so that one extraction runs long enough to time.
        static let textBytes = 4_000_000

        func run() async throws {
            guard repeats >= 1, repeats <= 1_000 else { throw CLIError("--repeat must be from 1 to 1000") }
            guard alerts >= 1, alerts <= 10_000_000 else { throw CLIError("--alerts must be from 1 to 10000000") }
            let root = try BenchCorpus.locate(fixtures)
            let configuration = TocsinConfiguration()
            // (0) The warninglists' cost at start: building the enricher without and with them, and the memory they hold.
            var withoutLists = configuration
            withoutLists.enrichWarninglists = "none"
            let residentBefore = Self.residentMegabytes()
            var bare: Enricher?
            let bareSeconds = BenchTiming.seconds { bare = try? withoutLists.makeEnricher(warning: { _ in }); return 0 }
            let residentBare = Self.residentMegabytes()
            var loaded = ""
            var enricher = Enricher()
            let fullSeconds = try BenchTiming.seconds {
                enricher = try configuration.makeEnricher(warning: printWarning, notice: { loaded = $0 })
                return 0
            }
            let residentFull = Self.residentMegabytes()
            if loaded.isEmpty {
                print("warninglists: none loaded (install pymispwarninglists: make warninglists)")
            } else {
                print(String(format: "warninglists at start: %@; enricher built in %.0f ms with them, %.0f ms without (Public Suffix List only); %.1f MB resident for the lists (%.1f MB before, %.1f MB with the Public Suffix List)",
                             loaded, fullSeconds * 1000, bareSeconds * 1000, residentFull - residentBare, residentBefore, residentBare))
            }
            _ = bare
            guard let extractor = enricher.indicators else {
                throw CLIError("indicator extraction is off (no Public Suffix List at \(configuration.enrichPublicSuffixList)): install Debian's publicsuffix package")
            }
            print("Tocsin enrichment benchmark: corpus \(root.path), Public Suffix List \(configuration.enrichPublicSuffixList), median of \(repeats) repeats")

            // (1) Extraction over the report texts, against reading the same bytes once.
            var reports = ""
            for path in Self.reportTexts {
                guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
                    throw CLIError("cannot read \(path) in the corpus at \(root.path)")
                }
                reports += String(decoding: data, as: UTF8.self) + "\n"
            }
            let copies = (Self.textBytes + reports.utf8.count - 1) / reports.utf8.count
            let text = String(repeating: reports, count: copies)
            let textMB = Double(text.utf8.count) / 1_000_000
            var extractTimes: [Double] = []
            var scanTimes: [Double] = []
            var extractCosts: [Double] = []
            for _ in 0..<repeats {
                scanTimes.append(BenchTiming.secondsPerPass { Self.digitCount(text) })
                extractTimes.append(BenchTiming.secondsPerPass { extractor.extract(text).count })
                extractCosts.append(extractTimes.last! / scanTimes.last!)
            }
            let found = extractor.extractDetailed(text)
            let extractSeconds = BenchTiming.median(extractTimes)
            let scanSeconds = BenchTiming.median(scanTimes)
            print(String(format: "IOC extraction: %.2f MB (%d report texts, %d KB, repeated %d times), %.1f MB/s, %d distinct indicators",
                         textMB, Self.reportTexts.count, reports.utf8.count / 1_000, copies, textMB / extractSeconds,
                         found.indicators.count) + (found.reachedLimit ? " (the cap was reached)" : ""))
            print(String(format: "  baseline (count of ASCII digits over the same text): %.0f MB/s; extraction costs %.1f× the byte scan",
                         textMB / scanSeconds, BenchTiming.median(extractCosts)))

            // (2) Enrichment of every draft the adapters produce, cycled up to the number asked for.
            let corpus = try BenchCorpus.load(root)
            let drafts = corpus.documents.flatMap { $0.alerts.map(\.draft) }
            guard !drafts.isEmpty else { throw CLIError("the adapters produced no alert from the corpus at \(root.path)") }
            // What enrichment reads of a draft, for the baseline: title, summary, body and references.
            let draftTexts = drafts.map { draft in
                ([draft.title, draft.summary, draft.body ?? ""] + draft.references.map { $0.url + " " + ($0.title ?? "") }).joined(separator: "\n")
            }
            let draftBytes = (0..<alerts).reduce(0) { $0 + draftTexts[$1 % drafts.count].utf8.count }
            var enrichTimes: [Double] = []
            var draftScanTimes: [Double] = []
            var enrichCosts: [Double] = []
            for _ in 0..<repeats {
                draftScanTimes.append(BenchTiming.secondsPerPass {
                    (0..<alerts).reduce(0) { $0 + Self.digitCount(draftTexts[$1 % drafts.count]) }
                })
                enrichTimes.append(BenchTiming.seconds {
                    (0..<alerts).reduce(0) { $0 + enricher.enrich(drafts[$1 % drafts.count]).indicators.count }
                })
                enrichCosts.append(enrichTimes.last! / draftScanTimes.last!)
            }
            let enrichSeconds = BenchTiming.median(enrichTimes)
            let draftScanSeconds = BenchTiming.median(draftScanTimes)
            let added = zip(drafts, drafts.map(enricher.enrich)).reduce(0) { $0 + $1.1.indicators.count - $1.0.indicators.count }
            print(String(format: "enrichment: %d alerts (%d distinct drafts from %d documents, %.1f KB of text each on average), %.0f alerts/s (%.1f MB of text/s)",
                         alerts, drafts.count, corpus.documents.count, Double(draftBytes) / Double(alerts) / 1_000,
                         Double(alerts) / enrichSeconds, Double(draftBytes) / 1_000_000 / enrichSeconds))
            print(String(format: "  baseline (count of ASCII digits over each alert's text): %.0f alerts/s; enrichment costs %.1f× the byte scan",
                         Double(alerts) / draftScanSeconds, BenchTiming.median(enrichCosts)))
            print("  indicators found in the text: \(added) over the \(drafts.count) distinct drafts")

            // (3) Precision on the advisories of the corpus: what enrichment publishes against what they stated.
            let advisories = corpus.documents.flatMap { document in
                document.alerts.map(\.draft).filter { document.format.writesAdvisoryProse($0) }
            }
            let advisoryDefault = IOCAdvisoryPrecision(drafts: advisories, enricher: enricher)
            var proseOn = enricher
            proseOn.advisoryIndicators = true
            let advisoryProse = IOCAdvisoryPrecision(drafts: advisories, enricher: proseOn)
            print("IOC precision on the advisories of the corpus (CSAF, CVE, KEV, CERT-FR avis; truth: the indicators each stated):")
            print("  as configured (advisory prose gives no indicators): " + advisoryDefault.report())
            print("  with enrich.advisoryIndicators on (the context rules alone): " + advisoryProse.report())
            print(String(format: "  goal: precision >= 98%% as configured: %@; with advisory prose on, %d values the advisories did not state over %d advisories (none stated any)",
                         advisoryDefault.precision >= 0.98 ? "met" : "NOT MET", advisoryProse.falsePositives.count, advisoryProse.advisories))

            // (4) Recall on the threat reports of ioc/: iocextract's and ioc-finder's expectations, with the extraction
            // rules alone (no warninglist: their cases expect benign values such as google.com to be found).
            let rules = IOCExtractor(publicSuffixes: extractor.publicSuffixes)
            guard let input = FileManager.default.contents(atPath: root.appendingPathComponent("ioc/iocextract/input.txt").path),
                  let valid = FileManager.default.contents(atPath: root.appendingPathComponent("ioc/iocextract/valid.txt").path) else {
                throw CLIError("cannot read iocextract's input.txt and valid.txt in the corpus at \(root.path)")
            }
            let iocextract = IOCEvaluationCase.iocextractCase(input: String(decoding: input, as: UTF8.self),
                                                              valid: String(decoding: valid, as: UTF8.self))
            let iocextractEvaluation = IOCEvaluation(cases: [iocextract], kinds: Set(iocextract.expected.keys)) { rules.extract($0) }
            print("IOC recall on iocextract's input.txt against valid.txt (ioc/iocextract):")
            print(iocextractEvaluation.report())

            // (5) Precision and recall on ioc-finder's cases, with the same Public Suffix List and no warninglist.
            let casesPath = "ioc/ioc-finder/find_iocs_cases.json"
            guard let casesData = FileManager.default.contents(atPath: root.appendingPathComponent(casesPath).path) else {
                throw CLIError("cannot read the ioc-finder cases at \(root.appendingPathComponent(casesPath).path)")
            }
            let cases = try IOCEvaluationCase.iocFinderCases(casesData)
            let options = Dictionary(cases.map { ($0.evaluationCase.id, $0.options) }, uniquingKeysWith: { first, _ in first })
            let evaluation = IOCEvaluation(cases: cases.map(\.evaluationCase), kinds: IOCExtractor.Options.extractableKinds) { item in
                IOCExtractor(publicSuffixes: extractor.publicSuffixes, options: options[item.id] ?? .init()).extract(item.text)
            }
            print("IOC precision and recall on ioc-finder's find_iocs cases (\(casesPath)):")
            print(evaluation.report())
            let threatRecall = IOCEvaluation.Score(
                truePositives: iocextractEvaluation.overall.truePositives + evaluation.overall.truePositives,
                falsePositives: iocextractEvaluation.overall.falsePositives + evaluation.overall.falsePositives,
                falseNegatives: iocextractEvaluation.overall.falseNegatives + evaluation.overall.falseNegatives)
            print(String(format: "recall on the threat reports (iocextract and ioc-finder together): %.1f%%; goal >= 95%%: %@",
                         threatRecall.recall * 100, threatRecall.recall >= 0.95 ? "met" : "NOT MET"))
        }

        /// The resident memory of this process now, from `/proc/self/statm` (0 where there is none).
        static func residentMegabytes() -> Double {
            guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
                  let pages = text.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
            return pages * 4096 / 1_048_576
        }

        /// The ASCII digits in `text`: one read of every UTF-8 byte.
        @inline(never) static func digitCount(_ text: String) -> Int {
            var text = text
            return text.withUTF8 { bytes in bytes.reduce(0) { $0 + ($1 &- UInt8(ascii: "0") < 10 ? 1 : 0) } }
        }
    }
}

/// The fixture corpus as the ingest benchmarks see it: every file read into memory, its format detected as `auto`
/// import does, parsed once to count its alerts.
struct BenchCorpus {
    /// How a document is written, which decides its baseline.
    enum Syntax: String, Comparable {
        case json = "JSON", xml = "XML"
        static func < (lhs: Syntax, rhs: Syntax) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// One row of the ingest benchmark: a format written in one syntax (feeds and CERT-FR come in both).
    struct GroupKey: Hashable, Comparable {
        var format: IngestFormat
        var syntax: Syntax
        static func < (lhs: GroupKey, rhs: GroupKey) -> Bool {
            let left = IngestFormat.allCases.firstIndex(of: lhs.format)!, right = IngestFormat.allCases.firstIndex(of: rhs.format)!
            return left != right ? left < right : lhs.syntax < rhs.syntax
        }
    }

    struct Document {
        var path: String
        var data: Data
        var format: IngestFormat
        var syntax: Syntax
        var alerts: [IngestedAlert]
    }

    var root: URL
    var documents: [Document] = []
    /// Paths, relative to the root, of the files no adapter recognises.
    var unrecognised: [String] = []
    var failed: [(path: String, format: IngestFormat, error: String)] = []

    /// The corpus folder: `option`, else `TOCSIN_FIXTURES`, else `../shared/fixtures` from the working directory.
    static func locate(_ option: String?) throws -> URL {
        let environment = ProcessInfo.processInfo.environment["TOCSIN_FIXTURES"].flatMap { $0.isEmpty ? nil : $0 }
        let path = option ?? environment ?? "../shared/fixtures"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            let origin = option != nil ? " (--fixtures)" : environment != nil ? " (TOCSIN_FIXTURES)" : " from \(FileManager.default.currentDirectoryPath)"
            throw CLIError("the fixture corpus was not found at \(path)\(origin): pass --fixtures DIR or set TOCSIN_FIXTURES")
        }
        return URL(fileURLWithPath: path).standardizedFileURL
    }

    /// Every regular file under `root`, sorted by path, read, detected and parsed once.
    static func load(_ root: URL) throws -> BenchCorpus {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                              options: [.skipsHiddenFiles]) else {
            throw CLIError("cannot list the fixture corpus at \(root.path)")
        }
        var files: [URL] = []
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(url)
        }
        var corpus = BenchCorpus(root: root)
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for url in files.sorted(by: { $0.path < $1.path }) {
            let path = url.standardizedFileURL.path.hasPrefix(prefix) ? String(url.standardizedFileURL.path.dropFirst(prefix.count)) : url.path
            guard let data = FileManager.default.contents(atPath: url.path) else { throw CLIError("cannot read \(url.path)") }
            guard let format = IngestRegistry.detect(data) else {
                corpus.unrecognised.append(path)
                continue
            }
            do {
                let alerts = try IngestRegistry.parse(data, format: format, options: IngestOptions()).1
                corpus.documents.append(Document(path: path, data: data, format: format, syntax: syntax(of: data), alerts: alerts))
            } catch {
                corpus.failed.append((path, format, error.description))
            }
        }
        return corpus
    }

    /// XML when the first byte after a byte-order mark and white space opens markup, JSON otherwise.
    static func syntax(of data: Data) -> Syntax {
        var bytes = data.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3).drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 } }
        return bytes.first == UInt8(ascii: "<") ? .xml : .json
    }
}

/// Timing for the CPU-bound benchmarks: wall-clock time on the continuous clock, results consumed so that the
/// optimiser cannot drop the work.
enum BenchTiming {
    /// A repeat runs whole passes until this much time has gone, so that a small group is not timed on one short pass.
    static let minimumSeconds = 0.2

    /// Seconds of one call to `pass`, averaged over as many calls as fit in `minimumSeconds` (at least one).
    static func secondsPerPass(_ pass: () -> Int) -> Double {
        var passes = 0
        var total = 0
        let start = ContinuousClock.now
        var elapsed = 0.0
        repeat {
            total &+= pass()
            passes += 1
            elapsed = (ContinuousClock.now - start).seconds
        } while elapsed < minimumSeconds
        consume(total)
        return elapsed / Double(passes)
    }

    /// Seconds of one call to `body`.
    static func seconds(_ body: () throws -> Int) rethrows -> Double {
        let start = ContinuousClock.now
        let total = try body()
        let elapsed = (ContinuousClock.now - start).seconds
        consume(total)
        return elapsed
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    @inline(never) static func consume(_ value: Int) {
        if value == Int.min { print("") }
    }
}
