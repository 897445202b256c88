import Core
import Dose
import Jobs

/// A dose calculation resolved against a case: the patient on the dose grid, the beams and beamlets,
/// the beamlet weights of the forward dose (1 each), the engine and the Monte Carlo statistics.
public struct DoseSetup: Sendable {
    /// Density and material on the dose grid.
    public let patient: PatientModel
    /// Beams and beamlets (target-covering, or the open field).
    public let geometry: BeamGeometry
    /// Weight of every beamlet in the forward dose: 1 for the open field's or the target's beamlets.
    public let weights: [Double]
    /// Seed, histories, batches and threshold of every beamlet.
    public let statistics: BeamletStatistics
    /// The engine of the influence matrix.
    public let engine: DoseEngine
    /// How the Monte Carlo matrix spreads its histories, with the pilot histories per beamlet and the target's dose-grid
    /// voxels (ascending) for `target_fraction`; nil for a uniform spread.
    public let targetFractionPilot: (historiesPerBeamlet: Int, targetVoxels: [Int32])?
    /// The Monte Carlo run of the pencil-beam kernel (bixel, default focal spot and SAD of the beams; the spec's
    /// `kernel_histories`; the job seed); nil for the Monte Carlo engine.
    public let kernelSimulation: PencilBeamKernelSimulation?

    /// Resolves `spec` on `ct` with the case's `structures` (masks on the CT grid, by name). `checkpoint` runs
    /// between the set-up's steps (CT masking, beam geometry, patient model) and before each slice of the patient
    /// model's resampling, and may throw to stop it (a job cancelled meanwhile).
    /// - Throws: ``PlanningError`` for an unknown or empty target, an open-field axis that misses the
    ///   patient, beams that yield no beamlet, or `ignore_outside_densities` without a structure on the CT grid;
    ///   `DoseError`/`CoreError` for invalid geometry; whatever `checkpoint` throws.
    public init(spec: DoseCalculationSpec, seed: UInt64, ct original: CTVolume, structures: [String: MaskVolume],
                calibration: CTCalibration = .schneider2000, checkpoint: @Sendable () throws -> Void = {}) throws {
        try checkpoint()
        let ct = spec.ignoreOutsideDensities ? try Self.airOutside(structures, ct: original) : original
        try checkpoint()
        let target = try spec.target.map { try Self.targetMask(named: $0, in: structures) }
        let beams = spec.beams
        if let field = spec.openField {
            let iso: SIMD3<Double>
            if let given = beams.isocentreMM {
                iso = given
            } else if let atDepth = try Self.ssdIsocentre(field: field, beams: beams, ct: ct) {
                iso = atDepth
            } else if let target {
                iso = Self.centreOfMass(target)
            } else {
                throw PlanningError("an open field needs open_field.ssd_mm, beams.isocentre_mm or a target")
            }
            geometry = try BeamGeometry.openField(gantryDeg: beams.gantryDeg, isocentreMM: iso, fieldSizeMM: field.fieldMM,
                                                  sadMM: beams.sadMM, bixelMM: beams.bixelMM)
        } else if let target {
            geometry = try BeamGeometry.covering(target: target, gantryDeg: beams.gantryDeg, isocentreMM: beams.isocentreMM,
                                                 sadMM: beams.sadMM, bixelMM: beams.bixelMM, marginMM: spec.marginMM)
        } else {
            throw PlanningError("the dose calculation names neither a target nor an open field")
        }
        guard !geometry.beamlets.isEmpty else { throw PlanningError("the beams have no beamlet") }
        try checkpoint()
        let doseGrid = try PatientModel.doseGrid(covering: ct.grid, spacingMM: spec.doseGridSpacingMM)
        patient = try PatientModel(ct: ct, calibration: calibration, doseGrid: doseGrid, threads: Self.setupThreads, checkpoint: checkpoint)
        try checkpoint()
        weights = Array(repeating: 1, count: geometry.beamlets.count)
        if spec.historyAllocation == .targetFraction, let target {
            let onDoseGrid = try DoseGridStructures.resample(target, onto: doseGrid)
            let voxels = onDoseGrid.voxels.indices.filter { onDoseGrid.voxels[$0] != 0 }.map { Int32($0) }
            guard !voxels.isEmpty else { throw PlanningError("the target has no voxel on the dose grid, so target_fraction has nothing to measure") }
            targetFractionPilot = (spec.pilotHistoriesPerBeamlet, voxels)
        } else {
            targetFractionPilot = nil
        }
        statistics = BeamletStatistics(seed: seed, historiesPerBeamlet: spec.historiesPerBeamlet,
                                       uncertaintyBatches: spec.uncertaintyBatches, thresholdRelative: spec.thresholdRelative,
                                       transport: TransportSettings(rouletteBelowMeV: spec.transport.rouletteBelowMeV,
                                                                    rouletteSurvival: spec.transport.rouletteSurvival))
        engine = spec.engine
        kernelSimulation = spec.engine == .pencilBeam
            ? try PencilBeamKernelSimulation(bixelMM: geometry.bixelMM, focalSpotSigmaMM: geometry.focalSpotSigmaMM, sadMM: beams.sadMM,
                                             maximumDepthMM: Self.kernelDepthMM(patient), histories: spec.kernelHistories, seed: seed)
            : nil
    }

