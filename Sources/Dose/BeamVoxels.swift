import Core

/// The dose-grid voxels that one beam's requested beamlets can reach, with their projection onto the isocentre
/// plane (u, v), distance z from the source along the axis and radiological depth, bucketed by (u, v) cells.
///
/// Everything that depends on the voxel alone is computed once here and shared by the beamlets: the kernel's
/// depth node and fraction, the lateral reach at that depth and the inverse square factor. The voxels are stored in
/// cell order, and within a cell by decreasing reach, so that a beamlet's loop over a cell stops at
/// the first voxel whose reach is shorter than the cell's distance from the beamlet centre: it skips exactly the
/// voxels the reach test would reject one by one.
struct BeamVoxels {
    /// One voxel: dose-grid index, projection (mm), (SAD/z)², lateral reach at its depth (the larger of the two kernel
    /// depth nodes around the depth, ``PencilBeamKernel/reachByDepthMM(thresholdRelative:)``), kernel depth node and
    /// fraction (``PencilBeamKernel/depthNode(depthMM:)``).
    struct Voxel {
        var reachMM: Double
        var depthFraction: Double
        var row: Int32
        var uMM: Float, vMM: Float
        var inverseSquare: Float
        var depthNode: Int32
    }

    /// A voxel projected onto the isocentre plane: axis distance z (mm), dose-grid index, (u, v) in mm.
    struct Projected {
        var z: Double
        var row: Int32
        var u: Float, v: Float
    }

    /// The voxels in cell order, within a cell by decreasing reach (then grid index).
    let voxels: [Voxel]
    /// Voxels of cell c are `cellStarts[c]..<cellStarts[c + 1]`.
    let cellStarts: [Int]
    /// Per cell, the smallest and largest u and v of its voxels (mm, the stored Float values).
    let cellLow: [SIMD2<Double>], cellHigh: [SIMD2<Double>]
    let origin: SIMD2<Double>, cellMM: Double, cells: SIMD2<Int>

