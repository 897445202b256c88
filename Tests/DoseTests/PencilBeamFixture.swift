import Core
@testable import Dose

/// Small (debug-size) pencil-beam set-ups: a coarse kernel of 10 mm bixels and water boxes entered at y = 0.
enum PencilBeamFixture {
    /// A coarse kernel (2·10⁵ histories): 10 mm bixels, 4 mm depth nodes to 124 mm, 2 mm lateral nodes to 40 mm.
    static func simulation(histories: Int = 60_000, seed: UInt64 = 7, focalSpotSigmaMM: Double = BeamGeometry.defaultFocalSpotSigmaMM) throws -> PencilBeamKernelSimulation {
        try PencilBeamKernelSimulation(bixelMM: 10, focalSpotSigmaMM: focalSpotSigmaMM, depthSpacingMM: 4, maximumDepthMM: 124,
                                       lateralSpacingMM: 2, lateralExtentMM: 40, histories: histories, seed: seed)
    }

    /// The coarse kernel, computed once per test process.
    static let kernel: PencilBeamKernel = try! simulation(histories: 200_000).kernel()

    /// Beamlets of a square open field of `count` × `count` bixels of 10 mm centred on the axis of `beam`.
    static func openField(_ beam: Beam, count: Int) throws -> BeamGeometry {
        try BeamGeometry.openField(gantryDeg: [beam.gantryDeg], isocentreMM: beam.isocentreMM,
                                   fieldSizeMM: SIMD2(repeating: Double(count) * 10), sadMM: beam.sadMM, bixelMM: 10)
    }

    /// Dose of all beamlets at weight 1 with Monte Carlo (`histories` per beamlet, with its standard error) and
    /// with the pencil beam.
    static func doses(patient: PatientModel, geometry: BeamGeometry, histories: Int, seed: UInt64 = 11) throws
        -> (mc: [Double], mcSigma: [Double], pb: [Double]) {
        var mc = try BeamletDoseCalculator(patient: patient, geometry: geometry)
        let pb = try PencilBeamCalculator(patient: patient, geometry: geometry, kernel: kernel)
        let ids = Array(geometry.beamlets.indices)
        let mcMatrix = try InfluenceMatrix(grid: patient.grid, columnCount: ids.count, columns: ids.map {
            try mc.column(beamletID: $0, seed: seed, histories: histories, thresholdRelative: 0.001)
        })
        let pbMatrix = try InfluenceMatrix(grid: patient.grid, columnCount: ids.count, columns: pb.columns(beamletIDs: ids))
        let all = Array(repeating: 1.0, count: ids.count)
        return (try mcMatrix.dose(weights: all).voxels.map(Double.init), try mcMatrix.doseUncertainty(weights: all).voxels.map(Double.init),
                try pbMatrix.dose(weights: all).voxels.map(Double.init))
    }

    /// Global gamma pass rate of `evaluated` against the Monte Carlo `reference` on `grid`: distance `dtaMM`
    /// (searched in 1 mm steps with trilinear interpolation of `evaluated`), dose criterion `dosePct` % of the
    /// reference maximum widened in quadrature by 2σ of the reference voxel (its statistical uncertainty, so that
    /// the rate measures the model and not the reference's noise); voxels below `cutoffPct` % of the maximum skipped.
    static func gammaPassRate(reference: [Double], sigma: [Double], evaluated: [Double], grid: Grid, dosePct: Double = 3,
                              dtaMM: Double = 3, cutoffPct: Double = 10) -> Double {
        let peak = reference.max() ?? 0, dd = dosePct / 100 * peak
        let steps = Int(dtaMM)
        var offsets: [SIMD3<Double>] = []
        for c in -steps...steps { for b in -steps...steps { for a in -steps...steps {
            let o = SIMD3(Double(a), Double(b), Double(c))
            if (o * o).sum() <= dtaMM * dtaMM { offsets.append(o) }
        } } }
        func sample(_ p: SIMD3<Double>) -> Double? {
            let x = grid.voxelCoordinates(of: p)
            let i = Int(x.x.rounded(.down)), j = Int(x.y.rounded(.down)), k = Int(x.z.rounded(.down))
            guard grid.contains(i, j, k), grid.contains(i + 1, j + 1, k + 1) else { return nil }
            let f = x - SIMD3(Double(i), Double(j), Double(k))
            var v = 0.0
            for c in 0...1 { for b in 0...1 { for a in 0...1 {
                let w = (a == 1 ? f.x : 1 - f.x) * (b == 1 ? f.y : 1 - f.y) * (c == 1 ? f.z : 1 - f.z)
                v += w * evaluated[grid.index(i + a, j + b, k + c)]
            } } }
            return v
        }
        var passed = 0, counted = 0
        for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx {
            let n = grid.index(i, j, k), r = reference[n]
            guard r >= cutoffPct / 100 * peak else { continue }
            counted += 1
            let criterion2 = dd * dd + 4 * sigma[n] * sigma[n]
            let centre = grid.position(i, j, k)
            var best = Double.infinity
            for o in offsets {
                let e = (o == .zero ? evaluated[n] : sample(centre + o)) ?? .infinity
                best = min(best, (o * o).sum() / (dtaMM * dtaMM) + (e - r) * (e - r) / criterion2)
            }
            if best <= 1 { passed += 1 }
        } } }
        return counted > 0 ? Double(passed) / Double(counted) : 0
    }
}
