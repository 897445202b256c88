/// Energy tally on the dose grid with batch statistics, reused from beamlet to beamlet.
///
/// During a batch deposits add up in `batchEnergy`; at the end of the batch each touched voxel adds
/// its batch energy E_b to `sum` and E_b²/n_b (n_b histories in the batch) to `sumSquares`.
/// Only touched voxels are visited, so a beamlet costs time in proportion to the voxels it reaches.
struct DoseScorer: Sendable {
    var batchEnergy: [Double]
    var sum: [Double]
    var sumSquares: [Double]
    var batchTouched: [Int] = []
    var touched: [Int] = []

    init(voxelCount: Int) {
        batchEnergy = [Double](repeating: 0, count: voxelCount)
        sum = batchEnergy
        sumSquares = batchEnergy
    }

    /// Adds `energyMeV` (> 0) to voxel `v`.
    @inline(__always) mutating func deposit(_ v: Int, _ energyMeV: Double) {
        if batchEnergy[v] == 0 { batchTouched.append(v) }
        batchEnergy[v] += energyMeV
    }

    /// Closes a batch of `histories` histories.
    mutating func endBatch(histories: Int) {
        let n = Double(histories)
        for v in batchTouched {
            let e = batchEnergy[v]
            if sum[v] == 0 { touched.append(v) }
            sum[v] += e
            sumSquares[v] += e * e / n
            batchEnergy[v] = 0
        }
        batchTouched.removeAll(keepingCapacity: true)
    }

    /// Touched voxels in increasing order with their (Σ E_b, Σ E_b²/n_b), then clears the tally.
    mutating func drain() -> [(voxel: Int, sum: Double, sumSquares: Double)] {
        touched.sort()
        let out = touched.map { ($0, sum[$0], sumSquares[$0]) }
        for v in touched { sum[v] = 0; sumSquares[v] = 0 }
        touched.removeAll(keepingCapacity: true)
        return out
    }
}
