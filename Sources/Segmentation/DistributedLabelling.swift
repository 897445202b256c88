import Core

/// Connected-component labelling of a volume split into z-slabs, exact for any number of slabs.
///
/// Protocol (each step is a pure function; only plain arrays cross slab boundaries):
/// 1. each slab: ``labelSlab(_:slab:connectivity:)`` → local label map of its core slices and a
///    ``SlabLabelSummary``;
/// 2. one place: ``merge(_:grid:connectivity:)`` joins, by union-find, local labels that touch
///    across each slab boundary (face neighbours for `.six`; also the 8 diagonal neighbours for
///    `.twentySix`), numbers global components in raster order of their first voxel and sums
///    their statistics;
/// 3. each slab: ``relabel(_:with:)`` applies its relabel table.
///
/// The result equals ``ConnectedComponents/label(_:connectivity:)`` on the whole volume bit for
/// bit: local labels already follow raster order inside a slab and slabs follow z order, so the
/// smallest (slab, local label) piece of a component holds its first voxel, and statistics are
/// integer sums until the final division.
public enum DistributedLabelling {
    /// Labels the core slices of one slab. `slabMask` holds the slab's extended slices
    /// (`slab.extended`, as returned by ``SlabDecomposition/extract(_:from:)``); halo slices are
    /// ignored, so a decomposition with halo 0 suffices. Returns the local labels on the core
    /// sub-grid and the slab's summary.
    public static func labelSlab(_ slabMask: MaskVolume, slab: Slab, connectivity: Connectivity) throws -> (labels: LabelVolume, summary: SlabLabelSummary) {
        guard slabMask.grid.nz == slab.extended.count else {
            throw SegmentationError.inconsistentSlabs("slab \(slab.index) mask has \(slabMask.grid.nz) slices, its extended range \(slab.extended) has \(slab.extended.count)")
        }
        let core = slabMask.slab(slab.coreOffset..<(slab.coreOffset + slab.core.count))
        return try labelCore(core, firstCoreSlice: slab.core.lowerBound, connectivity: connectivity)
    }

    /// Where a cropped slab lies in the full slices: first column and row, full slice size.
    struct Placement: Equatable {
        let lowerX: Int, lowerY: Int, sliceNX: Int, sliceNY: Int
    }

    /// Labels `core` (the core slices of a slab whose first slice is global slice `firstCoreSlice`)
    /// and summarises it for ``merge(_:grid:connectivity:)``. With a `placement`, `core` is an
    /// in-plane crop of the full slices (nothing outside it is foreground): the labels stay on the
    /// crop, the summary's sums and first/last slices are on the full slices. With `onForeground`,
    /// the labels are returned only on the columns and rows of the foreground's box (all slices; a
    /// ``PlaneRect`` of `core`'s grid, found from the origins): a smaller label map, nothing but zeros left out.
    static func labelCore(_ core: MaskVolume, firstCoreSlice: Int, connectivity: Connectivity,
                          placement: Placement? = nil, onForeground: Bool = false) throws -> (labels: LabelVolume, summary: SlabLabelSummary) {
        let g = core.grid
        let p = placement ?? Placement(lowerX: 0, lowerY: 0, sliceNX: g.nx, sliceNY: g.ny)
        // Labelled inside the foreground's box: raster order inside the box is the volume's, and
        // the sums carry the box's offset.
        let (labels, sums) = try core.withUnsafeBufferPointer { m -> (LabelVolume, ComponentSums) in
            guard let box = ForegroundBox.of(m.baseAddress!, nx: g.nx, ny: g.ny, nz: g.nz) else {
                let empty = onForeground ? PlaneRect(x: 0, y: 0, width: 1, height: 1).grid(in: g) : g
                return (LabelVolume(grid: empty), try ComponentSums(voxelCounts: [], indexSums: [], boundingBoxes: []))
            }
            if ForegroundBox.fillsMost(box, nx: g.nx, ny: g.ny, nz: g.nz) {
                // The whole volume as its box, labelled in place: same raster order, no copies.
                var sums: ComponentSums?
                let labels = try LabelVolume.writing(grid: g) { l, _ in
                    sums = try LabelKernel.run(mask: m.baseAddress!, labels: l, nx: g.nx, ny: g.ny, nz: g.nz, xOffset: p.lowerX,
                                               yOffset: p.lowerY, zOffset: firstCoreSlice, connectivity: connectivity)
                }
                return (labels, sums!)
            }
            let size = box.size
            let n = size.x * size.y * size.z
            let crop = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
            let local = UnsafeMutablePointer<Int32>.allocate(capacity: n)
            defer { crop.deallocate(); local.deallocate() }
            ForegroundBox.extract(m.baseAddress!, nx: g.nx, ny: g.ny, box: box, into: crop)
            let sums = try LabelKernel.run(mask: crop, labels: local, nx: size.x, ny: size.y, nz: size.z,
                                           xOffset: p.lowerX + box.lower.x, yOffset: p.lowerY + box.lower.y,
                                           zOffset: firstCoreSlice + box.lower.z, connectivity: connectivity)
            if onForeground {
                let rect = PlaneRect(x: box.lower.x, y: box.lower.y, width: size.x, height: size.y)
                let slices = VoxelBox(lower: SIMD3(0, 0, box.lower.z), upper: SIMD3(size.x - 1, size.y - 1, box.upper.z))
                return (ForegroundBox.placed(local, box: slices, on: rect.grid(in: g)), sums)
            }
            return (ForegroundBox.placed(local, box: box, on: g), sums)
        }
        let rect = PlaneRect(labels.grid, in: g)
        let q = Placement(lowerX: p.lowerX + rect.x, lowerY: p.lowerY + rect.y, sliceNX: p.sliceNX, sliceNY: p.sliceNY)
        let summary = try SlabLabelSummary(
            nx: p.sliceNX, ny: p.sliceNY, firstCoreSlice: firstCoreSlice, coreSliceCount: g.nz,
            firstSliceLabels: fullSlice(labels, 0, q), lastSliceLabels: fullSlice(labels, g.nz - 1, q),
            sums: sums)
        return (labels, summary)
    }

