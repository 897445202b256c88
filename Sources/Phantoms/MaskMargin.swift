import Core

/// Isotropic margin expansion of a binary mask in millimetres, as used to grow a GTV into a PTV.
public enum MaskMargin {
    /// The set of voxels whose centre lies within `marginMM` (Euclidean distance in mm, using the
    /// grid's anisotropic spacing) of the centre of at least one nonzero voxel of `mask`.
    ///
    /// The result contains `mask`; a margin of 0 returns the mask binarised. Only boundary voxels
    /// (a 6-neighbour is zero or outside the grid) are stamped, which is exact: the voxel of a mask
    /// nearest to an outside point always has a zero 6-neighbour towards that point.
    /// - Throws: ``PhantomError/invalidParameter(_:)`` when `marginMM` is negative or not finite.
    public static func expand(_ mask: MaskVolume, marginMM: Double) throws -> MaskVolume {
        guard marginMM.isFinite, marginMM >= 0 else {
            throw PhantomError.invalidParameter("margin must be finite and ≥ 0 mm, got \(marginMM)")
        }
        let g = mask.grid
        let offsets = ballOffsets(spacingMM: g.spacingMM, radiusMM: marginMM)
        let src = mask.voxels
        var out = [UInt8](repeating: 0, count: g.voxelCount)
        for z in 0..<g.nz {
            for y in 0..<g.ny {
                for x in 0..<g.nx where src[g.index(x, y, z)] != 0 {
                    out[g.index(x, y, z)] = 1
                    guard isBoundary(src, g, x, y, z) else { continue }
                    for (dx, dy, dz) in offsets {
                        let px = x + dx, py = y + dy, pz = z + dz
                        if g.contains(px, py, pz) { out[g.index(px, py, pz)] = 1 }
                    }
                }
            }
        }
        // The voxel count matches the grid by construction.
        return try! MaskVolume(grid: g, voxels: out)
    }

    /// Integer voxel offsets (dx, dy, dz) with (dx·sx)² + (dy·sy)² + (dz·sz)² ≤ r² (1e-9 mm² tolerance).
    static func ballOffsets(spacingMM s: SIMD3<Double>, radiusMM r: Double) -> [(Int, Int, Int)] {
        let rx = Int(r / s.x), ry = Int(r / s.y), rz = Int(r / s.z)
        var result: [(Int, Int, Int)] = []
        for dz in -rz...rz {
            for dy in -ry...ry {
                for dx in -rx...rx {
                    let ax = Double(dx) * s.x, ay = Double(dy) * s.y, az = Double(dz) * s.z
                    if ax * ax + ay * ay + az * az <= r * r + 1e-9 { result.append((dx, dy, dz)) }
                }
            }
        }
        return result
    }

    private static func isBoundary(_ v: [UInt8], _ g: Grid, _ x: Int, _ y: Int, _ z: Int) -> Bool {
        for (dx, dy, dz) in [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)] {
            let px = x + dx, py = y + dy, pz = z + dz
            if !g.contains(px, py, pz) || v[g.index(px, py, pz)] == 0 { return true }
        }
        return false
    }
}
