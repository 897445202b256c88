import Core

extension Volume {
    /// A volume whose voxels `body` writes, every one of the `count` entries starting at the
    /// pointer, without filling them with zeros first (a fresh volume's pages are then touched once).
    static func written(grid: Grid, by body: (UnsafeMutablePointer<Voxel>, Int) -> Void) -> Volume {
        let n = grid.voxelCount
        let voxels = [Voxel](unsafeUninitializedCapacity: n) { buffer, count in
            if let base = buffer.baseAddress { body(base, n) }
            count = n
        }
        return try! Volume(grid: grid, voxels: voxels)
    }
}
