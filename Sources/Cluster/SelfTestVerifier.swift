/// Collects mismatches during one self-test check without stopping it, so that every rank keeps making the
/// same sequence of collective calls even when some comparison fails.
struct SelfTestVerifier {
    private(set) var failures: [String] = []

    /// Records `message` unless `condition` holds.
    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { failures.append(message()) }
    }

    /// Records the first difference between `got` and `expected` (length, then the first differing index).
    mutating func expectEqual<Element: Equatable>(_ got: [Element], _ expected: [Element], _ what: String) {
        guard got.count == expected.count else {
            failures.append("\(what): got \(got.count) elements, expected \(expected.count)")
            return
        }
        if let index = got.indices.first(where: { got[$0] != expected[$0] }) {
            failures.append("\(what): element \(index) is \(got[index]), expected \(expected[index])")
        }
    }
}
