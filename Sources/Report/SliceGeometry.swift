import Core

/// Where the pixels of one slice image lie in patient coordinates (LPS mm).
///
/// Pixels are square (`pixelSizeMM` on both image axes) whatever the voxel spacing, so the
/// image has the patient's true aspect ratio. The image covers the grid's full extent (voxel
/// edges) along its two in-plane axes; the third coordinate is `throughMM`'s.
public struct SliceGeometry: Sendable, Equatable {
    /// The plane.
    public let orientation: SliceOrientation
    /// Edge length of one square pixel in mm.
    public let pixelSizeMM: Double
    /// Image size in pixels.
    public let width: Int, height: Int
    /// The point the plane passes through (mm).
    public let throughMM: SIMD3<Double>
    private let lowMM: SIMD3<Double>, highMM: SIMD3<Double>

    /// The plane `orientation` through `throughMM` over `grid`, with pixels of `pixelSizeMM`
    /// (default: the smallest in-plane voxel spacing, made finer — down to a fifth of it — until
    /// the longer side has 360 pixels, and coarser when the longer side would exceed 1024).
    public init(grid: Grid, orientation: SliceOrientation, throughMM: SIMD3<Double>, pixelSizeMM: Double? = nil) {
        self.orientation = orientation
        self.throughMM = throughMM
        lowMM = grid.originMM - grid.spacingMM / 2
        highMM = grid.originMM + (SIMD3(Double(grid.nx), Double(grid.ny), Double(grid.nz)) - 0.5) * grid.spacingMM
        let (h, v) = SliceGeometry.axes(orientation)
        let extent = (highMM[h] - lowMM[h], highMM[v] - lowMM[v])
        let longer = max(extent.0, extent.1)
        let natural = min(grid.spacingMM[h], grid.spacingMM[v])
        let size = pixelSizeMM ?? min(max(natural, longer / 1024), max(longer / 360, natural / 5))
        self.pixelSizeMM = size
        width = max(1, Int((extent.0 / size).rounded()))
        height = max(1, Int((extent.1 / size).rounded()))
    }

    /// The grid axes (0 = x, 1 = y, 2 = z) along the image columns and rows.
    static func axes(_ o: SliceOrientation) -> (Int, Int) {
        switch o {
        case .axial: return (0, 1)
        case .coronal: return (0, 2)
        case .sagittal: return (1, 2)
        }
    }

    /// The patient position (mm) at the centre of pixel (column, row).
    public func pointMM(column: Int, row: Int) -> SIMD3<Double> {
        let (h, v) = SliceGeometry.axes(orientation)
        var p = throughMM
        p[h] = lowMM[h] + (Double(column) + 0.5) * pixelSizeMM
        // Rows go down: +y (posterior) on axial; -z (inferior) on coronal and sagittal.
        p[v] = v == 2 ? highMM[v] - (Double(row) + 0.5) * pixelSizeMM : lowMM[v] + (Double(row) + 0.5) * pixelSizeMM
        return p
    }

    /// The pixel (column, row) containing the in-plane position of `pointMM`, or nil outside the image.
    public func pixel(of pointMM: SIMD3<Double>) -> (column: Int, row: Int)? {
        let (h, v) = SliceGeometry.axes(orientation)
        let c = Int(((pointMM[h] - lowMM[h]) / pixelSizeMM).rounded(.down))
        let r = Int(((v == 2 ? highMM[v] - pointMM[v] : pointMM[v] - lowMM[v]) / pixelSizeMM).rounded(.down))
        guard c >= 0, r >= 0, c < width, r < height else { return nil }
        return (c, r)
    }
}
