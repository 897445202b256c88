import Core

/// Reads volumes at arbitrary patient positions (mm): nearest voxel for CT numbers and masks,
/// trilinear interpolation for dose.
enum VolumeSampler {
    /// The voxel index nearest to `pointMM`, or nil when the point lies outside the grid's voxels.
    static func nearestIndex(_ grid: Grid, _ pointMM: SIMD3<Double>) -> Int? {
        let v = grid.voxelCoordinates(of: pointMM)
        let x = Int(v.x.rounded()), y = Int(v.y.rounded()), z = Int(v.z.rounded())
        guard grid.contains(x, y, z) else { return nil }
        return grid.index(x, y, z)
    }

    /// Dose at `pointMM` interpolated between the 8 surrounding voxel centres (edge voxels are
    /// held constant out to the grid boundary); nil outside the grid.
    static func trilinear(_ dose: DoseVolume, _ pointMM: SIMD3<Double>) -> Double? {
        let g = dose.grid
        let v = g.voxelCoordinates(of: pointMM)
        let n = SIMD3(Double(g.nx), Double(g.ny), Double(g.nz))
        guard all(v .>= -0.5) && all(v .< n - 0.5) else { return nil }
        let c = SIMD3<Double>.zero.replacing(with: v, where: v .> 0)
        let clamped = c.replacing(with: n - 1, where: c .> n - 1)
        let base = SIMD3(Int(clamped.x), Int(clamped.y), Int(clamped.z))
        let f = clamped - SIMD3(Double(base.x), Double(base.y), Double(base.z))
        let voxels = dose.voxels
        var sum = 0.0
        for corner in 0..<8 {
            let dx = corner & 1, dy = (corner >> 1) & 1, dz = corner >> 2
            let x = min(base.x + dx, g.nx - 1), y = min(base.y + dy, g.ny - 1), z = min(base.z + dz, g.nz - 1)
            let w = (dx == 1 ? f.x : 1 - f.x) * (dy == 1 ? f.y : 1 - f.y) * (dz == 1 ? f.z : 1 - f.z)
            if w > 0 { sum += w * Double(voxels[g.index(x, y, z)]) }
        }
        return sum
    }
}
