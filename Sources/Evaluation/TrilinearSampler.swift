import Core

/// Trilinear interpolation of a dose grid at continuous voxel coordinates (voxel centres at integers).
struct TrilinearSampler {
    private let dose: [Float]
    private let nx: Int, ny: Int, nz: Int

    init(_ volume: DoseVolume) {
        dose = volume.voxels
        nx = volume.grid.nx; ny = volume.grid.ny; nz = volume.grid.nz
    }

    /// Dose at `c`, or nil outside the hull of the voxel centres (a one-voxel axis accepts only its centre plane).
    func sample(_ c: SIMD3<Double>) -> Double? {
        guard c.x >= 0, c.y >= 0, c.z >= 0, c.x <= Double(nx - 1), c.y <= Double(ny - 1), c.z <= Double(nz - 1) else { return nil }
        let x0 = min(Int(c.x), max(nx - 2, 0)), y0 = min(Int(c.y), max(ny - 2, 0)), z0 = min(Int(c.z), max(nz - 2, 0))
        let fx = c.x - Double(x0), fy = c.y - Double(y0), fz = c.z - Double(z0)
        let x1 = min(x0 + 1, nx - 1), y1 = min(y0 + 1, ny - 1), z1 = min(z0 + 1, nz - 1)
        return dose.withUnsafeBufferPointer { d in
            func v(_ x: Int, _ y: Int, _ z: Int) -> Double { Double(d[(z &* ny &+ y) &* nx &+ x]) }
            let c00 = v(x0, y0, z0) + fx * (v(x1, y0, z0) - v(x0, y0, z0))
            let c10 = v(x0, y1, z0) + fx * (v(x1, y1, z0) - v(x0, y1, z0))
            let c01 = v(x0, y0, z1) + fx * (v(x1, y0, z1) - v(x0, y0, z1))
            let c11 = v(x0, y1, z1) + fx * (v(x1, y1, z1) - v(x0, y1, z1))
            let c0 = c00 + fy * (c10 - c00), c1 = c01 + fy * (c11 - c01)
            return c0 + fz * (c1 - c0)
        }
    }
}
