/// Limits applied to every read, checked from the file's metadata before any voxel array is allocated.
public struct StoreLimits: Sendable, Hashable {
    /// Largest number of elements of one dataset (or one NIfTI image) that a read accepts.
    public var maxVoxels: Int

    /// The default and largest sensible `maxVoxels`: 2^30 (e.g. 1024×1024×1024; a 2 GiB int16 CT).
    public static let defaultMaxVoxels = 1 << 30

    /// Limits with at most `maxVoxels` elements per dataset (default ``defaultMaxVoxels``).
    public init(maxVoxels: Int = defaultMaxVoxels) {
        self.maxVoxels = maxVoxels
    }

    /// Voxel spacing (mm) a stored or imported volume may have: clinical CT and dose grids lie far inside it;
    /// spacings outside make every millimetre-to-voxel conversion (margins, kernels, beam lengths) absurd.
    public static let spacingRangeMM: ClosedRange<Double> = 0.05...50
    /// Largest magnitude (mm) of an origin coordinate: 100 m.
    public static let maxAbsOriginMM = 100_000.0

    /// Why `spacing` and `origin` (mm, x y z) are not an acceptable volume geometry, or nil when they are.
    public static func geometryProblem(spacingMM spacing: [Double], originMM origin: [Double]) -> String? {
        if let bad = spacing.first(where: { !($0.isFinite && spacingRangeMM.contains($0)) }) {
            return "spacing \(spacing) mm: \(bad) is outside the accepted \(spacingRangeMM.lowerBound)–\(spacingRangeMM.upperBound) mm"
        }
        if let bad = origin.first(where: { !($0.isFinite && abs($0) <= maxAbsOriginMM) }) {
            return "origin \(origin) mm: \(bad) is not finite or beyond ±\(Int(maxAbsOriginMM)) mm"
        }
        return nil
    }
}
