/// Tissue class of a voxel, from the CT number (see ``CTCalibration``).
///
/// Cross-sections and stopping powers are those of water per electron: each material scales them by
/// its electron density per gram relative to water, (Z/A)_material / (Z/A)_water, with Z/A from
/// ICRU 44/46 (air 0.49919, lung 0.54965, soft tissue 0.54975, cortical bone 0.51478, water 0.55508).
/// The higher-Z enhancement of pair production and photoabsorption in bone is neglected.
public enum Material: UInt8, Sendable, Hashable, CaseIterable, Codable {
    case air = 0, lung = 1, softTissue = 2, bone = 3

    /// Electrons per gram relative to water.
    public var electronDensityRatio: Double {
        switch self {
        case .air: return 0.49919 / 0.55508
        case .lung: return 0.54965 / 0.55508
        case .softTissue: return 0.54975 / 0.55508
        case .bone: return 0.51478 / 0.55508
        }
    }
}
