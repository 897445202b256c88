/// Geometry of a water phantom, centred on the grid centre (x = y = z = 0 mm).
public enum WaterShape: Sendable, Hashable {
    /// A cylinder whose axis runs along z through every slice (a CT calibration phantom).
    case cylinder(diameterMM: Double)
    /// A rectangular box of water with flat faces (sizes along x, y, z in mm): the water tank /
    /// slab geometry for depth-dose and profile validation; a beam from gantry 0° enters the
    /// anterior face y = −sizeMM.y / 2 at normal incidence.
    case box(sizeMM: SIMD3<Double>)
}
