import Core

/// Generators of synthetic CT cases with exact ground truth (tests, demo, benchmarks).
public enum PhantomFactory {
    /// Structure names of ``thorax(seed:size:noiseHU:blur:contrastHeart:ptvMarginMM:)``, in order.
    public static let thoraxStructureNames = [
        "body", "lung_left", "lung_right", "trachea", "bones", "spinal_canal", "heart", "gtv", "ptv",
    ]

    /// A synthetic thoracic CT, patient supine head first, in DICOM LPS (x to the patient's left,
    /// y posterior, z to the head).
    ///
    /// Field of view 540 × 540 mm in-plane (body centre at x = 0, y = 0; y spans −240…300 mm)
    /// and 280 mm in z (−140…140 mm, lung bases to apices plus upper abdomen); the spacing is
    /// 540/nx, 540/ny, 280/nz mm. Contents: body with subcutaneous fat, both arms (touching the
    /// torso in some slices, separated by air in others), pad and couch below the back (not body),
    /// lungs with vessels and texture, trachea and main bronchi, vertebrae with canal, ribs,
    /// sternum, humeri, heart, contrast-filled aorta, liver, stomach with gas, bowel gas, and a
    /// tumour in one lung. The seed sets body size (±5 %), tumour position and size, arm gap phase,
    /// lung texture, vessels, bowel gas and noise; equal seeds give identical phantoms.
    ///
    /// Structures (``thoraxStructureNames``): `body` (patient incl. lungs, airways, internal gas
    /// and arms; excludes couch and pad), `lung_left`, `lung_right` (incl. intrapulmonary vessels
    /// and the tumour, excl. trachea and bronchi), `trachea` (lumen incl. main bronchi), `bones`
    /// (vertebrae without discs, ribs, sternum, humeri; filled incl. marrow; excl. spinal canal),
    /// `spinal_canal`, `heart`, `gtv`, `ptv` (GTV expanded by `ptvMarginMM` with
    /// ``MaskMargin/expand(_:marginMM:)``, clipped to the body). The isocentre is the PTV's
    /// centre of mass.
    /// - Parameters:
    ///   - noiseHU: standard deviation of the Gaussian noise added to every voxel (0…500).
    ///   - blur: apply a mild in-plane [1, 2, 1]/4 blur before the noise.
    ///   - contrastHeart: heart at 130 HU (enhanced blood pool) instead of 40 HU.
    /// - Throws: ``PhantomError`` for an invalid noise level or margin.
    public static func thorax(seed: UInt64 = 1, size: PhantomSize = .standard, noiseHU: Double = 15,
                              blur: Bool = false, contrastHeart: Bool = false, ptvMarginMM: Double = 5) throws -> Phantom {
        try CTImaging.validateNoise(noiseHU)
        guard ptvMarginMM.isFinite, ptvMarginMM >= 0, ptvMarginMM <= 50 else {
            throw PhantomError.invalidParameter("PTV margin must be within 0…50 mm, got \(ptvMarginMM)")
        }
        let extent = ThoraxAnatomy.inPlaneExtentMM, zExtent = ThoraxAnatomy.zExtentMM
        let spacing = SIMD3(extent / Double(size.nx), extent / Double(size.ny), zExtent / Double(size.nz))
        let origin = SIMD3(-spacing.x * Double(size.nx - 1) / 2,
                           ThoraxAnatomy.fieldCentreYMM - spacing.y * Double(size.ny - 1) / 2,
                           -spacing.z * Double(size.nz - 1) / 2)
        let grid = try Grid(nx: size.nx, ny: size.ny, nz: size.nz, spacingMM: spacing, originMM: origin)
        let anatomy = ThoraxAnatomy(seed: seed, contrastHeart: contrastHeart)

        var hu = [Double](repeating: 0, count: grid.voxelCount)
        var labels = [UInt16](repeating: 0, count: grid.voxelCount)
        for k in 0..<grid.nz {
            let z = origin.z + Double(k) * spacing.z
            let slice = anatomy.slice(at: z + zExtent / 2)
            for j in 0..<grid.ny {
                let y = origin.y + Double(j) * spacing.y
                for i in 0..<grid.nx {
                    let sample = anatomy.sample(slice, x: origin.x + Double(i) * spacing.x, y: y)
                    let n = grid.index(i, j, k)
                    hu[n] = sample.hu
                    labels[n] = sample.labels.rawValue
                }
            }
        }
        if blur { CTImaging.blurInPlane(&hu, grid: grid) }
        let ct = CTImaging.quantise(hu, grid: grid, noiseSigmaHU: noiseHU, seed: seed)

        let bits: [ThoraxLabels] = [.body, .lungLeft, .lungRight, .trachea, .bones, .spinalCanal, .heart, .gtv]
        var masks = bits.map { bit in
            // The voxel count matches the grid by construction.
            try! MaskVolume(grid: grid, voxels: labels.map { $0 & bit.rawValue != 0 ? 1 : 0 })
        }
        let grown = try MaskMargin.expand(masks[7], marginMM: ptvMarginMM)
        let ptv = try! MaskVolume(grid: grid, voxels: zip(grown.voxels, masks[0].voxels).map { $0 & $1 })
        masks.append(ptv)
        let structures = zip(thoraxStructureNames, masks).map { Structure(name: $0, mask: $1) }
        return Phantom(kind: "thorax", ct: ct, structures: structures,
                       isocentreMM: centreOfMass(ptv) ?? .zero, seed: seed)
    }

    /// Mean position (mm) of the centres of the nonzero voxels of `mask`, nil for an empty mask.
    public static func centreOfMass(_ mask: MaskVolume) -> SIMD3<Double>? {
        let g = mask.grid
        var sum = SIMD3<Double>.zero
        var count = 0
        for z in 0..<g.nz {
            for y in 0..<g.ny {
                for x in 0..<g.nx where mask.voxels[g.index(x, y, z)] != 0 {
                    sum += SIMD3(Double(x), Double(y), Double(z))
                    count += 1
                }
            }
        }
        guard count > 0 else { return nil }
        return g.originMM + sum / Double(count) * g.spacingMM
    }
}
