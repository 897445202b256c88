import Core

/// The Monte Carlo run that makes a ``PencilBeamKernel``: one beamlet of the plan's width, focal spot and SAD
/// on the axis of a gantry-0 beam into a water box (density 1 g/cm³, soft-tissue electron density) whose
/// surface lies at `ssdMM` from the source, scored on voxels of `lateralSpacingMM` × `depthSpacingMM` ×
/// `lateralSpacingMM` with ``BeamletDoseCalculator``.
///
/// The histories are cut into partitions that depend on the history count alone; partition p is beamlet p of
/// a geometry of identical beamlets, so it draws from `RandomStream(seed, p)`. Each partition's dose is folded
/// over the four quadrants and resampled onto the kernel's projected lateral nodes (both linear), and
/// ``kernel(partialSums:)`` adds the partitions in order: the kernel is a pure function of (geometry
/// parameters, layout, histories, seed), whatever runs the partitions.
public struct PencilBeamKernelSimulation: Sendable, Hashable, Codable {
    /// Bixel width on the isocentre plane, mm.
    public let bixelMM: Double
    /// Focal spot σ, mm.
    public let focalSpotSigmaMM: Double
    /// Source-axis distance, mm.
    public let sadMM: Double
    /// Source-surface distance of the water box, mm.
    public let ssdMM: Double
    /// Depth voxel size and kernel depth node spacing, mm.
    public let depthSpacingMM: Double
    /// Deepest depth of the table, mm (the box is this deep).
    public let maximumDepthMM: Double
    /// Lateral voxel size and kernel node spacing (projected), mm.
    public let lateralSpacingMM: Double
    /// Projected off-axis extent of the table per axis, mm.
    public let lateralExtentMM: Double
    /// Primary photons in total.
    public let histories: Int
    /// Seed of the partitions' random streams.
    public let seed: UInt64

    /// Histories per partition aimed at (the last partition takes the remainder).
    public static let historiesPerPartition = 100_000
    /// Most partitions.
    public static let maximumPartitions = 64
    /// Water around the projected table extent at the deepest depth, mm (room for lateral scatter).
    static let lateralMarginMM = 10.0

    /// A kernel run; the defaults (SSD 900 mm, 2.5 mm depth nodes to 400 mm, 1 mm lateral nodes to 50 mm) suit
    /// 5 mm bixels on a 2–3 mm dose grid. Throws ``DoseError`` for out-of-range values.
    public init(bixelMM: Double, focalSpotSigmaMM: Double = BeamGeometry.defaultFocalSpotSigmaMM, sadMM: Double = 1000,
                ssdMM: Double = 900, depthSpacingMM: Double = 2.5, maximumDepthMM: Double = 400, lateralSpacingMM: Double = 1,
                lateralExtentMM: Double = 50, histories: Int, seed: UInt64) throws {
        guard bixelMM > 0, focalSpotSigmaMM >= 0, sadMM > 0, ssdMM > BeamGeometry.collimatorDistanceMM, depthSpacingMM > 0,
              maximumDepthMM >= 2 * depthSpacingMM, lateralSpacingMM > 0, lateralExtentMM >= lateralSpacingMM,
              [bixelMM, focalSpotSigmaMM, sadMM, ssdMM, depthSpacingMM, maximumDepthMM, lateralSpacingMM, lateralExtentMM].allSatisfy(\.isFinite) else {
            throw DoseError.invalidParameter("pencil-beam kernel geometry out of range")
        }
        guard histories >= 2 else { throw DoseError.invalidParameter("a kernel needs at least 2 histories, got \(histories)") }
        self.bixelMM = bixelMM; self.focalSpotSigmaMM = focalSpotSigmaMM; self.sadMM = sadMM; self.ssdMM = ssdMM
        self.depthSpacingMM = depthSpacingMM; self.maximumDepthMM = maximumDepthMM
        self.lateralSpacingMM = lateralSpacingMM; self.lateralExtentMM = lateralExtentMM
        self.histories = histories; self.seed = seed
    }

    /// Number of partitions: ⌈histories / 10⁵⌉, between 1 and 64, each with at least 2 histories.
    public var partitionCount: Int {
        min(max((histories + Self.historiesPerPartition - 1) / Self.historiesPerPartition, 1), Self.maximumPartitions, histories / 2)
    }

    /// Histories of partition `p` (even split, the first ones one more).
    public func histories(ofPartition p: Int) -> Int {
        histories / partitionCount + (p < histories % partitionCount ? 1 : 0)
    }

    var depthCount: Int { Int((maximumDepthMM / depthSpacingMM).rounded(.up)) }
    var lateralCount: Int { Int((lateralExtentMM / lateralSpacingMM).rounded(.down)) + 1 }

