import Core
@testable import Dose
import Foundation
import Testing

/// The fast paths of the pencil-beam columns (shared per-voxel depth data, cells sorted by reach, kernel-maximum
/// skip, radix row sort, candidate ranges of the projection and of the fan's steps, branch-free nearest voxel) give
/// the bits of the straightforward algorithm, written out here as the reference.
struct PencilBeamSpeedTests {
    /// A 3 mm water box of 36 × 30 × 28 voxels with a lung slab, a bone block and air at one side, 2 mm lateral
    /// kernel nodes (a power of two: the multiply path) or 2.5 mm (the divide path).
    static func setUp(lateralSpacingMM: Double = 2) throws -> (PatientModel, PencilBeamKernel) {
        let grid = try Grid(nx: 36, ny: 30, nz: 28, spacingMM: SIMD3(3, 3, 3), originMM: SIMD3(-52.5, -43.5, -40.5))
        var density = [Double](repeating: 1, count: grid.voxelCount)
        var materials = [Material](repeating: .softTissue, count: grid.voxelCount)
        for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx {
            let n = grid.index(i, j, k)
            if (10..<16).contains(j) { density[n] = 0.3; materials[n] = .lung }
            if (20..<26).contains(i), (18..<24).contains(j) { density[n] = 1.8; materials[n] = .bone }
            if i < 3 { density[n] = 0.0012; materials[n] = .air }
        } } }
        let k = try PencilBeamFixture.simulation(histories: 20_000).kernel()
        let kernel = try PencilBeamKernel(bixelMM: k.bixelMM, focalSpotSigmaMM: k.focalSpotSigmaMM, sadMM: k.sadMM, depthSpacingMM: k.depthSpacingMM,
                                          lateralSpacingMM: lateralSpacingMM, depthCount: k.depthCount, lateralCount: k.lateralCount,
                                          histories: k.histories, valuesGy: k.valuesGy)
        return (try PatientModel(grid: grid, densityGPerCC: density, materials: materials), kernel)
    }

    /// The reference: every grid voxel projected, the fan traced over all its planes with the library's rounding (its
    /// depths interpolated by the fan's unchanged `depthMM`),
    /// each beamlet evaluated at every voxel within its per-depth reach, thresholded and sorted by row.
    static func referenceColumns(patient: PatientModel, geometry: BeamGeometry, kernel: PencilBeamKernel, ids: [Int],
                                 threshold: Double) -> [BeamletColumn] {
        let g = patient.grid
        let cutoff = kernel.cutoffMM(thresholdRelative: threshold), depthReach = kernel.reachByDepthMM(thresholdRelative: threshold)
        var out: [Int: BeamletColumn] = [:]
        for b in Set(ids.map { geometry.beamlets[$0].beamIndex }).sorted() {
            let beamlets = ids.map { geometry.beamlets[$0] }.filter { $0.beamIndex == b }
            let beam = geometry.beams[b]
            let lo = SIMD2(beamlets.map(\.uMM).min()!, beamlets.map(\.vMM).min()!) - cutoff
            let hi = SIMD2(beamlets.map(\.uMM).max()!, beamlets.map(\.vMM).max()!) + cutoff
            let source = beam.sourceMM, axis = beam.directionLPS, u = beam.uAxis, sad = beam.sadMM
            // Fan (as RadiologicalDepthFan before the fast paths, on its lattice).
            let (pitch, rays, zLow, planes) = RadiologicalDepthFan.layout(grid: g, beam: beam, lowMM: lo, highMM: hi)
            let water = Material.softTissue.electronDensityRatio
            let scale = zip(patient.densityGPerCC, patient.materials).map { Float($0 * $1.electronDensityRatio / water) }
            var fan = [Float](repeating: 0, count: rays.x * rays.y * planes)
            for j in 0..<rays.y { for i in 0..<rays.x {
                let direction = axis * sad + u * (lo.x + Double(i) * pitch) + beam.vAxis * (lo.y + Double(j) * pitch)
                let pathPerZ = (direction * direction).sum().squareRoot() / sad, perZ = direction / sad
                var depth = 0.0
                for m in 1..<planes {
                    let c = ((source + perZ * (zLow + (Double(m) - 0.5) * pitch) - g.originMM) * (1 / g.spacingMM)).rounded(.toNearestOrAwayFromZero)
                    let x = Int(c.x), y = Int(c.y), z = Int(c.z)
                    if g.contains(x, y, z) { depth += Double(scale[g.index(x, y, z)]) * pitch * pathPerZ }
                    fan[(j * rays.x + i) * planes + m] = Float(depth)
                }
            } }
            let traced = RadiologicalDepthFan(lowMM: lo, pitchMM: pitch, rays: rays, firstAxisDistanceMM: zLow, planes: planes, depths: fan)
            // Voxels.
            var voxels: [(row: Int32, u: Float, v: Float, depth: Float, inverseSquare: Float)] = []
            for k in 0..<g.nz { for j in 0..<g.ny {
                let p0 = g.position(0, j, k) - source
                let z0 = (p0 * axis).sum(), u0 = (p0 * u).sum(), dz = g.spacingMM.x * axis.x, du = g.spacingMM.x * u.x
                for i in 0..<g.nx {
                    let z = z0 + Double(i) * dz
                    guard z > 1 else { continue }
                    let s = sad / z, pu = (u0 + Double(i) * du) * s, pv = p0.z * s
                    guard pu >= lo.x, pu <= hi.x, pv >= lo.y, pv <= hi.y else { continue }
                    voxels.append((Int32(g.index(i, j, k)), Float(pu), Float(pv), Float(traced.depthMM(uMM: Double(Float(pu)), vMM: Double(Float(pv)), axisDistanceMM: z)),
                                   Float(sad * sad / (z * z))))
                }
            } }
            for beamlet in beamlets {
                var entries: [(row: Int32, gy: Float)] = [], maximum: Float = 0
                for voxel in voxels {
                    let du = Double(voxel.u) - beamlet.uMM, dv = Double(voxel.v) - beamlet.vMM, depth = Double(voxel.depth)
                    let node = min(max(Int(depth / kernel.depthSpacingMM - 0.5), 0), depthReach.count - 2)
                    let reach = max(depthReach[node], depthReach[node + 1])
                    guard abs(du) <= reach, abs(dv) <= reach else { continue }
                    let gy = Float(kernel.value(depthMM: depth, uMM: du, vMM: dv) * Double(voxel.inverseSquare))
                    guard gy > 0 else { continue }
                    entries.append((voxel.row, gy))
                    maximum = max(maximum, gy)
                }
                let cut = Float(Double(maximum) * threshold)
                entries = entries.filter { $0.gy >= cut }.sorted { $0.row < $1.row }
                out[beamlet.id] = BeamletColumn(beamletID: beamlet.id, rowIndices: entries.map(\.row), doseGy: entries.map(\.gy),
                                                uncertaintyGy: [Float](repeating: 0, count: entries.count), bookkeeping: EnergyBookkeeping())
            }
        }
        return ids.map { out[$0]! }
    }

    @Test("Columns equal the reference bit for bit: oblique, axis-aligned and off-axis beams, two thresholds, both lateral-spacing paths",
          arguments: [(40.0, 2.0, 0.001), (0.0, 2.0, 0.01), (90.0, 2.5, 0.001), (200.0, 2.5, 0.003)])
    func columnsMatchReference(gantryDeg: Double, lateralSpacingMM: Double, threshold: Double) throws {
        let (patient, kernel) = try Self.setUp(lateralSpacingMM: lateralSpacingMM)
        let geometry = try BeamGeometry.openField(gantryDeg: [gantryDeg, gantryDeg + 70], isocentreMM: SIMD3(3, -2, 4),
                                                  fieldSizeMM: SIMD2(30, 20), sadMM: 1000, bixelMM: 10)
        let ids = Array(geometry.beamlets.indices.reversed().dropFirst())   // both beams, out of order, one left out
        let fast = try PencilBeamCalculator(patient: patient, geometry: geometry, kernel: kernel).columns(beamletIDs: ids, thresholdRelative: threshold)
        let reference = Self.referenceColumns(patient: patient, geometry: geometry, kernel: kernel, ids: ids, threshold: threshold)
        #expect(fast.count == reference.count)
        for (a, b) in zip(fast, reference) {
            #expect(a.beamletID == b.beamletID)
            #expect(a.rowIndices == b.rowIndices)
            #expect(a.doseGy.map(\.bitPattern) == b.doseGy.map(\.bitPattern))
            #expect(a.uncertaintyGy.allSatisfy { $0 == 0 } && a.uncertaintyGy.count == a.rowIndices.count)
        }
        #expect(reference.allSatisfy { $0.rowIndices.count > 50 })   // the comparison has substance
    }

    @Test("Branch-free nearest voxel equals the library's round-half-away for halves, their neighbours and random values")
    func nearestMatchesLibrary() {
        var values: [Double] = [0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994, 1e15 + 0.5, -1e15 - 0.5]
        for h in stride(from: -40.5, through: 40.5, by: 1.0) { values += [h, h.nextUp, h.nextDown] }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<100_000 { values.append(Double.random(in: -2000...2000, using: &rng)) }
        for x in values { #expect(RadiologicalDepthFan.nearest(x) == Int(x.rounded(.toNearestOrAwayFromZero)), "x = \(x)") }
    }

    @Test("Projection candidates hold every voxel of a row whose projection passes the box test")
    func candidatesAreSuperset() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let sad = 1000.0, count = Int.random(in: 1...200, using: &rng)
            let theta = Double.random(in: 0..<(2 * .pi), using: &rng), spacing = Double.random(in: 1...5, using: &rng)
            let dz = spacing * -sin(theta), du = spacing * cos(theta)
            let z0 = Double.random(in: 600...1400, using: &rng), u0 = Double.random(in: -300...300, using: &rng)
            let pz = Double.random(in: -200...200, using: &rng)
            let low = SIMD2(Double.random(in: -150...50, using: &rng), Double.random(in: -150...50, using: &rng))
            let high = low + SIMD2(Double.random(in: 0...150, using: &rng), Double.random(in: 0...150, using: &rng))
            let span = BeamVoxels.candidates(a: u0 * sad, b: du * sad, c: z0, d: dz, low: low.x, high: high.x, count: count)
                .clamped(to: BeamVoxels.candidates(a: pz * sad, b: 0, c: z0, d: dz, low: low.y, high: high.y, count: count))
            for i in 0..<count {
                let z = z0 + Double(i) * dz
                guard z > 1 else { continue }
                let s = sad / z, pu = (u0 + Double(i) * du) * s, pv = pz * s
                if pu >= low.x, pu <= high.x, pv >= low.y, pv <= high.y { #expect(span.contains(i)) }
            }
        }
    }

    @Test("Fan step ranges hold every step whose midpoint lies in a grid voxel")
    func stepRangesAreSuperset() throws {
        let g = try Grid(nx: 17, ny: 9, nz: 12, spacingMM: SIMD3(3, 2, 2.5), originMM: SIMD3(-20, -8, -14))
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let theta = Double.random(in: 0..<(2 * .pi), using: &rng)
            let source = SIMD3(1000 * sin(theta), -1000 * cos(theta), 0)
            let target = SIMD3(Double.random(in: -60...60, using: &rng), Double.random(in: -60...60, using: &rng), Double.random(in: -60...60, using: &rng))
            let perZ = (target - source) / 1000, first = 850.0, pitch = 1.0, planes = 300
            let range = RadiologicalDepthFan.stepsInGrid(g, source: source, perZ: perZ, firstZ: first, pitch: pitch, planes: planes)
            for m in 1..<planes {
                let c = ((source + perZ * (first + (Double(m) - 0.5) * pitch) - g.originMM) * (1 / g.spacingMM)).rounded(.toNearestOrAwayFromZero)
                if g.contains(Int(c.x), Int(c.y), Int(c.z)) { #expect(range.contains(m)) }
            }
        }
    }
}
