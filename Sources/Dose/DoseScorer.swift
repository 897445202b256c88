/// Energy tally on the dose grid with batch statistics, reused from beamlet to beamlet.
///
/// Per voxel the scorer keeps one 8-byte ``Cell``: the attenuation scale ρ·f in single precision (read by
/// the transport, never changed) and a tag holding the material code and, while the voxel has received energy
/// in the current beamlet, the number of its slot. An interaction site thus costs one cache line for the
/// Woodcock test and the deposit. The tallies live in dense per-beamlet slot arrays, allocated in the order
/// voxels are first touched: the batch energy (double precision), the moments (Σ E_b, Σ E_b²/n_b; n_b
/// histories in batch b) and the voxel's density. Closing a batch is one sequential pass over the slots, and
/// ``drain(_:)`` turns the slots into column entries sequentially and sorts those by voxel (LSD radix sort),
/// without touching the grid again.
/// Tags are stamps: a voxel's slot belongs to the current beamlet when its stamp is at least ``stampBase``;
/// a new beamlet raises the base past the old stamps, so nothing is cleared per beamlet (the tags are reset
/// once every ~2^30 slots). A beamlet costs time in proportion to the voxels it reaches.
struct DoseScorer: Sendable {
    /// Attenuation scale ρ·f and tag (material code in the top 2 bits, slot stamp in the low 30).
    struct Cell: Sendable {
        var scale: Float
        var tag: UInt32
    }

    static let stampBits: UInt32 = 30
    static let stampMask: UInt32 = (1 << stampBits) - 1
    /// Largest dose grid the stamps can address.
    static let maximumVoxelCount = 1 << 28

    var cells: [Cell]
    /// Stamp of slot 0 of the current beamlet.
    var stampBase: UInt32 = 1
    var slotVoxel: [Int32] = []
    var slotEnergyMeV: [Double] = []
    var slotMoments: [SIMD2<Double>] = []
    var slotDensityGPerCC: [Double] = []
    /// Radix-sort buffer.
    var sortScratch: [SIMD2<UInt64>] = []
    /// Electron density ratio of each material code.
    let electronDensityRatio: [Double]

    /// A scorer for a grid whose voxels have the attenuation scales `attenuationScale` and materials `materials`.
    init(attenuationScale: [Double], materials: [Material]) {
        precondition(attenuationScale.count <= Self.maximumVoxelCount, "dose grid larger than 2^28 voxels")
        precondition(Material.allCases.allSatisfy { $0.rawValue < 4 }, "material codes must fit in 2 bits")
        cells = zip(attenuationScale, materials).map { Cell(scale: Float($0), tag: UInt32($1.rawValue) << Self.stampBits) }
        var ratio = [Double](repeating: 1, count: 4)
        for m in Material.allCases { ratio[Int(m.rawValue)] = m.electronDensityRatio }
        electronDensityRatio = ratio
    }

    /// Attenuation scale of voxel `v`.
    @inline(__always) func scale(_ v: Int) -> Double { Double(cells[v].scale) }

    /// Adds `energyMeV` (> 0) to voxel `v`.
    @inline(__always) mutating func deposit(_ v: Int, _ energyMeV: Double) {
        let stamp = cells[v].tag & Self.stampMask
        let slot = stamp >= stampBase ? Int(stamp &- stampBase) : allocate(v)
        slotEnergyMeV[slot] += energyMeV
    }

    /// Gives voxel `v` the next slot of the current beamlet.
    mutating func allocate(_ v: Int) -> Int {
        let slot = slotVoxel.count
        let cell = cells[v]
        let material = cell.tag >> Self.stampBits
        cells[v].tag = material << Self.stampBits | (stampBase &+ UInt32(slot))
        slotVoxel.append(Int32(v))
        slotEnergyMeV.append(0)
        slotMoments.append(.zero)
        slotDensityGPerCC.append(Double(cell.scale) / electronDensityRatio[Int(material)])
        return slot
    }

    /// Energy of voxel `v` in the open batch (0 when untouched in this beamlet).
    func batchEnergyMeV(_ v: Int) -> Double {
        let stamp = cells[v].tag & Self.stampMask
        return stamp >= stampBase ? slotEnergyMeV[Int(stamp - stampBase)] : 0
    }

    /// Closes a batch of `histories` histories.
    mutating func endBatch(histories: Int) {
        let inverseN = 1 / Double(histories)
        for s in slotEnergyMeV.indices {
            let e = slotEnergyMeV[s]
            slotMoments[s] += SIMD2(e, e * e * inverseN)
            slotEnergyMeV[s] = 0
        }
    }

