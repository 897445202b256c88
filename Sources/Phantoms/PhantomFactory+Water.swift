import Core

extension PhantomFactory {
    /// A water phantom (0 HU) in air (−1000 HU) on a grid centred at the origin (voxel centres at
    /// `(i − (n − 1)/2)·spacing`), with one structure, `body` (the water: voxel centres inside
    /// the shape). Kind `water-cylinder` or `water-box`; the isocentre is the origin (water centre).
    /// - Parameters:
    ///   - shape: cylinder along z or flat-faced box (see ``WaterShape``).
    ///   - noiseHU: optional Gaussian noise (stream 1 of `seed`), 0 for exact 0 / −1000 HU.
    /// - Throws: ``PhantomError/invalidParameter(_:)`` when the shape has a non-positive size or
    ///   does not fit inside the grid; `CoreError` for an invalid spacing.
    public static func water(shape: WaterShape = .cylinder(diameterMM: 200), size: PhantomSize = .small,
                             spacingMM: SIMD3<Double> = SIMD3(4, 4, 4), noiseHU: Double = 0, seed: UInt64 = 0) throws -> Phantom {
        try CTImaging.validateNoise(noiseHU)
        let origin = -spacingMM * SIMD3(Double(size.nx - 1), Double(size.ny - 1), Double(size.nz - 1)) / 2
        let grid = try Grid(nx: size.nx, ny: size.ny, nz: size.nz, spacingMM: spacingMM, originMM: origin)
        let extent = spacingMM * SIMD3(Double(size.nx), Double(size.ny), Double(size.nz))
        let inside: (SIMD3<Double>) -> Bool
        let kind: String
        switch shape {
        case .cylinder(let d):
            guard d.isFinite, d > 0, d <= min(extent.x, extent.y) else {
                throw PhantomError.invalidParameter("cylinder diameter \(d) mm must be > 0 and fit the \(extent.x) × \(extent.y) mm field")
            }
            inside = { p in p.x * p.x + p.y * p.y <= d * d / 4 }
            kind = "water-cylinder"
        case .box(let b):
            guard (0..<3).allSatisfy({ b[$0].isFinite && b[$0] > 0 && b[$0] <= extent[$0] }) else {
                throw PhantomError.invalidParameter("box \(b.x) × \(b.y) × \(b.z) mm must be > 0 and fit the \(extent.x) × \(extent.y) × \(extent.z) mm grid")
            }
            inside = { p in abs(p.x) <= b.x / 2 && abs(p.y) <= b.y / 2 && abs(p.z) <= b.z / 2 }
            kind = "water-box"
        }
        var hu = [Double](repeating: -1000, count: grid.voxelCount)
        var body = [UInt8](repeating: 0, count: grid.voxelCount)
        for k in 0..<grid.nz {
            for j in 0..<grid.ny {
                for i in 0..<grid.nx where inside(grid.position(i, j, k)) {
                    hu[grid.index(i, j, k)] = 0
                    body[grid.index(i, j, k)] = 1
                }
            }
        }
        let ct = CTImaging.quantise(hu, grid: grid, noiseSigmaHU: noiseHU, seed: seed)
        // The voxel count matches the grid by construction.
        let mask = try! MaskVolume(grid: grid, voxels: body)
        return Phantom(kind: kind, ct: ct, structures: [Structure(name: "body", mask: mask)], isocentreMM: .zero, seed: seed)
    }
}
