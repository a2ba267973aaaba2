/// One keyword rule: a phrase of whole words that, found in an alert's text, gives a category.
///
/// A phrase is written as its words separated by spaces, apostrophes or hyphens, in any case and with accents
/// (it is folded like the text). A word ending in `*` matches any word starting with it (`rançongiciel*` matches `rançongiciels`); `#`
/// matches a word made only of digits (`cve # #` matches `CVE-2024-3400`); a word ending in `#` matches that
/// prefix followed by digits only (`apt#` matches `APT28`, not `apt` or `aptitude`). A rule with no category is
/// a guard: it consumes its words so that a shorter rule inside it does not fire (`systèmes d'exploitation`
/// keeps `exploitation` from counting).
struct ClassificationKeywordRule: Sendable {
    let phrase: String
    let category: String?
    /// What the reason shows: the phrase as written, or a friendlier form.
    let shown: String
    let words: [ClassificationWordPattern]

    init(_ phrase: String, _ category: String?, shown: String? = nil) {
        self.phrase = phrase
        self.category = category
        self.shown = shown ?? phrase.replacingOccurrences(of: "*", with: "")
        // Apostrophes and hyphens separate words in text, so they do in phrases ("d'exploitation", "zero-day").
        words = phrase.split(whereSeparator: { $0 == " " || $0 == "'" || $0 == "-" }).map { ClassificationWordPattern(String($0)) }
    }
}

/// One word of a keyword phrase.
enum ClassificationWordPattern: Sendable, Hashable {
    case exact(String)
    case prefix(String)
    case digits
    case prefixThenDigits(String)

    init(_ written: String) {
        if written == "#" {
            self = .digits
        } else if written.hasSuffix("#") {
            self = .prefixThenDigits(Self.fold(String(written.dropLast())))
        } else if written.hasSuffix("*") {
            self = .prefix(Self.fold(String(written.dropLast())))
        } else {
            self = .exact(Self.fold(written))
        }
    }

    private static func fold(_ word: String) -> String {
        ClassificationFoldedText.words(of: word).joined()
    }

    func matches(_ word: String) -> Bool {
        guard !word.isEmpty else { return false }
        switch self {
        case let .exact(expected): return word == expected
        case let .prefix(start): return word.hasPrefix(start)
        case .digits: return word.utf8.allSatisfy { (0x30...0x39).contains($0) }
        case let .prefixThenDigits(start):
            guard word.count > start.count, word.hasPrefix(start) else { return false }
            return word.utf8.dropFirst(start.utf8.count).allSatisfy { (0x30...0x39).contains($0) }
        }
    }
}

/// A compiled set of keyword rules, scanned once over folded text.
///
/// At each word the longest rule that matches from there wins and its words are consumed; rules are indexed by
/// their first word (exact words by value, prefixes by their first three letters) so that a scan costs about one
/// dictionary look-up per word whatever the number of rules.
struct ClassificationKeywordMatcher: Sendable {
    /// A category found in the text and the rule that found it first.
    struct Match: Sendable, Hashable {
        let category: String
        let rule: String
    }

    private let rules: [ClassificationKeywordRule]
    private let byFirstWord: [String: [Int]]
    private let byPrefixHead: [String: [Int]]

    /// Words that, among the few before a keyword in the same sentence, cancel it ("not exploited", "aucune
    /// exploitation active", "n'a pas connaissance d'exploitation").
    static let negations: Set<String> = [
        "not", "no", "never", "without", "nor", "isn", "aren", "wasn", "weren", "hasn", "haven", "doesn", "didn",
        "pas", "aucun", "aucune", "jamais", "sans", "ni",
    ]
    /// How many words before a keyword are looked at for a negation.
    static let negationWindow = 4

    init(_ rules: [ClassificationKeywordRule]) {
        self.rules = rules
        var byFirstWord: [String: [Int]] = [:]
        var byPrefixHead: [String: [Int]] = [:]
        for (index, rule) in rules.enumerated() {
            switch rule.words.first {
            case let .exact(word)?: byFirstWord[word, default: []].append(index)
            case let .prefix(start)?, let .prefixThenDigits(start)?:
                precondition(start.count >= 3, "keyword rule '\(rule.phrase)' must start with at least three letters")
                byPrefixHead[String(start.prefix(3)), default: []].append(index)
            case .digits?, nil:
                preconditionFailure("keyword rule '\(rule.phrase)' must start with a word")
            }
        }
        self.byFirstWord = byFirstWord
        self.byPrefixHead = byPrefixHead
    }

    /// The categories the text shows, each once, in the order they first appear.
    func matches(in text: ClassificationFoldedText, ignoring ignored: Set<String> = []) -> [Match] {
        let words = text.words
        var found: [Match] = []
        var seen = ignored
        var index = 0
        while index < words.count {
            let word = words[index]
            guard !word.isEmpty, let rule = longestRule(at: index, in: words) else {
                index += 1
                continue
            }
            if let category = rule.category, !seen.contains(category), !Self.isNegated(before: index, in: words) {
                seen.insert(category)
                found.append(Match(category: category, rule: rule.shown))
            }
            index += rule.words.count
        }
        return found
    }

    private func longestRule(at index: Int, in words: [String]) -> ClassificationKeywordRule? {
        let word = words[index]
        var best: ClassificationKeywordRule?
        if let exact = byFirstWord[word] { best = longest(among: exact, at: index, in: words, than: best) }
        if word.utf8.count >= 3, let prefixed = byPrefixHead[String(word.prefix(3))] {
            best = longest(among: prefixed, at: index, in: words, than: best)
        }
        return best
    }

    private func longest(among candidates: [Int], at index: Int, in words: [String], than best: ClassificationKeywordRule?) -> ClassificationKeywordRule? {
        var best = best
        for candidate in candidates {
            let rule = rules[candidate]
            guard rule.words.count > (best?.words.count ?? 0), index + rule.words.count <= words.count else { continue }
            var matched = true
            for (offset, pattern) in rule.words.enumerated() where !pattern.matches(words[index + offset]) {
                matched = false
                break
            }
            if matched { best = rule }
        }
        return best
    }

    private static func isNegated(before index: Int, in words: [String]) -> Bool {
        var position = index - 1
        var looked = 0
        while position >= 0, looked < negationWindow {
            let word = words[position]
            if word.isEmpty { return false }
            if negations.contains(word) { return true }
            position -= 1
            looked += 1
        }
        return false
    }
}
