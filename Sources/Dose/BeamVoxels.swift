import Core

/// The dose-grid voxels that one beam's requested beamlets can reach, with their projection onto the isocentre
/// plane (u, v), distance z from the source along the axis and radiological depth, bucketed by (u, v) cells.
struct BeamVoxels {
    let rows: [Int32]
    let uMM: [Float], vMM: [Float], depthMM: [Float], inverseSquare: [Float]
    /// Entries of cell c are `order[cellStarts[c]..<cellStarts[c + 1]]` (voxel order within a cell).
    let cellStarts: [Int]
    let order: [Int32]
    let origin: SIMD2<Double>, cellMM: Double, cells: SIMD2<Int>

    /// The voxels of `patient` whose projection lies within `halfWidthMM` of a centre of `beamlets` in u and v.
    init(patient: PatientModel, beam: Beam, beamlets: [Beamlet], halfWidthMM: Double, cellMM: Double) throws {
        let lo = SIMD2(beamlets.map(\.uMM).min()!, beamlets.map(\.vMM).min()!) - halfWidthMM
        let hi = SIMD2(beamlets.map(\.uMM).max()!, beamlets.map(\.vMM).max()!) + halfWidthMM
        let g = patient.grid
        let source = beam.sourceMM, axis = beam.directionLPS, u = beam.uAxis, sad = beam.sadMM
        var rows: [Int32] = [], us: [Float] = [], vs: [Float] = [], zs: [Double] = []
        for k in 0..<g.nz {
            for j in 0..<g.ny {
                let p0 = g.position(0, j, k) - source
                let z0 = (p0 * axis).sum(), u0 = (p0 * u).sum()
                let dz = g.spacingMM.x * axis.x, du = g.spacingMM.x * u.x
                for i in 0..<g.nx {
                    let z = z0 + Double(i) * dz
                    guard z > 1 else { continue }
                    let s = sad / z
                    let pu = (u0 + Double(i) * du) * s, pv = p0.z * s
                    guard pu >= lo.x, pu <= hi.x, pv >= lo.y, pv <= hi.y else { continue }
                    rows.append(Int32(g.index(i, j, k)))
                    us.append(Float(pu)); vs.append(Float(pv)); zs.append(z)
                }
            }
        }
        let fan = RadiologicalDepthFan(patient: patient, beam: beam, lowMM: lo, highMM: hi)
        var depths = [Float](repeating: 0, count: rows.count), inverseSquares = depths
        for n in rows.indices {
            depths[n] = Float(fan.depthMM(uMM: Double(us[n]), vMM: Double(vs[n]), axisDistanceMM: zs[n]))
            inverseSquares[n] = Float(sad * sad / (zs[n] * zs[n]))
        }
        depthMM = depths
        inverseSquare = inverseSquares
        self.rows = rows; uMM = us; vMM = vs
        origin = lo; self.cellMM = cellMM
        let cellCount = SIMD2(Int(((hi.x - lo.x) / cellMM).rounded(.down)) + 1, Int(((hi.y - lo.y) / cellMM).rounded(.down)) + 1)
        cells = cellCount
        var counts = [Int](repeating: 0, count: cellCount.x * cellCount.y + 1)
        var cellOf = [Int](repeating: 0, count: rows.count)
        for n in rows.indices {
            cellOf[n] = min(max(Int((Double(us[n]) - lo.x) / cellMM), 0), cellCount.x - 1)
                + cellCount.x * min(max(Int((Double(vs[n]) - lo.y) / cellMM), 0), cellCount.y - 1)
        }
        for c in cellOf { counts[c + 1] += 1 }
        for c in 1..<counts.count { counts[c] += counts[c - 1] }
        var next = counts, order = [Int32](repeating: 0, count: rows.count)
        for (n, c) in cellOf.enumerated() { order[next[c]] = Int32(n); next[c] += 1 }
        cellStarts = counts
        self.order = order
    }

    /// The column of `beamlet` (one of those given at construction).
    /// Voxels farther than `depthReachMM` (per kernel depth node, the larger of the two nodes around the voxel's
    /// depth) from the beamlet centre in u or v are skipped: the kernel is below the threshold there.
    func column(beamlet: Beamlet, kernel: PencilBeamKernel, reachMM: Double, depthReachMM: [Double], thresholdRelative: Double) -> BeamletColumn {
        let uc = beamlet.uMM, vc = beamlet.vMM
        let i0 = max(Int(((uc - reachMM - origin.x) / cellMM).rounded(.down)), 0), i1 = min(Int((uc + reachMM - origin.x) / cellMM), cells.x - 1)
        let j0 = max(Int(((vc - reachMM - origin.y) / cellMM).rounded(.down)), 0), j1 = min(Int((vc + reachMM - origin.y) / cellMM), cells.y - 1)
        var entries: [(row: Int32, gy: Float)] = []
        var maximum: Float = 0
        if i0 <= i1, j0 <= j1 {
            for j in j0...j1 {
                for i in i0...i1 {
                    let c = j * cells.x + i
                    for e in cellStarts[c]..<cellStarts[c + 1] {
                        let n = Int(order[e])
                        let du = Double(uMM[n]) - uc, dv = Double(vMM[n]) - vc
                        let depth = Double(depthMM[n])
                        let node = min(max(Int(depth / kernel.depthSpacingMM - 0.5), 0), depthReachMM.count - 2)
                        let reach = max(depthReachMM[node], depthReachMM[node + 1])
                        guard abs(du) <= reach, abs(dv) <= reach else { continue }
                        let gy = Float(kernel.value(depthMM: depth, uMM: du, vMM: dv) * Double(inverseSquare[n]))
                        guard gy > 0 else { continue }
                        entries.append((rows[n], gy))
                        maximum = max(maximum, gy)
                    }
                }
            }
        }
        let cut = Float(Double(maximum) * thresholdRelative)
        entries = entries.filter { $0.gy >= cut }
        entries.sort { $0.row < $1.row }
        return BeamletColumn(beamletID: beamlet.id, rowIndices: entries.map(\.row), doseGy: entries.map(\.gy),
                             uncertaintyGy: [Float](repeating: 0, count: entries.count), bookkeeping: EnergyBookkeeping())
    }
}
