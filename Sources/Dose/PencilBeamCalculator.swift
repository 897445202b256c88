import Core

/// Finite-size pencil-beam dose of beamlets on a patient: deterministic columns of the same form as the
/// Monte Carlo ones (``BeamletColumn`` with zero uncertainty and an empty energy balance).
///
/// A voxel at distance z from the source along the central axis, projected onto the isocentre plane at
/// (u, v), receives from the beamlet centred at (u_b, v_b) the dose K(d, u − u_b, v − v_b)·(SAD/z)², where d is
/// the radiological depth of the voxel centre along the ray from the source (``RadiologicalDepthFan``) and K the
/// water kernel (``PencilBeamKernel``). Only voxels within the kernel's lateral cut-off for `thresholdRelative`
/// are evaluated; entries below `thresholdRelative` of the column's maximum are dropped, as in Monte Carlo
/// columns. Approximations (no lateral density scaling, kernel invariant off axis) are listed in the module README.
public struct PencilBeamCalculator: Sendable {
    /// The patient on the dose grid.
    public let patient: PatientModel
    /// Beams and beamlets.
    public let geometry: BeamGeometry
    /// The water kernel of the geometry's bixel, focal spot and SAD.
    public let kernel: PencilBeamKernel

    /// A calculator; throws ``DoseError`` when the kernel was made for another bixel width, focal spot or SAD.
    public init(patient: PatientModel, geometry: BeamGeometry, kernel: PencilBeamKernel) throws {
        guard abs(kernel.bixelMM - geometry.bixelMM) < 1e-9, abs(kernel.focalSpotSigmaMM - geometry.focalSpotSigmaMM) < 1e-9,
              geometry.beams.allSatisfy({ abs($0.sadMM - kernel.sadMM) < 1e-9 }),
              geometry.beamlets.allSatisfy({ abs($0.widthMM - kernel.bixelMM) < 1e-9 }) else {
            throw DoseError.invalidParameter("the kernel (bixel \(kernel.bixelMM) mm, spot σ \(kernel.focalSpotSigmaMM) mm, SAD \(kernel.sadMM) mm) does not match the beam geometry")
        }
        self.patient = patient
        self.geometry = geometry
        self.kernel = kernel
    }

    /// The column of one beamlet.
    public func column(beamletID: Int, thresholdRelative: Double = 0.001) throws -> BeamletColumn {
        try columns(beamletIDs: [beamletID], thresholdRelative: thresholdRelative)[0]
    }

    /// The columns of `beamletIDs`, in that order. Work is shared per beam: the voxels in reach of the requested
    /// beamlets are projected and their radiological depths traced once.
    public func columns(beamletIDs: [Int], thresholdRelative: Double = 0.001) throws -> [BeamletColumn] {
        guard thresholdRelative >= 0, thresholdRelative <= 1 else {
            throw DoseError.invalidParameter("relative threshold must be within 0…1, got \(thresholdRelative)")
        }
        if let bad = beamletIDs.first(where: { !geometry.beamlets.indices.contains($0) }) {
            throw DoseError.invalidParameter("beamlet \(bad) not in 0..<\(geometry.beamlets.count)")
        }
        let reach = kernel.cutoffMM(thresholdRelative: thresholdRelative)
        let depthReach = kernel.reachByDepthMM(thresholdRelative: thresholdRelative)
        let waterScale = PencilBeamCache.shared.waterScale(of: patient)
        var out = [BeamletColumn?](repeating: nil, count: beamletIDs.count)
        var scratch = BeamVoxels.Scratch()
        let cornerMaxima = PencilBeamCache.shared.cornerMaxima(of: kernel)
        let byBeam = Dictionary(grouping: beamletIDs.indices, by: { geometry.beamlets[beamletIDs[$0]].beamIndex })
        for b in byBeam.keys.sorted() {
            let slots = byBeam[b]!
            let beamlets = slots.map { geometry.beamlets[beamletIDs[$0]] }
            let voxels = try BeamVoxels(patient: patient, waterScale: waterScale, beam: geometry.beams[b], beamlets: beamlets, halfWidthMM: reach,
                                        cellMM: kernel.bixelMM, kernel: kernel, depthReachMM: depthReach)
            cornerMaxima.withUnsafeBufferPointer { maxima in
                for (slot, beamlet) in zip(slots, beamlets) {
                    out[slot] = voxels.column(beamlet: beamlet, kernel: kernel, cornerMaxima: maxima, reachMM: reach,
                                              thresholdRelative: thresholdRelative, scratch: &scratch)
                }
            }
        }
        return out.map { $0! }
    }
}
