/// Voxel adjacency used by connected-component labelling and hole filling.
///
/// In 3D, `.six` joins voxels sharing a face and `.twentySix` voxels sharing a face, an edge or a
/// corner. Restricted to one axial slice (2D kernels) they become the 4- and 8-neighbourhoods.
public enum Connectivity: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Face neighbours (±x, ±y, ±z); 4-neighbourhood in a slice.
    case six = 6
    /// Face, edge and corner neighbours; 8-neighbourhood in a slice.
    case twentySix = 26

    /// Neighbour offsets (dx, dy, dz) that precede a voxel in z-major raster order.
    var backwardOffsets: [SIMD3<Int>] {
        switch self {
        case .six:
            return [SIMD3(-1, 0, 0), SIMD3(0, -1, 0), SIMD3(0, 0, -1)]
        case .twentySix:
            var o: [SIMD3<Int>] = []
            for dy in -1...1 { for dx in -1...1 { o.append(SIMD3(dx, dy, -1)) } }
            for dx in -1...1 { o.append(SIMD3(dx, -1, 0)) }
            o.append(SIMD3(-1, 0, 0))
            return o
        }
    }
}