    /// Threads of the coordinator's own work between phases (CT resampling, correction smoothing): the workers wait then.
    public static let setupThreads = 2

    /// Hounsfield number given to the voxels outside every structure by `ignore_outside_densities`.
    public static let outsideHU: Int16 = -1000

    /// `ct` with every voxel outside the union of `structures` set to air (``outsideHU``).
    /// - Throws: ``PlanningError`` when there is no structure, or a mask is not on the CT grid.
    public static func airOutside(_ structures: [String: MaskVolume], ct: CTVolume) throws -> CTVolume {
        guard !structures.isEmpty else {
            throw PlanningError("ignore_outside_densities needs at least one structure, and the case has none")
        }
        var inside = [Bool](repeating: false, count: ct.grid.voxelCount)
        for (name, mask) in structures.sorted(by: { $0.key < $1.key }) {
            guard mask.grid == ct.grid else {
                throw PlanningError("structure \"\(name)\" is not on the CT grid, so ignore_outside_densities cannot apply it")
            }
            mask.withUnsafeBufferPointer { m in
                for i in m.indices where m[i] != 0 { inside[i] = true }
            }
        }
        var out = ct
        out.withUnsafeMutableBufferPointer { hu in
            for i in hu.indices where !inside[i] { hu[i] = outsideHU }
        }
        return out
    }

    /// Deepest radiological depth the kernel must tabulate: the dose grid's diagonal × its largest density
    /// (g/cm³), rounded up to 10 mm, between 100 and 400 mm (deeper voxels take the 400 mm value).
    public static func kernelDepthMM(_ patient: PatientModel) -> Double {
        let g = patient.grid
        let extent = g.spacingMM * SIMD3(Double(g.nx), Double(g.ny), Double(g.nz))
        let deepest = (extent * extent).sum().squareRoot() * (patient.densityGPerCC.max() ?? 1)
        return min(max((deepest / 10).rounded(.up) * 10, 100), 400)
    }

    /// The mask of structure `name`; throws a ``PlanningError`` naming it and the known structures, or
    /// saying it is empty.
    public static func targetMask(named name: String, in structures: [String: MaskVolume]) throws -> MaskVolume {
        guard let mask = structures[name] else {
            let known = structures.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            throw PlanningError("target \"\(name)\" is not a structure of the case; known structures: \(known.isEmpty ? "none" : known)")
        }
        guard mask.voxels.contains(where: { $0 != 0 }) else {
            throw PlanningError("target \"\(name)\" has no voxel")
        }
        return mask
    }

    /// The isocentre of an SSD set-up (`sad − ssd` beyond the skin along the central axis through the CT
    /// centre), or nil when the field has no SSD.
    static func ssdIsocentre(field: OpenFieldSpec, beams: BeamSetSpec, ct: CTVolume) throws -> SIMD3<Double>? {
        guard let ssd = field.ssdMM, let gantry = beams.gantryDeg.first else { return nil }
        let g = ct.grid
        let centre = g.originMM + g.spacingMM * SIMD3(Double(g.nx - 1), Double(g.ny - 1), Double(g.nz - 1)) / 2
        let direction = try Beam(gantryDeg: gantry, isocentreMM: centre, sadMM: beams.sadMM).directionLPS
        guard let skin = PatientSurface.entryPoint(ct: ct, throughMM: centre, directionLPS: direction) else {
            throw PlanningError("the central axis of the beam at gantry \(gantry)° through the CT centre misses the patient")
        }
        return skin + (beams.sadMM - ssd) * direction
    }

    /// Mean position (mm) of the nonzero voxels of a non-empty mask.
    static func centreOfMass(_ mask: MaskVolume) -> SIMD3<Double> {
        let g = mask.grid
        var sum = SIMD3<Double>.zero, count = 0.0
        for k in 0..<g.nz {
            for j in 0..<g.ny {
                for i in 0..<g.nx where mask[i, j, k] != 0 {
                    sum += g.position(i, j, k)
                    count += 1
                }
            }
        }
        return sum / count
    }
}
