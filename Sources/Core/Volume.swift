/// A voxel array on a ``Grid``: CT numbers, masks or dose.
///
/// Safe access goes through the `(x, y, z)` subscript; kernels use
/// ``withUnsafeBufferPointer(_:)`` / ``withUnsafeMutableBufferPointer(_:)`` on the z-major storage.
public struct Volume<Voxel: VoxelScalar>: Sendable {
    /// Geometry of the array.
    public let grid: Grid
    /// Voxels in z-major order (`[z][y][x]`); the count always equals `grid.voxelCount`.
    public var voxels: [Voxel] { storage }
    @usableFromInline var storage: [Voxel]

    /// A volume filled with `value`.
    public init(grid: Grid, repeating value: Voxel = .zero) {
        self.grid = grid
        self.storage = [Voxel](repeating: value, count: grid.voxelCount)
    }

    /// A volume over existing voxels; the count must equal the grid's voxel count.
    public init(grid: Grid, voxels: [Voxel]) throws {
        guard voxels.count == grid.voxelCount else {
            throw CoreError.sizeMismatch(expected: grid.voxelCount, got: voxels.count)
        }
        self.grid = grid
        self.storage = voxels
    }

    /// Voxel at (x, y, z); traps when outside the grid.
    public subscript(x: Int, y: Int, z: Int) -> Voxel {
        get {
            precondition(grid.contains(x, y, z), "voxel (\(x), \(y), \(z)) outside \(grid.nx)×\(grid.ny)×\(grid.nz)")
            return storage[grid.index(x, y, z)]
        }
        set {
            precondition(grid.contains(x, y, z), "voxel (\(x), \(y), \(z)) outside \(grid.nx)×\(grid.ny)×\(grid.nz)")
            storage[grid.index(x, y, z)] = newValue
        }
    }

    /// Read-only access to the z-major storage for kernels.
    @inlinable public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Voxel>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Mutable access to the z-major storage for kernels.
    @inlinable public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Voxel>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }

    /// Copy of slices `zRange` as a volume on the corresponding sub-grid.
    public func slab(_ zRange: Range<Int>) -> Volume {
        let g = grid.slab(zRange)
        let s = grid.sliceCount
        return try! Volume(grid: g, voxels: Array(storage[(zRange.lowerBound * s)..<(zRange.upperBound * s)]))
    }

    /// Replaces slices starting at `z` with the slices of `slab` (same x/y size).
    public mutating func replaceSlices(from z: Int, with slab: ArraySlice<Voxel>) {
        let s = grid.sliceCount
        precondition(slab.count % s == 0 && z >= 0 && z * s + slab.count <= storage.count, "slab does not fit at z = \(z)")
        storage.replaceSubrange((z * s)..<(z * s + slab.count), with: slab)
    }
}

/// CT numbers in Hounsfield units.
public typealias CTVolume = Volume<Int16>
/// A binary structure mask (0 outside, 1 inside) or a label map.
public typealias MaskVolume = Volume<UInt8>
/// Dose in Gy.
public typealias DoseVolume = Volume<Float>

/// Scalar types a ``Volume`` may hold (the dtypes of the HDF5 layouts).
public protocol VoxelScalar: Numeric, Sendable, Hashable, Codable {}
extension Int8: VoxelScalar {}
extension UInt8: VoxelScalar {}
extension Int16: VoxelScalar {}
extension UInt16: VoxelScalar {}
extension Int32: VoxelScalar {}
extension Float: VoxelScalar {}
extension Double: VoxelScalar {}

extension Volume: Equatable where Voxel: Equatable {}
