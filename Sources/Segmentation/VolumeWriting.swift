import Core

extension Volume {
    /// A volume whose voxels `body` writes, every one of the `count` entries starting at the
    /// pointer, without filling them with zeros first (a fresh volume's pages are then touched once).
    static func written(grid: Grid, by body: (UnsafeMutablePointer<Voxel>, Int) -> Void) -> Volume {
        try! writing(grid: grid, by: body)
    }

    /// ``written(grid:by:)`` for a throwing `body` (the volume is discarded when it throws).
    static func writing(grid: Grid, by body: (UnsafeMutablePointer<Voxel>, Int) throws -> Void) throws -> Volume {
        let n = grid.voxelCount
        let voxels = try [Voxel](unsafeUninitializedCapacity: n) { buffer, count in
            if let base = buffer.baseAddress { try body(base, n) }
            count = n
        }
        return try! Volume(grid: grid, voxels: voxels)
    }
}
