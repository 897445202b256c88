import Dose
import Jobs

extension DoseSetup {
    /// Refuses, before a job is queued, a target-covering beam set that could list more than
    /// ``BeamGeometry/maxBeamlets`` beamlets. The target's bounding box (voxel centres `lower`…`upper`, mm) is
    /// projected from each beam's source: the projections of its 8 corners bound those of every voxel inside. The
    /// isocentre is the spec's, else the box centre (the job uses the target's centre of mass, so this is an
    /// estimate; ``BeamGeometry/covering(target:gantryDeg:isocentreMM:sadMM:bixelMM:marginMM:focalSpotSigmaMM:)``
    /// checks exactly when the job starts).
    public static func checkBeamletBound(_ spec: DoseCalculationSpec, targetBoxMM box: (lower: SIMD3<Double>, upper: SIMD3<Double>)) throws {
        let iso = spec.beams.isocentreMM ?? (box.lower + box.upper) / 2
        let corners = (0..<8).map { c in
            SIMD3(c & 1 == 0 ? box.lower.x : box.upper.x, c & 2 == 0 ? box.lower.y : box.upper.y, c & 4 == 0 ? box.lower.z : box.upper.z)
        }
        var projections: [[SIMD2<Double>]] = []
        for gantry in spec.beams.gantryDeg {
            let beam = try Beam(gantryDeg: gantry, isocentreMM: iso, sadMM: spec.beams.sadMM)
            let uvs = corners.compactMap { beam.projectToIsocentrePlane($0) }
            guard uvs.count == corners.count else {
                throw PlanningError("the target reaches behind the source of the beam at gantry \(gantry)° (it extends more than sad_mm from the isocentre)")
            }
            projections.append(uvs)
        }
        let bound = BeamGeometry.beamletBound(projections: projections, bixelMM: spec.beams.bixelMM, marginMM: spec.marginMM)
        guard bound <= Double(BeamGeometry.maxBeamlets) else {
            throw PlanningError(BeamGeometry.beamletLimitMessage(bound: bound, bixelMM: spec.beams.bixelMM, beams: spec.beams.gantryDeg.count))
        }
    }
}
