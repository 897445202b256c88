/// "Did you mean" hints for misspelt keys and values, by Levenshtein edit distance.
public enum Suggestion {
    /// `; did you mean "x"?` for the closest candidate within max(2, length/3) edits, else "".
    public static func hint(for text: String, among candidates: [String]) -> String {
        let limit = max(2, text.count / 3)
        let scored = candidates.map { ($0, distance(text.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return "" }
        return "; did you mean \"\(best.0)\"?"
    }

    /// Levenshtein distance (insertions, deletions, substitutions each cost 1).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