    /// The voxels of `patient` whose projection lies within `halfWidthMM` of a centre of `beamlets` in u and v, with
    /// `kernel`'s depth nodes and the reach by depth node `depthReachMM`; `waterScale` is the patient's
    /// ``RadiologicalDepthFan/waterScale(of:)``.
    init(patient: PatientModel, waterScale: [Float], beam: Beam, beamlets: [Beamlet], halfWidthMM: Double, cellMM: Double, kernel: PencilBeamKernel,
         depthReachMM: [Double]) throws {
        let lo = SIMD2(beamlets.map(\.uMM).min()!, beamlets.map(\.vMM).min()!) - halfWidthMM
        let hi = SIMD2(beamlets.map(\.uMM).max()!, beamlets.map(\.vMM).max()!) + halfWidthMM
        let g = patient.grid
        let source = beam.sourceMM, axis = beam.directionLPS, u = beam.uAxis, sad = beam.sadMM
        var projected: [Projected] = []
        for k in 0..<g.nz {
            for j in 0..<g.ny {
                let p0 = g.position(0, j, k) - source
                let z0 = (p0 * axis).sum(), u0 = (p0 * u).sum()
                let dz = g.spacingMM.x * axis.x, du = g.spacingMM.x * u.x
                // pu and pv are ratios of linear functions of i: only an interval of the row can project into the box.
                let span = Self.candidates(a: u0 * sad, b: du * sad, c: z0, d: dz, low: lo.x, high: hi.x, count: g.nx)
                    .clamped(to: Self.candidates(a: p0.z * sad, b: 0, c: z0, d: dz, low: lo.y, high: hi.y, count: g.nx))
                for i in span {
                    let z = z0 + Double(i) * dz
                    guard z > 1 else { continue }
                    let s = sad / z
                    let pu = (u0 + Double(i) * du) * s, pv = p0.z * s
                    guard pu >= lo.x, pu <= hi.x, pv >= lo.y, pv <= hi.y else { continue }
                    projected.append(Projected(z: z, row: Int32(g.index(i, j, k)), u: Float(pu), v: Float(pv)))
                }
            }
        }
        let fan = RadiologicalDepthFan(patient: patient, scale: waterScale, beam: beam, lowMM: lo, highMM: hi)
        // Per depth node: the reach of a voxel whose depth lies above the node (the larger of the node and the next)
        // and that reach's rank among the distinct reaches, largest first.
        let nodeCount = depthReachMM.count - 1
        let nodeReach = (0..<nodeCount).map { max(depthReachMM[$0], depthReachMM[$0 + 1]) }
        let levels = Array(Set(nodeReach)).sorted(by: >)
        let nodeRank = nodeReach.map { r in levels.firstIndex(of: r)! }
        origin = lo; self.cellMM = cellMM
        let cellCount = SIMD2(Int(((hi.x - lo.x) / cellMM).rounded(.down)) + 1, Int(((hi.y - lo.y) / cellMM).rounded(.down)) + 1)
        cells = cellCount
        let count = projected.count, cellTotal = cellCount.x * cellCount.y
        // The voxels in cell order (counting sort, grid order within a cell) ...
        var cellOf = [Int32](repeating: 0, count: count)
        var cellStarts = [Int](repeating: 0, count: cellTotal + 1)
        for n in 0..<count {
            let cell = min(max(Int((Double(projected[n].u) - lo.x) / cellMM), 0), cellCount.x - 1)
                + cellCount.x * min(max(Int((Double(projected[n].v) - lo.y) / cellMM), 0), cellCount.y - 1)
            cellOf[n] = Int32(cell)
            cellStarts[cell + 1] += 1
        }
        for c in 0..<cellTotal { cellStarts[c + 1] += cellStarts[c] }
        var next = cellStarts, inCells = projected
        for n in 0..<count {
            let c = Int(cellOf[n])
            inCells[next[c]] = projected[n]
            next[c] += 1
        }
        // ... then cell by cell (neighbouring rays of the fan: its depths stay in cache) each voxel's depth and the
        // cell's stable counting sort by reach rank.
        var voxels = [Voxel](repeating: Voxel(reachMM: 0, depthFraction: 0, row: 0, uMM: 0, vMM: 0, inverseSquare: 0, depthNode: 0), count: count)
        var cellVoxels: [Voxel] = [], ranks: [Int] = [], rankStarts = [Int](repeating: 0, count: levels.count + 1)
        var low = [SIMD2<Double>](repeating: .zero, count: cellTotal), high = low
        for c in 0..<cellTotal where cellStarts[c] < cellStarts[c + 1] {
            cellVoxels.removeAll(keepingCapacity: true)
            ranks.removeAll(keepingCapacity: true)
            for r in rankStarts.indices { rankStarts[r] = 0 }
            var l = SIMD2(Double.infinity, .infinity), h = -l
            for e in cellStarts[c]..<cellStarts[c + 1] {
                let v = inCells[e]
                let depth = Double(Float(fan.depthMM(uMM: Double(v.u), vMM: Double(v.v), axisDistanceMM: v.z)))
                let q = depth / kernel.depthSpacingMM
                let node = min(max(Int(q - 0.5), 0), nodeCount - 1)
                let (k, fz) = kernel.depthNode(depthInSpacings: q)
                cellVoxels.append(Voxel(reachMM: nodeReach[node], depthFraction: fz, row: v.row, uMM: v.u, vMM: v.v,
                                        inverseSquare: Float(sad * sad / (v.z * v.z)), depthNode: Int32(k)))
                ranks.append(nodeRank[node])
                rankStarts[nodeRank[node] + 1] += 1
                let p = SIMD2(Double(v.u), Double(v.v))
                l = pointwiseMin(l, p); h = pointwiseMax(h, p)
            }
            for r in 0..<levels.count { rankStarts[r + 1] += rankStarts[r] }
            let base = cellStarts[c]
            for (m, r) in ranks.enumerated() {
                voxels[base + rankStarts[r]] = cellVoxels[m]
                rankStarts[r] += 1
            }
            low[c] = l; high[c] = h
        }
        self.cellStarts = cellStarts
        cellLow = low; cellHigh = high
        self.voxels = voxels
    }

