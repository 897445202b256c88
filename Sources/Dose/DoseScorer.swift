/// Energy tally on the dose grid with batch statistics, reused from beamlet to beamlet.
///
/// `cells[v]` holds the voxel's attenuation scale ρ·f (`x`, read by the transport, never changed) beside
/// its batch energy in MeV (`y`), both single precision: an interaction site then costs one cache miss for
/// both the Woodcock test and the deposit, which is what bounds the speed on grids larger than the cache,
/// and the 8-byte cell halves the array against double precision (a 3 M-voxel grid takes 24 MB).
/// Batch energies are summed in single precision (relative rounding ≤ 1e-6 over a batch, far below the
/// statistical error) and moved into double-precision moments at the end of each batch.
/// During a batch deposits add up in `cells[v].y`; at the end of the batch each touched voxel adds
/// its batch energy E_b to its moments (Σ E_b, Σ E_b²/n_b; n_b histories in the batch), stored side
/// by side so that closing a batch touches one cache line per voxel. A bit per voxel marks the voxels
/// touched by the beamlet, so `drain` lists them in increasing order without sorting. Only touched
/// voxels are visited, so a beamlet costs time in proportion to the voxels it reaches.
struct DoseScorer: Sendable {
    var cells: [SIMD2<Float>]
    var moments: [SIMD2<Double>]
    var touchedBits: [UInt64]
    var batchTouched: [Int] = []

    /// A scorer for a grid whose voxels have the attenuation scales `attenuationScale`.
    init(attenuationScale: [Double]) {
        let voxelCount = attenuationScale.count
        cells = attenuationScale.map { SIMD2(Float($0), 0) }
        moments = [SIMD2<Double>](repeating: .zero, count: voxelCount)
        touchedBits = [UInt64](repeating: 0, count: (voxelCount + 63) / 64)
    }

    /// Adds `energyMeV` (> 0) to voxel `v`.
    @inline(__always) mutating func deposit(_ v: Int, _ energyMeV: Double) {
        if cells[v].y == 0 { batchTouched.append(v) }
        cells[v].y += Float(energyMeV)
    }

    /// Largest attenuation scale of the cells (the Woodcock majorant factor, as stored).
    var maximumScale: Double { Double(cells.reduce(0) { max($0, $1.x) }) }

    /// Closes a batch of `histories` histories.
    mutating func endBatch(histories: Int) {
        let inverseN = 1 / Double(histories)
        for v in batchTouched {
            let e = Double(cells[v].y)
            moments[v] += SIMD2(e, e * e * inverseN)
            touchedBits[v >> 6] |= 1 << UInt64(v & 63)
            cells[v].y = 0
        }
        batchTouched.removeAll(keepingCapacity: true)
    }

    /// Hands every touched voxel, in increasing order, with its (Σ E_b, Σ E_b²/n_b) to `body`, then clears the tally.
    @inline(__always) mutating func drain(_ body: (_ voxel: Int, _ sum: Double, _ sumSquares: Double) -> Void) {
        for w in touchedBits.indices where touchedBits[w] != 0 {
            var bits = touchedBits[w]
            while bits != 0 {
                let v = w << 6 | bits.trailingZeroBitCount
                let m = moments[v]
                body(v, m.x, m.y)
                moments[v] = .zero
                bits &= bits - 1
            }
            touchedBits[w] = 0
        }
    }
}
