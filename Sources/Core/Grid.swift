/// A regular, axis-aligned voxel grid in DICOM patient coordinates (LPS, millimetres).
///
/// Conventions used everywhere in rtcluster (documented once, here):
/// - Vectors are in **x, y, z** order: x increases towards the patient's left, y towards
///   posterior, z towards the head (superior), as in a DICOM axial series.
/// - `originMM` is the **centre** of voxel `[0,0,0]`; the centre of voxel `(i, j, k)` is
///   `originMM + (i, j, k) * spacingMM`.
/// - Voxel arrays are stored **z-major** (`[z][y][x]`): the linear index of `(x, y, z)` is
///   `(z * ny + y) * nx + x`. A z-slab is therefore one contiguous block of memory.
public struct Grid: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Number of voxels along x, y, z.
    public let nx: Int, ny: Int, nz: Int
    /// Voxel size along x, y, z in mm (finite, > 0).
    public let spacingMM: SIMD3<Double>
    /// Centre of voxel [0,0,0] in mm (LPS).
    public let originMM: SIMD3<Double>

    /// Largest voxel count any grid may have (2^34, far above any clinical CT).
    public static let absoluteMaxVoxels = 1 << 34

    /// Most voxels a dose grid may have: 2^27 (≈ 134 M, a 1 mm grid over 51 × 51 × 51 cm). Each dose-grid voxel costs
    /// tens of bytes on the coordinator and on every worker (densities, dose, uncertainty, influence-matrix rows), so a
    /// larger grid does not fit a node: jobs are refused at submit and dose files are refused on reading above it.
    public static let maxDoseVoxels = 1 << 27

    /// Voxel counts (x, y, z) at `spacingMM` that cover the extent (`count · spacing` per axis) of `counts` voxels at
    /// `coveredSpacingMM`: the fewest whose extent reaches it (a dose grid over a CT, for example).
    public static func coveringCounts(_ counts: SIMD3<Int>, spacingMM coveredSpacingMM: SIMD3<Double>,
                                      at spacingMM: SIMD3<Double>) -> SIMD3<Int> {
        let extent = coveredSpacingMM * SIMD3(Double(counts.x), Double(counts.y), Double(counts.z))
        let n = (extent / spacingMM - 1e-9).rounded(.up)
        return SIMD3(Int(n.x), Int(n.y), Int(n.z))
    }

    /// Creates a grid after checking that dimensions are positive and spacing finite and positive.
    public init(nx: Int, ny: Int, nz: Int, spacingMM: SIMD3<Double>, originMM: SIMD3<Double> = .zero) throws {
        guard nx > 0, ny > 0, nz > 0 else {
            throw CoreError.invalidGrid("dimensions must be positive, got \(nx)×\(ny)×\(nz)")
        }
        let (p1, o1) = nx.multipliedReportingOverflow(by: ny)
        let (p2, o2) = p1.multipliedReportingOverflow(by: nz)
        guard !o1, !o2, p2 <= Grid.absoluteMaxVoxels else {
            throw CoreError.invalidGrid("\(nx)×\(ny)×\(nz) voxels exceeds the limit of \(Grid.absoluteMaxVoxels)")
        }
        for a in 0..<3 where !(spacingMM[a].isFinite && spacingMM[a] > 0) {
            throw CoreError.invalidGrid("spacing must be finite and positive, got \(Grid.format(spacingMM)) mm")
        }
        for a in 0..<3 where !originMM[a].isFinite {
            throw CoreError.invalidGrid("origin must be finite, got \(Grid.format(originMM)) mm")
        }
        self.nx = nx; self.ny = ny; self.nz = nz
        self.spacingMM = spacingMM
        self.originMM = originMM
    }

    /// Total number of voxels.
    @inlinable public var voxelCount: Int { nx * ny * nz }
    /// Number of voxels in one axial slice.
    @inlinable public var sliceCount: Int { nx * ny }
    /// Volume of one voxel in cm³.
    public var voxelVolumeCC: Double { spacingMM.x * spacingMM.y * spacingMM.z / 1000 }

    /// Linear z-major index of voxel (x, y, z). No bounds check.
    @inlinable public func index(_ x: Int, _ y: Int, _ z: Int) -> Int { (z &* ny &+ y) &* nx &+ x }

    /// True when (x, y, z) lies inside the grid.
    @inlinable public func contains(_ x: Int, _ y: Int, _ z: Int) -> Bool {
        x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz
    }

    /// Centre of voxel (i, j, k) in mm (LPS).
    public func position(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> {
        originMM + SIMD3(Double(i), Double(j), Double(k)) * spacingMM
    }

    /// Continuous voxel coordinates of a point in mm (voxel centres at integers).
    public func voxelCoordinates(of pointMM: SIMD3<Double>) -> SIMD3<Double> {
        (pointMM - originMM) / spacingMM
    }

    /// The sub-grid of slices `zRange` (same x/y, origin moved to the first slice).
    public func slab(_ zRange: Range<Int>) -> Grid {
        precondition(zRange.lowerBound >= 0 && zRange.upperBound <= nz && !zRange.isEmpty, "slab \(zRange) outside 0..<\(nz)")
        var o = originMM
        o.z += Double(zRange.lowerBound) * spacingMM.z
        // Dimensions and spacing were validated for the parent grid.
        return try! Grid(nx: nx, ny: ny, nz: zRange.count, spacingMM: spacingMM, originMM: o)
    }

    /// The sub-grid of columns `columns` and rows `rows` (all slices, origin moved to the first column and row);
    /// this grid itself for the whole slice.
    public func box(columns: Range<Int>, rows: Range<Int>) -> Grid {
        precondition(columns.lowerBound >= 0 && columns.upperBound <= nx && !columns.isEmpty
                     && rows.lowerBound >= 0 && rows.upperBound <= ny && !rows.isEmpty, "box \(columns) × \(rows) outside \(nx)×\(ny)")
        if columns == 0..<nx && rows == 0..<ny { return self }
        // Dimensions and spacing were validated for the parent grid.
        return try! Grid(nx: columns.count, ny: rows.count, nz: nz, spacingMM: spacingMM,
                         originMM: originMM + SIMD3(Double(columns.lowerBound), Double(rows.lowerBound), 0) * spacingMM)
    }

    public var description: String {
        "\(nx)×\(ny)×\(nz) voxels, spacing \(Grid.format(spacingMM)) mm, origin \(Grid.format(originMM)) mm"
    }

    static func format(_ v: SIMD3<Double>) -> String { "(\(v.x), \(v.y), \(v.z))" }
}
