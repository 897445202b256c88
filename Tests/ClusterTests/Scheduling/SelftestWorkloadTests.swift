import Testing
@testable import Cluster

/// The selftest arithmetic against independent references: published FNV-1a 64 test vectors, a byte-by-byte
/// checksum, and the stencil's exact fixed points and binomial impulse response.
@Suite struct SelftestWorkloadTests {
    /// FNV-1a 64 vectors from the FNV reference test suite (Fowler/Noll/Vo, fnv_test.c).
    @Test(arguments: [("", UInt64(0xcbf2_9ce4_8422_2325)), ("a", 0xaf63_dc4c_8601_ec8c), ("foobar", 0x8594_4171_f739_67e8)])
    func fnv1a64MatchesPublishedVectors(text: String, expected: UInt64) {
        #expect(SelftestWorkload.fnv1a64(Array(text.utf8)) == expected)
    }

    @Test func checksumIsFNVOfIndexThenLittleEndianVoxels() {
        let voxels: [Int16] = [0, 1, -1, 1000, -1024, .max, .min]
        var bytes: [UInt8] = [7, 0, 0, 0, 0, 0, 0, 0]
        for v in voxels { let u = UInt16(bitPattern: v); bytes += [UInt8(u & 0xff), UInt8(u >> 8)] }
        #expect(SelftestWorkload.checksum(task: 7, voxels: voxels) == SelftestWorkload.fnv1a64(bytes))
        #expect(SelftestWorkload.checksum(task: 8, voxels: voxels) != SelftestWorkload.checksum(task: 7, voxels: voxels))
        #expect(SelftestWorkload.checksum(task: 0, voxels: []) == SelftestWorkload.fnv1a64([UInt8](repeating: 0, count: 8)))
    }

    /// Constants and linear ramps are exact fixed points (tolerance 0: the arithmetic is exact on small integers).
    @Test func constantsAndRampsAreFixedPoints() {
        let constant = [Int16](repeating: -300, count: 50)
        #expect(SelftestWorkload.stencilSum(voxels: constant, iterations: 25) == -15_000)
        let ramp = (0..<64).map { Int16(3 * $0 - 90) }
        #expect(SelftestWorkload.stencilSum(voxels: ramp, iterations: 40) == Double(ramp.reduce(0) { $0 + Int($1) }))
        #expect(SelftestWorkload.stencilSum(voxels: [5, 9], iterations: 3) == 14, "two voxels: both are ends")
        #expect(SelftestWorkload.stencilSum(voxels: [], iterations: 3) == 0)
    }

    /// k sweeps spread an impulse of 4^k into C(2k, k+j) at offset j, exactly (tolerance 0), summing to 4^k.
    @Test func impulseSpreadsIntoBinomialWeights() {
        let k = 6, centre = 20
        var voxels = [Int16](repeating: 0, count: 41)
        voxels[centre] = 4096  // 4^6
        let swept = SelftestWorkload.stencil(voxels: voxels, iterations: k)
        for offset in -k...k { #expect(swept[centre + offset] == Double(binomial(2 * k, k + offset)), "offset \(offset)") }
        #expect(swept[centre + k + 1] == 0 && swept[centre - k - 1] == 0)
        #expect(SelftestWorkload.stencilSum(voxels: voxels, iterations: k) == 4096)
    }

    @Test func payloadIsReproducibleAndSeedDependent() {
        let a = SelftestWorkload.payload(count: 1001, seed: 5)
        #expect(a.count == 1001)
        #expect(a == SelftestWorkload.payload(count: 1001, seed: 5))
        #expect(a != SelftestWorkload.payload(count: 1001, seed: 6))
        #expect(Set(a).count > 200, "bytes look random")
    }

    @Test func combinedChecksumDependsOnOrder() {
        let forward = SelftestWorkload.combined(checksums: [1, 2], stencilSums: [0.5, -3])
        #expect(forward != SelftestWorkload.combined(checksums: [2, 1], stencilSums: [-3, 0.5]))
        #expect(SelftestWorkload.combined(checksums: [], stencilSums: []) == SelftestWorkload.fnvOffsetBasis)
    }

    private func binomial(_ n: Int, _ k: Int) -> Int { (0..<k).reduce(1) { $0 * (n - $1) / ($1 + 1) } }
}