    /// The water box (lateral voxels odd, centred on the axis x = z = 0, surface at y = 0).
    func waterBox() throws -> PatientModel {
        let deepest = ssdMM + maximumDepthMM
        let half = lateralExtentMM * deepest / sadMM + Self.lateralMarginMM
        let n = 2 * Int((half / lateralSpacingMM).rounded(.up)) + 1
        let offset = Double(n - 1) / 2 * lateralSpacingMM
        let grid = try Grid(nx: n, ny: depthCount, nz: n, spacingMM: SIMD3(lateralSpacingMM, depthSpacingMM, lateralSpacingMM),
                            originMM: SIMD3(-offset, depthSpacingMM / 2, -offset))
        return try PatientModel(grid: grid, densityGPerCC: [Double](repeating: 1, count: grid.voxelCount),
                                materials: [Material](repeating: .softTissue, count: grid.voxelCount))
    }

    /// Runs partition `p` and returns its histories × its folded, resampled table (layout of ``PencilBeamKernel``).
    public func partialSum(partition p: Int) throws -> [Double] {
        guard (0..<partitionCount).contains(p) else { throw DoseError.invalidParameter("partition \(p) not in 0..<\(partitionCount)") }
        let box = try waterBox()
        let beam = try Beam(gantryDeg: 0, isocentreMM: SIMD3(0, sadMM - ssdMM, 0), sadMM: sadMM)
        let beamlets = (0...p).map { Beamlet(id: $0, beamIndex: 0, uMM: 0, vMM: 0, widthMM: bixelMM) }
        let geometry = try BeamGeometry(beams: [beam], beamlets: beamlets, bixelMM: bixelMM, focalSpotSigmaMM: focalSpotSigmaMM)
        var calculator = try BeamletDoseCalculator(patient: box, geometry: geometry)
        let n = histories(ofPartition: p)
        let column = try calculator.column(beamletID: p, seed: seed, histories: n, batches: 2, thresholdRelative: 0)
        let g = box.grid
        var dose = [Double](repeating: 0, count: g.voxelCount)
        for (row, gy) in zip(column.rowIndices, column.doseGy) { dose[Int(row)] = Double(gy) }
        return fold(dose, grid: g).map { $0 * Double(n) }
    }

    /// Folds a box dose over |x|, |z| and resamples each depth onto the projected lateral nodes, ×(z/SAD)².
    func fold(_ dose: [Double], grid g: Grid) -> [Double] {
        let n = g.nx, c = (n - 1) / 2, m = c + 1, nodes = lateralCount
        var table = [Double](repeating: 0, count: depthCount * nodes * nodes)
        var quadrant = [Double](repeating: 0, count: m * m)
        for k in 0..<depthCount {
            for b in 0..<m {
                for a in 0..<m {
                    let xs = a == 0 ? [c] : [c - a, c + a], zs = b == 0 ? [c] : [c - b, c + b]
                    var sum = 0.0
                    for z in zs { for x in xs { sum += dose[g.index(x, k, z)] } }
                    quadrant[b * m + a] = sum / Double(xs.count * zs.count)
                }
            }
            let axisDistance = ssdMM + (Double(k) + 0.5) * depthSpacingMM
            let scale = axisDistance / sadMM, toVoxels = lateralSpacingMM * scale / g.spacingMM.x
            for j in 0..<nodes {
                let y = min(Double(j) * toVoxels, Double(m - 1) - 1e-9), b = Int(y), fy = y - Double(b)
                for i in 0..<nodes {
                    let x = min(Double(i) * toVoxels, Double(m - 1) - 1e-9), a = Int(x), fx = x - Double(a)
                    let low = quadrant[b * m + a] * (1 - fx) + quadrant[b * m + a + 1] * fx
                    let high = quadrant[(b + 1) * m + a] * (1 - fx) + quadrant[(b + 1) * m + a + 1] * fx
                    table[(k * nodes + j) * nodes + i] = (low * (1 - fy) + high * fy) * scale * scale
                }
            }
        }
        return table
    }

    /// The kernel from the partitions' partial sums, added in partition order.
    public func kernel(partialSums: [[Double]]) throws -> PencilBeamKernel {
        let size = depthCount * lateralCount * lateralCount
        guard partialSums.count == partitionCount, partialSums.allSatisfy({ $0.count == size }) else {
            throw DoseError.invalidParameter("\(partialSums.count) partial kernels for \(partitionCount) partitions, or of the wrong size")
        }
        var sum = [Double](repeating: 0, count: size)
        for partial in partialSums { for n in 0..<size { sum[n] += partial[n] } }
        let inverse = 1 / Double(histories)
        return try PencilBeamKernel(bixelMM: bixelMM, focalSpotSigmaMM: focalSpotSigmaMM, sadMM: sadMM, depthSpacingMM: depthSpacingMM,
                                    lateralSpacingMM: lateralSpacingMM, depthCount: depthCount, lateralCount: lateralCount,
                                    histories: histories, valuesGy: sum.map { Float($0 * inverse) })
    }

    /// Runs every partition in this process and returns the kernel.
    public func kernel() throws -> PencilBeamKernel {
        try kernel(partialSums: (0..<partitionCount).map { try partialSum(partition: $0) })
    }
}