    /// Hands every touched voxel of the current beamlet (in slot order) with its (Σ E_b, Σ E_b²/n_b) and its
    /// density (from the single-precision scale: relative rounding ≤ 6e-8) to `body`.
    @inline(__always) func forEachTouchedVoxel(_ body: (_ voxel: Int, _ sum: Double, _ sumSquares: Double, _ densityGPerCC: Double) -> Void) {
        for s in slotVoxel.indices {
            let m = slotMoments[s]
            body(Int(slotVoxel[s]), m.x, m.y, slotDensityGPerCC[s])
        }
    }

    /// The column entries of the current beamlet in increasing voxel order, then a fresh tally for the next one.
    ///
    /// `entry` maps a touched voxel's (Σ E_b, Σ E_b²/n_b, density) to its (dose, uncertainty), or nil to drop
    /// it; slots are visited sequentially and the kept entries sorted by voxel (LSD radix sort, 11 bits per pass),
    /// so no step reads the tallies in a scattered order. Each entry is (voxel << 32 | dose bits, uncertainty bits).
    mutating func drain(_ entry: (_ sum: Double, _ sumSquares: Double, _ densityGPerCC: Double) -> (dose: Float, uncertainty: Float)?) -> [SIMD2<UInt64>] {
        var entries: [SIMD2<UInt64>] = []
        entries.reserveCapacity(slotVoxel.count)
        for s in slotVoxel.indices {
            let m = slotMoments[s]
            if let e = entry(m.x, m.y, slotDensityGPerCC[s]) {
                entries.append(SIMD2(UInt64(UInt32(bitPattern: slotVoxel[s])) << 32 | UInt64(e.dose.bitPattern), UInt64(e.uncertainty.bitPattern)))
            }
        }
        Self.sortByVoxel(&entries, scratch: &sortScratch, voxelCount: cells.count)
        release()
        return entries
    }

    /// Hands every touched voxel of the current beamlet in slot (first-touch) order with its (Σ E_b, Σ E_b²/n_b)
    /// and density to `body`, then starts a fresh tally for the next beamlet (as ``drain(_:)``, without entries).
    mutating func visitAndRelease(_ body: (_ voxel: Int, _ sum: Double, _ sumSquares: Double, _ densityGPerCC: Double) -> Void) {
        forEachTouchedVoxel(body)
        release()
    }

    /// Ends the current beamlet's tally: its slots are dropped and the stamps move past them.
    private mutating func release() {
        stampBase &+= UInt32(slotVoxel.count)
        slotVoxel.removeAll(keepingCapacity: true)
        slotEnergyMeV.removeAll(keepingCapacity: true)
        slotMoments.removeAll(keepingCapacity: true)
        slotDensityGPerCC.removeAll(keepingCapacity: true)
        // The next beamlet may touch every voxel: keep its stamps below 2^30.
        if UInt64(stampBase) + UInt64(cells.count) > UInt64(Self.stampMask) {
            for v in cells.indices { cells[v].tag &= ~Self.stampMask }
            stampBase = 1
        }
    }

    /// Sorts `entries` by their voxel (bits 32… of `x`, voxels < `voxelCount`, all distinct): LSD radix sort with
    /// 11-bit digits, stable, reading and writing sequentially per bucket.
    static func sortByVoxel(_ entries: inout [SIMD2<UInt64>], scratch: inout [SIMD2<UInt64>], voxelCount: Int) {
        let n = entries.count
        let voxelBits = UInt64.bitWidth - UInt64(max(1, voxelCount - 1)).leadingZeroBitCount
        let digitBits = 11, buckets = 1 << digitBits
        if scratch.count < n { scratch = [SIMD2<UInt64>](repeating: .zero, count: n) }
        var counts = [Int](repeating: 0, count: buckets)
        var shift = 32
        while shift < 32 + voxelBits {
            for b in 0..<buckets { counts[b] = 0 }
            for e in entries { counts[Int(truncatingIfNeeded: e.x >> UInt64(shift)) & (buckets - 1)] += 1 }
            var start = 0
            for b in 0..<buckets { let c = counts[b]; counts[b] = start; start += c }
            for e in entries {
                let b = Int(truncatingIfNeeded: e.x >> UInt64(shift)) & (buckets - 1)
                scratch[counts[b]] = e
                counts[b] += 1
            }
            for s in 0..<n { entries[s] = scratch[s] }
            shift += digitBits
        }
    }
}
