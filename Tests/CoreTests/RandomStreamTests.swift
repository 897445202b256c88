import Testing
@testable import Core

@Suite struct RandomStreamTests {
    @Test func sameSeedAndStreamGiveSameSequence() {
        var a = RandomStream(seed: 7, stream: 3), b = RandomStream(seed: 7, stream: 3)
        for _ in 0..<100 { #expect(a.next() == b.next()) }
    }

    @Test func neighbouringStreamsDiffer() {
        var a = RandomStream(seed: 7, stream: 3), b = RandomStream(seed: 7, stream: 4), c = RandomStream(seed: 8, stream: 3)
        let x = (0..<8).map { _ in a.next() }, y = (0..<8).map { _ in b.next() }, z = (0..<8).map { _ in c.next() }
        #expect(x != y && x != z && y != z)
    }

    /// Mean 1/2 and variance 1/12 of U(0,1); standard normal mean 0, variance 1.
    /// Tolerances: 5 standard errors for n = 200 000.
    @Test func momentsMatchTheDistributions() {
        var r = RandomStream(seed: 2024)
        let n = 200_000
        var s = 0.0, s2 = 0.0, ns = 0.0, ns2 = 0.0
        for _ in 0..<n {
            let u = r.uniform(); #expect(u >= 0 && u < 1)
            s += u; s2 += u * u
            let g = r.normal(); ns += g; ns2 += g * g
        }
        let mean = s / Double(n), variance = s2 / Double(n) - mean * mean
        #expect(abs(mean - 0.5) < 5 * (1.0 / 12).squareRoot() / Double(n).squareRoot())
        #expect(abs(variance - 1.0 / 12) < 0.002)
        #expect(abs(ns / Double(n)) < 5 / Double(n).squareRoot())
        #expect(abs(ns2 / Double(n) - 1) < 0.015)
    }
}
