import Core
@testable import Dose
import Testing

/// The Monte Carlo pencil-beam kernel: reproducibility, partitions and table lookup.
struct PencilBeamKernelTests {
    @Test("Same seed and histories → bitwise identical kernel; another seed differs; partial sums are order-free inputs")
    func reproducible() throws {
        let simulation = try PencilBeamFixture.simulation(histories: 3000, seed: 3)
        let a = try simulation.kernel(), b = try simulation.kernel()
        #expect(a == b)
        let other = try PencilBeamFixture.simulation(histories: 3000, seed: 4).kernel()
        #expect(other.valuesGy != a.valuesGy)
        let big = try PencilBeamFixture.simulation(histories: 200_002, seed: 3)
        #expect(big.partitionCount == 3 && (0..<3).map(big.histories(ofPartition:)) == [66_668, 66_667, 66_667])
    }

    @Test("Partitions run separately, in reverse order, and assembled in partition order give the bits of the in-process kernel")
    func partitionsAreIndependent() throws {
        let simulation = try PencilBeamFixture.simulation(histories: 200_000)
        #expect(simulation.partitionCount == 2)
        let second = try simulation.partialSum(partition: 1), first = try simulation.partialSum(partition: 0)
        #expect(try simulation.kernel(partialSums: [first, second]) == PencilBeamFixture.kernel)
        #expect(throws: DoseError.self) { try simulation.kernel(partialSums: [first]) }
    }

    @Test("Lookup: exact at table nodes, linear between depth nodes, zero beyond the lateral extent, inverse square applied")
    func lookup() throws {
        let k = PencilBeamFixture.kernel
        let n = k.lateralCount
        for (d, j, i) in [(3, 0, 0), (10, 2, 5), (20, 7, 1)] {
            let node = Double(k.valuesGy[(d * n + j) * n + i])
            let looked = k.value(depthMM: (Double(d) + 0.5) * k.depthSpacingMM, uMM: Double(i) * k.lateralSpacingMM, vMM: -Double(j) * k.lateralSpacingMM)
            #expect(abs(looked - node) <= 1e-6 * max(node, 1e-12))
        }
        let mid = k.value(depthMM: 6 * k.depthSpacingMM, uMM: 0, vMM: 0)
        let ends = (Double(k.valuesGy[(5 * n) * n]) + Double(k.valuesGy[(6 * n) * n])) / 2
        #expect(abs(mid - ends) <= 1e-6 * ends)
        #expect(k.value(depthMM: 50, uMM: k.lateralExtentMM + 1, vMM: 0) == 0)
        #expect(abs(k.doseGy(depthMM: 50, uMM: 0, vMM: 0, axisDistanceMM: 800) / k.value(depthMM: 50, uMM: 0, vMM: 0) - 1.5625) < 1e-12)
        // The cut-off grows as the threshold falls, and the whole table lies within the threshold-0 reach.
        #expect(k.cutoffMM(thresholdRelative: 0.01) < k.cutoffMM(thresholdRelative: 0.001))
        #expect(k.cutoffMM(thresholdRelative: 0) == k.lateralExtentMM)
    }
}
