import Core
import Dose
import Planning

/// The payload fields that every beamlet batch of a phase repeats — `patient.density`, `patient.material`,
/// `beams`, `beamlets`, `geometry` — encoded once with their content keys, so that a phase of N batches builds
/// and hashes the patient model once and workers cache it (``PayloadCache``) instead of receiving it N times.
struct SharedBeamletFields {
    /// The patient grid (small; sent with every batch).
    let grid: Grid
    /// The shared fields by name: the array and its content key.
    let fields: [String: (value: WireArray, key: String)]

    init(patient: PatientModel, geometry g: BeamGeometry) {
        grid = patient.grid
        let arrays: [String: WireArray] = [
            "patient.density": .float64(patient.densityGPerCC),
            "patient.material": .uint8(patient.materials.map(\.rawValue)),
            "beams": .float64(g.beams.flatMap { [$0.gantryDeg, $0.isocentreMM.x, $0.isocentreMM.y, $0.isocentreMM.z, $0.sadMM] }),
            "beamlets": .float64(g.beamlets.flatMap { [Double($0.beamIndex), $0.uMM, $0.vMM, $0.widthMM] }),
            "geometry": .float64([g.bixelMM, g.focalSpotSigmaMM]),
        ]
        fields = arrays.mapValues { ($0, $0.contentKey) }
    }
}