    /// A range of 0..<`count` holding every i with z(i) = c + d·i > 1 and `low` ≤ (a + b·i)/z(i) ≤ `high` (a superset:
    /// the caller tests each i). On a row where z > 1 throughout, (a + b·i)/z(i) − L has the sign of the linear
    /// (b − L·d)·i − (L·c − a), so each bound keeps a half-line of i, all of the row or none of it. The bounds are
    /// widened by 1 mm, which puts every i the caller's test can accept at least ~z·1 mm inside its half-line, far
    /// beyond the rounding of these few operations; the ends are widened by 2 indices. Rows reaching z ≤ 1 are kept whole.
    static func candidates(a: Double, b: Double, c: Double, d: Double, low: Double, high: Double, count: Int) -> Range<Int> {
        let whole = 0..<count
        guard count > 0, c > 1, c + d * Double(count - 1) > 1 else { return whole }
        var from = 0.0, to = Double(count - 1)
        for (level, sign) in [(low - 1, 1.0), (high + 1, -1.0)] {
            // Keep i where slope·i + offset ≥ 0.
            let slope = sign * (b - level * d), offset = -sign * (level * c - a)
            if slope == 0 {
                if offset < 0 { return 0..<0 }
                continue
            }
            let root = -offset / slope
            guard root.isFinite else { return whole }
            if slope > 0 { from = max(from, root) } else { to = min(to, root) }
        }
        let first = max(from.rounded(.down) - 2, 0), last = min(to.rounded(.up) + 2, Double(count - 1))
        return first <= last ? Int(first)..<(Int(last) + 1) : 0..<0
    }

    /// Buffers that ``column(beamlet:kernel:reachMM:thresholdRelative:scratch:)`` reuses from column to column.
    struct Scratch {
        var keys: [UInt64] = []
        var sorted: [UInt64] = []
        var counts = [Int](repeating: 0, count: 1 << BeamVoxels.digitBits)
    }

    /// The column of `beamlet` (one of those given at construction); `cornerMaxima` is the kernel's
    /// ``PencilBeamKernel/cornerMaxima()``, `reachMM` its cut-off (the construction's half width). Voxels farther than
    /// their reach from the beamlet centre in u or v are skipped: the kernel is below the threshold there.
    func column(beamlet: Beamlet, kernel: PencilBeamKernel, cornerMaxima: UnsafeBufferPointer<Float>, reachMM cutoff: Double,
                thresholdRelative: Double, scratch: inout Scratch) -> BeamletColumn {
        let lateralCount = kernel.lateralCount
        let uc = beamlet.uMM, vc = beamlet.vMM
        let i0 = max(Int(((uc - cutoff - origin.x) / cellMM).rounded(.down)), 0), i1 = min(Int((uc + cutoff - origin.x) / cellMM), cells.x - 1)
        let j0 = max(Int(((vc - cutoff - origin.y) / cellMM).rounded(.down)), 0), j1 = min(Int((vc + cutoff - origin.y) / cellMM), cells.y - 1)
        guard i0 <= i1, j0 <= j1 else { return Self.column(beamletID: beamlet.id, sortedKeys: UnsafeBufferPointer(start: nil, count: 0)) }
        var capacity = 0
        for j in j0...j1 { capacity += cellStarts[j * cells.x + i1 + 1] - cellStarts[j * cells.x + i0] }
        if scratch.keys.count < capacity {
            scratch.keys = [UInt64](repeating: 0, count: capacity)
            scratch.sorted = scratch.keys
        }
        // Entries as (row << 32 | dose bits): positive floats keep their order as bit patterns, rows sort by the high half.
        var kept = 0
        var maximum: Float = 0
        // The threshold of the maximum so far: at most the column's final one. A voxel whose dose cannot reach it (the
        // largest of the eight table nodes it interpolates, × its inverse square, with a 10⁻¹² margin for rounding) is
        // below the final threshold too and cannot be the maximum: skipping it changes nothing. The cell of the beamlet
        // centre goes first, so the running threshold is close to the final one early.
        var runningCut: Float = 0
        let n = lateralCount, limit = Double(lateralCount - 1)
        let inverseSpacing = kernel.exactInverseLateralSpacing, spacing = kernel.lateralSpacingMM
        kernel.valuesGy.withUnsafeBufferPointer { table in
            scratch.keys.withUnsafeMutableBufferPointer { out in
                func visit(_ c: Int) {
                    let bound = max(cellLow[c].x - uc, uc - cellHigh[c].x, cellLow[c].y - vc, vc - cellHigh[c].y)
                    for e in cellStarts[c]..<cellStarts[c + 1] {
                        let voxel = voxels[e]
                        let reach = voxel.reachMM
                        if reach < bound { break }
                        let du = Double(voxel.uMM) - uc, dv = Double(voxel.vMM) - vc
                        guard abs(du) <= reach, abs(dv) <= reach else { continue }
                        let x = inverseSpacing.map { abs(du) * $0 } ?? abs(du) / spacing
                        let y = inverseSpacing.map { abs(dv) * $0 } ?? abs(dv) / spacing
                        guard x < limit, y < limit else { continue }
                        let i = Int(x), j = Int(y)
                        let b = (Int(voxel.depthNode) * n + j) * n + i
                        let inverseSquare = Double(voxel.inverseSquare)
                        guard Float(Double(cornerMaxima[b]) * inverseSquare * (1 + 1e-12)) >= runningCut else { continue }
                        let value = kernel.interpolate(node: b, fx: x - Double(i), fy: y - Double(j), fz: voxel.depthFraction, table: table)
                        let gy = Float(value * inverseSquare)
                        guard gy > 0 else { continue }
                        out[kept] = UInt64(UInt32(bitPattern: voxel.row)) << 32 | UInt64(gy.bitPattern)
                        kept += 1
                        if gy > maximum {
                            maximum = gy
                            runningCut = Float(Double(maximum) * thresholdRelative)
                        }
                    }
                }
                let centre = min(max(Int((uc - origin.x) / cellMM), i0), i1) + min(max(Int((vc - origin.y) / cellMM), j0), j1) * cells.x
                visit(centre)
                for j in j0...j1 {
                    for i in i0...i1 where j * cells.x + i != centre { visit(j * cells.x + i) }
                }
            }
        }
        let cut = Float(Double(maximum) * thresholdRelative)
        var selected = 0
        scratch.keys.withUnsafeMutableBufferPointer { keys in
            for n in 0..<kept where Float(bitPattern: UInt32(truncatingIfNeeded: keys[n])) >= cut {
                keys[selected] = keys[n]
                selected += 1
            }
        }
        let inKeys = Self.sortByRow(count: selected, &scratch)
        return (inKeys ? scratch.keys : scratch.sorted).withUnsafeBufferPointer {
            Self.column(beamletID: beamlet.id, sortedKeys: UnsafeBufferPointer(rebasing: $0[0..<selected]))
        }
    }

