/// Ground-truth membership of one thorax voxel, one bit per structure.
struct ThoraxLabels: OptionSet, Sendable {
    let rawValue: UInt16
    static let body = ThoraxLabels(rawValue: 1 << 0)
    static let lungLeft = ThoraxLabels(rawValue: 1 << 1)
    static let lungRight = ThoraxLabels(rawValue: 1 << 2)
    static let trachea = ThoraxLabels(rawValue: 1 << 3)
    static let bones = ThoraxLabels(rawValue: 1 << 4)
    static let spinalCanal = ThoraxLabels(rawValue: 1 << 5)
    static let heart = ThoraxLabels(rawValue: 1 << 6)
    static let gtv = ThoraxLabels(rawValue: 1 << 7)
}

/// CT number (before noise) and ground-truth labels of one voxel centre.
struct VoxelSample: Sendable {
    var hu: Double
    var labels: ThoraxLabels

    static let air = VoxelSample(hu: -1000, labels: [])
    /// A body voxel with no structure label.
    static func tissue(_ hu: Double) -> VoxelSample { VoxelSample(hu: hu, labels: .body) }
}