    /// Slice `z` of `labels` placed on the full slice of `p`, zero elsewhere.
    private static func fullSlice(_ labels: LabelVolume, _ z: Int, _ p: Placement) -> [Int32] {
        let g = labels.grid
        if g.nx == p.sliceNX && g.ny == p.sliceNY { return Array(labels.voxels[(z * g.sliceCount)..<((z + 1) * g.sliceCount)]) }
        var slice = [Int32](repeating: 0, count: p.sliceNX * p.sliceNY)
        labels.withUnsafeBufferPointer { l in
            slice.withUnsafeMutableBufferPointer { s in
                ForegroundBox.insert(l.baseAddress! + z * g.sliceCount, nx: p.sliceNX, ny: p.sliceNY,
                                     box: VoxelBox(lower: SIMD3(p.lowerX, p.lowerY, 0), upper: SIMD3(p.lowerX + g.nx - 1, p.lowerY + g.ny - 1, 0)),
                                     into: s.baseAddress!)
            }
        }
        return slice
    }

    /// Merges the summaries of all slabs of `grid` (in increasing z, cores tiling `0..<grid.nz`)
    /// into relabel tables and global component statistics. O(total labels + boundary voxels).
    public static func merge(_ summaries: [SlabLabelSummary], grid: Grid, connectivity: Connectivity) throws -> LabelMerge {
        var nextSlice = 0
        var base: [Int] = []
        var pieces = 0
        for (s, summary) in summaries.enumerated() {
            guard summary.nx == grid.nx, summary.ny == grid.ny else {
                throw SegmentationError.inconsistentSlabs("slab \(s) is \(summary.nx)×\(summary.ny) per slice, grid is \(grid.nx)×\(grid.ny)")
            }
            guard summary.firstCoreSlice == nextSlice else {
                throw SegmentationError.inconsistentSlabs("slab \(s) starts at slice \(summary.firstCoreSlice), expected \(nextSlice)")
            }
            nextSlice += summary.coreSliceCount
            base.append(pieces)
            pieces += summary.sums.componentCount
        }
        guard nextSlice == grid.nz else {
            throw SegmentationError.inconsistentSlabs("slab cores cover \(nextSlice) slices, grid has \(grid.nz)")
        }
        guard pieces < Int(Int32.max) else { throw SegmentationError.labelOverflow(foregroundVoxels: pieces) }

        // Union-find over global piece ids base[s] + local label; the smaller id becomes the root.
        var parent = Array(0...pieces)
        func find(_ a: Int) -> Int {
            var r = a
            while parent[r] != r { parent[r] = parent[parent[r]]; r = parent[r] }
            return r
        }
        let reach = connectivity == .six ? 0 : 1
        let nx = grid.nx, ny = grid.ny
        for s in 0..<max(0, summaries.count - 1) {
            let below = summaries[s].lastSliceLabels, above = summaries[s + 1].firstSliceLabels
            // The last pair joined: neighbouring voxels mostly repeat it (a union is idempotent).
            var last: (Int32, Int32) = (0, 0)
            for y in 0..<ny {
                for x in 0..<nx {
                    let a = below[y * nx + x]
                    if a == 0 { continue }
                    for yy in max(0, y - reach)...min(ny - 1, y + reach) {
                        for xx in max(0, x - reach)...min(nx - 1, x + reach) {
                            let b = above[yy * nx + xx]
                            if b == 0 || (a, b) == last { continue }
                            last = (a, b)
                            let ra = find(base[s] + Int(a)), rb = find(base[s + 1] + Int(b))
                            if ra < rb { parent[rb] = ra } else if rb < ra { parent[ra] = rb }
                        }
                    }
                }
            }
        }
        // Roots in increasing id order are the components in raster order of their first voxel.
        var global = [Int32](repeating: 0, count: pieces + 1)
        var count: Int32 = 0
        for p in stride(from: 1, through: pieces, by: 1) {
            let r = find(p)
            if r == p { count += 1; global[p] = count } else { global[p] = global[r] }
        }
        var sums = ComponentSums(componentCount: Int(count))
        var tables: [[Int32]] = []
        for (s, summary) in summaries.enumerated() {
            var table: [Int32] = [0]
            for l in 0..<summary.sums.componentCount {
                let g = global[base[s] + l + 1]
                table.append(g)
                sums.accumulate(Int(g) - 1, from: summary.sums, l)
            }
            tables.append(table)
        }
        return LabelMerge(relabelTables: tables, components: ComponentStatistics.all(sums, grid: grid))
    }

    /// Replaces every local label `l` of `labels` by `table[l]`.
    /// - Throws: ``SegmentationError/labelOutOfRange(label:tableCount:)`` for a label the table does not cover.
    public static func relabel(_ labels: LabelVolume, with table: [Int32]) throws -> LabelVolume {
        var out = labels
        let n = Int32(table.count)
        try table.withUnsafeBufferPointer { t in
            try out.withUnsafeMutableBufferPointer { v in
                for i in 0..<v.count {
                    let l = v[i]
                    guard l >= 0 && l < n else { throw SegmentationError.labelOutOfRange(label: l, tableCount: Int(n)) }
                    v[i] = t[Int(l)]
                }
            }
        }
        return out
    }
}
