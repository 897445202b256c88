import Core

extension PhantomFactory {
    /// CT number of lung of 0.26 g/cm³ under the Schneider 2000 calibration (0.00121 + 0.0010297·(HU + 1000)
    /// gives 0.2597 g/cm³ at −749 HU, inside the lung band −974…−724 HU).
    public static let lungSlabHU: Double = -749

    /// A heterogeneous slab phantom for depth-dose checks: a flat water box (like ``water(shape:size:spacingMM:noiseHU:seed:)``
    /// with `.box`) whose layer from `insertDepthMM.lowerBound` to `.upperBound` below the anterior face
    /// (y = −boxMM.y / 2, where a gantry 0° beam enters) holds `insertHU` instead of water. The default is the
    /// water 0–5 cm / lung (0.26 g/cm³) 5–15 cm / water 15–30 cm slab of a 300 mm cube. Kind `slab`; structures
    /// `body` (the box) and `insertName` (the layer); the isocentre is the origin.
    /// - Throws: ``PhantomError/invalidParameter(_:)`` when the layer is not inside the box or the box does not fit.
    public static func slab(size: PhantomSize = .standard, spacingMM: SIMD3<Double> = SIMD3(2.5, 2.5, 5),
                            boxMM: SIMD3<Double> = SIMD3(repeating: 300), insertDepthMM: ClosedRange<Double> = 50...150,
                            insertHU: Double = lungSlabHU, insertName: String = "lung", noiseHU: Double = 0, seed: UInt64 = 0) throws -> Phantom {
        guard insertDepthMM.lowerBound >= 0, insertDepthMM.upperBound <= boxMM.y, insertDepthMM.lowerBound < insertDepthMM.upperBound,
              insertHU.isFinite, insertHU >= -1000, insertHU <= 3071 else {
            throw PhantomError.invalidParameter("insert \(insertDepthMM) mm at \(insertHU) HU must lie inside the \(boxMM.y) mm deep box, −1000…3071 HU")
        }
        let water = try PhantomFactory.water(shape: .box(sizeMM: boxMM), size: size, spacingMM: spacingMM)
        let grid = water.grid
        let front = -boxMM.y / 2
        var hu = water.ct.voxels.map(Double.init)
        let body = water.structures[0].mask
        var insert = [UInt8](repeating: 0, count: grid.voxelCount)
        for k in 0..<grid.nz {
            for j in 0..<grid.ny {
                let depth = grid.position(0, j, k).y - front
                guard depth >= insertDepthMM.lowerBound, depth < insertDepthMM.upperBound else { continue }
                for i in 0..<grid.nx where body[i, j, k] != 0 {
                    hu[grid.index(i, j, k)] = insertHU
                    insert[grid.index(i, j, k)] = 1
                }
            }
        }
        let ct = CTImaging.quantise(hu, grid: grid, noiseSigmaHU: noiseHU, seed: seed)
        // The voxel count matches the grid by construction.
        let layer = try! MaskVolume(grid: grid, voxels: insert)
        return Phantom(kind: "slab", ct: ct, structures: [Structure(name: "body", mask: body), Structure(name: insertName, mask: layer)],
                       isocentreMM: .zero, seed: seed)
    }
}