    /// The column of entries `sortedKeys` (row << 32 | dose bits, increasing rows).
    private static func column(beamletID: Int, sortedKeys keys: UnsafeBufferPointer<UInt64>) -> BeamletColumn {
        BeamletColumn(beamletID: beamletID, rowIndices: keys.map { Int32(truncatingIfNeeded: $0 >> 32) },
                      doseGy: keys.map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) },
                      uncertaintyGy: [Float](repeating: 0, count: keys.count), bookkeeping: EnergyBookkeeping())
    }

    /// Bits of one radix-sort digit.
    static let digitBits = 11

    /// Sorts the first `count` of `scratch.keys` by their high 32 bits (non-negative rows, each at most once):
    /// least-significant-digit radix sort in 11-bit digits, as many passes as the largest row needs, alternating
    /// between `keys` and `sorted`. Returns true when the result is in `keys`, false when in `sorted`.
    static func sortByRow(count: Int, _ scratch: inout Scratch) -> Bool {
        guard count > 1 else { return true }
        let mask = UInt64(1 << digitBits - 1)
        var inKeys = true
        scratch.keys.withUnsafeMutableBufferPointer { keys in
            scratch.sorted.withUnsafeMutableBufferPointer { sorted in
                scratch.counts.withUnsafeMutableBufferPointer { counts in
                    var largest: UInt64 = 0
                    for n in 0..<count { largest = max(largest, keys[n]) }
                    var shift = 32
                    while largest >> shift > 0 {
                        let (from, to) = inKeys ? (keys, sorted) : (sorted, keys)
                        for n in counts.indices { counts[n] = 0 }
                        for n in 0..<count { counts[Int(from[n] >> shift & mask)] += 1 }
                        var total = 0
                        for n in counts.indices { let c = counts[n]; counts[n] = total; total += c }
                        for n in 0..<count {
                            let key = from[n], d = Int(key >> shift & mask)
                            to[counts[d]] = key
                            counts[d] += 1
                        }
                        inKeys.toggle()
                        shift += digitBits
                    }
                }
            }
        }
        return inKeys
    }
}
