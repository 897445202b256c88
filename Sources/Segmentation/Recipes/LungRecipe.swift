import Core

/// Lungs: low-HU voxels inside the body away from the airway, 6-connected components kept when
/// large and not pure air (bowel and stomach gas are), assigned left/right by centroid, or split
/// slice by slice along the anterior junction when one component spans both sides.
enum LungRecipe {
    /// Distance from the airway lumen excluded from the lungs (airway wall partial volume, mm).
    static let airwayMarginMM = 2.0
    /// Largest fraction of pure-air voxels in a lung component.
    static let maximumPureAirFraction = 0.5
    /// A second component is a lung when at least this fraction of the largest.
    static let secondLungFraction = 0.1
    /// Half-width of the window around the split position searched for the junction (mm).
    static let junctionWindowMM = 30.0

    /// Classes: 1 left lung, 2 right lung, 3 spanning both (split in each slice).
    static let left: UInt8 = 1, right: UInt8 = 2, spanning: UInt8 = 3

    /// Lung candidates on the core slices.
    static func candidates(_ ct: CTVolume, body: MaskVolume, airwayNear: MaskVolume, _ request: SegmentationRequest) -> MaskVolume {
        var lung = MaskAlgebra.and(body, atMost: request.lungThresholdHU, in: ct)
        MaskAlgebra.formDifference(&lung, airwayNear)
        return lung
    }

    /// Class per global component and the x (mm) where a spanning component is split.
    static func select(_ components: [ComponentStatistics], pureAirCounts: [Int64], bodyCentreXMM: Double,
                       _ request: SegmentationRequest) -> (classes: [UInt8], splitXMM: Double) {
        let lungs = zip(components, pureAirCounts).filter { c, air in
            c.volumeCC >= request.lungMinimumCC && Double(air) <= maximumPureAirFraction * Double(c.voxelCount)
        }.map(\.0).sorted { ($0.voxelCount, -$0.label) > ($1.voxelCount, -$1.label) }
        var classes = [UInt8](repeating: 0, count: components.count)
        guard let first = lungs.first else { return (classes, bodyCentreXMM) }
        if lungs.count >= 2, Double(lungs[1].voxelCount) >= secondLungFraction * Double(first.voxelCount) {
            let split = (first.centroidMM.x + lungs[1].centroidMM.x) / 2
            for c in lungs { classes[Int(c.label) - 1] = c.centroidMM.x > split ? left : right }
            return (classes, split)
        }
        // One large component: split it when it straddles the midline, otherwise it is one lung.
        let split = first.centroidMM.x
        for c in lungs { classes[Int(c.label) - 1] = spanning }
        return (classes, split)
    }

    /// Left and right lung masks from the class map (core slices), holes (vessels, nodules) filled
    /// in each slice. A spanning component is cut, in each slice, at the column of fewest lung
    /// voxels within ``junctionWindowMM`` of `splitXMM` (the anterior junction line); x above the cut
    /// is the patient's left.
    static func masks(_ classes: MaskVolume, splitXMM: Double) throws -> (left: MaskVolume, right: MaskVolume) {
        let g = classes.grid
        var l = MaskVolume(grid: g), r = MaskVolume(grid: g)
        let centre = Int(((splitXMM - g.originMM.x) / g.spacingMM.x).rounded())
        let reach = Int(junctionWindowMM / g.spacingMM.x)
        let window = max(0, centre - reach)...min(g.nx - 1, max(0, centre + reach))
        classes.withUnsafeBufferPointer { c in
            l.withUnsafeMutableBufferPointer { lp in
                r.withUnsafeMutableBufferPointer { rp in
                    for z in 0..<g.nz {
                        let base = z * g.sliceCount
                        var column = [Int](repeating: 0, count: g.nx)
                        for i in 0..<g.sliceCount where c[base + i] == spanning { column[i % g.nx] += 1 }
                        var cut = window.lowerBound
                        if window.lowerBound <= window.upperBound {
                            cut = window.min { (column[$0], abs($0 - centre)) < (column[$1], abs($1 - centre)) }!
                        }
                        for i in 0..<g.sliceCount {
                            let v = c[base + i]
                            let isLeft = v == left || (v == spanning && i % g.nx > cut)
                            let isRight = v == right || (v == spanning && i % g.nx <= cut)
                            if isLeft { lp[base + i] = 1 } else if isRight { rp[base + i] = 1 }
                        }
                    }
                }
            }
        }
        return (try HoleFilling.fill2D(l), try HoleFilling.fill2D(r))
    }
}
