import CHDF5
import Core
import Foundation
import Testing
@testable import Store

/// Volumes kept on an in-plane box (`BoxedVolume`) written as result masks: the file is the one of the placed
/// volumes (H5Dread gives the same values, the same chunks are stored, byte for byte the same streams), and the
/// joint write of several volumes deflates equal chunks once without changing any stream.
@Suite struct BoxedWriteTests {
    /// A random boxed mask on `grid`: the box `columns` × `rows`, split into pieces at `cuts`; inside the box
    /// each 8-slice layer is all zero, all `fill`, a copy of layer 0 or random 0/`fill` (so that whole chunks
    /// are zero, uniform and repeated).
    static func boxed(_ grid: Grid, columns: Range<Int>, rows: Range<Int>, cuts: [Int], fill: UInt8, rng: inout RandomStream) throws -> BoxedVolume<UInt8> {
        let slice = columns.count * rows.count
        var voxels = [UInt8](repeating: 0, count: slice * grid.nz)
        for z in 0..<grid.nz {
            let kind = (z / 8) % 4
            for i in 0..<slice {
                switch kind {
                case 0: voxels[z * slice + i] = rng.uniform() < 0.3 ? fill : 0
                case 1: voxels[z * slice + i] = 0
                case 2: voxels[z * slice + i] = fill
                default: voxels[z * slice + i] = voxels[(z % 8) * slice + i]
                }
            }
        }
        let bounds = [0] + cuts + [grid.nz]
        let pieces = zip(bounds, bounds.dropFirst()).map { a, b in
            BoxedVolume<UInt8>.Piece(first: a, voxels: Array(voxels[(a * slice)..<(b * slice)]))
        }
        return try BoxedVolume(grid: grid, columns: columns, rows: rows, pieces: pieces)
    }

    /// Values (H5Dread, HDF5's own filters), stored chunk count and the raw stored stream of each chunk, by origin.
    static func contents(_ path: String, _ name: String) throws -> (values: [UInt8], streams: [[hsize_t]: [UInt8]]) {
        let file = try H5File.open(path)
        defer { file.close() }
        let dataset = try file.openDataset("segmentation/" + name)
        defer { dataset.close() }
        let values = try dataset.read(UInt8.self, limit: 1 << 30)
        let shape = try dataset.shape()
        var streams: [[hsize_t]: [UInt8]] = [:]
        for z in stride(from: 0, to: shape[0], by: 8) {
            for y in stride(from: 0, to: shape[1], by: 64) {
                for x in stride(from: 0, to: shape[2], by: 64) {
                    var offset: [hsize_t] = [hsize_t(z), hsize_t(y), hsize_t(x)]
                    var mask: UInt32 = 0, address: haddr_t = 0, size: hsize_t = 0
                    #expect(H5Dget_chunk_info_by_coord(dataset.id, &offset, &mask, &address, &size) >= 0)
                    guard address != haddr_t.max else { continue }
                    var bytes = [UInt8](repeating: 0, count: Int(size))
                    #expect(bytes.withUnsafeMutableBytes { H5Dread_chunk(dataset.id, rt_h5p_default(), &offset, &mask, $0.baseAddress) } >= 0)
                    streams[offset] = bytes
                }
            }
        }
        return (values, streams)
    }

    /// Non-zero chunks of `values` on `grid` (chunks 8 × 64 × 64), by brute force.
    static func nonZeroChunks(_ values: [UInt8], _ grid: Grid) -> Int {
        var chunks = Set<[Int]>()
        for z in 0..<grid.nz { for y in 0..<grid.ny { for x in 0..<grid.nx where values[grid.index(x, y, z)] != 0 {
            chunks.insert([z / 8, y / 64, x / 64])
        } } }
        return chunks.count
    }

    @Test("boxed masks write the file of the placed masks, for random boxes and piece splits (and the whole slice)")
    func boxedEqualsPlaced() throws {
        let dir = try TemporaryDirectory()
        var rng = RandomStream(seed: 17)
        // 33 slices, 70 × 130 (partial chunks on every axis); boxes across chunk borders, inside one chunk, the whole slice.
        let grid = try Grid(nx: 130, ny: 70, nz: 33, spacingMM: SIMD3(1, 1.5, 2))
        let boxes: [(Range<Int>, Range<Int>)] = [(0..<130, 0..<70), (60..<70, 10..<69), (3..<40, 5..<20), (64..<130, 64..<70), (129..<130, 0..<1)]
        for (n, (columns, rows)) in boxes.enumerated() {
            let cuts = [[], [1], [8, 9, 20], [5, 32]][n % 4]
            let masks = ["a": try Self.boxed(grid, columns: columns, rows: rows, cuts: cuts, fill: 1, rng: &rng),
                         "b": try Self.boxed(grid, columns: columns, rows: rows, cuts: [], fill: 1, rng: &rng)]
            let labels = try Self.boxed(grid, columns: columns, rows: rows, cuts: cuts, fill: 3, rng: &rng)
            let boxedPath = dir.file("boxed\(n).h5"), placedPath = dir.file("placed\(n).h5")
            try ResultFile(boxedSegmentation: masks, boxedLabelMap: labels).write(to: boxedPath)
            try ResultFile(segmentation: masks.mapValues { $0.placed(threads: 3) }, labelMap: labels.placed()).write(to: placedPath)
            for (name, volume) in masks.map({ ($0.key, $0.value) }) + [("labels", labels)] {
                let placed = volume.placed()
                let a = try Self.contents(boxedPath, name), b = try Self.contents(placedPath, name)
                #expect(a.values == placed.voxels, "box \(n) \(name): H5Dread of the boxed write")
                #expect(b.values == placed.voxels, "box \(n) \(name): H5Dread of the placed write")
                #expect(a.streams == b.streams, "box \(n) \(name): the same chunks stored, the same streams")
                #expect(a.streams.count == Self.nonZeroChunks(placed.voxels, grid), "box \(n) \(name): exactly the non-zero chunks stored")
            }
            let read = try ResultFile.read(path: boxedPath)
            #expect(read.segmentation == masks.mapValues { $0.placed() } && read.labelMap == labels.placed())
            #expect(read == ResultFile(boxedSegmentation: masks, boxedLabelMap: labels).placingBoxedSegmentation(threads: 2))
        }
    }

    @Test("the joint write deflates equal chunks once and stores each chunk's own stream")
    func jointWriteKeepsEachStream() throws {
        let dir = try TemporaryDirectory()
        var rng = RandomStream(seed: 23)
        let grid = try Grid(nx: 100, ny: 80, nz: 32, spacingMM: SIMD3(1, 1, 1))
        // "copy" repeats "a" (every chunk equal to another dataset's), "b" repeats layer 0 along z and has uniform layers.
        let a = try Self.boxed(grid, columns: 10..<90, rows: 0..<80, cuts: [16], fill: 1, rng: &rng)
        let masks = ["a": a, "b": try Self.boxed(grid, columns: 10..<90, rows: 0..<80, cuts: [3], fill: 1, rng: &rng), "copy": a]
        let joint = dir.file("joint.h5")
        try ResultFile(boxedSegmentation: masks).write(to: joint)
        for (name, volume) in masks {
            // Each alone, on one thread: no chunk of another dataset to share with.
            let path = dir.file("alone-\(name).h5")
            let file = try H5File.create(path)
            let group = try file.createGroup("segmentation")
            let dataset = try group.createDataset(name, fileType: rt_h5t_std_u8le(), shape: [grid.nz, grid.ny, grid.nx], layout: .chunkedCompressed(chunk: [8, 64, 64]))
            try H5Dataset.writeVolumes([(dataset: dataset, volume: volume)], threads: 1)
            dataset.close()
            group.close()
            try file.closeChecked()
            let together = try Self.contents(joint, name), alone = try Self.contents(path, name)
            #expect(together.values == volume.placed().voxels, "\(name)")
            #expect(together.streams == alone.streams, "\(name): the same stream for every chunk")
            #expect(!together.streams.isEmpty)
        }
        // Equal chunks give equal streams (the dedup is invisible): "copy" stores what "a" stores.
        #expect(try Self.contents(joint, "copy").streams == Self.contents(joint, "a").streams)
    }

    @Test("chunks of datasets with other chunk shapes of the same size are not shared, even with equal parts and elements")
    func otherChunkShapesAreNotShared() throws {
        let dir = try TemporaryDirectory()
        var rng = RandomStream(seed: 5)
        // Box 8 × 8 on slice 0 in both: the part inside the box of chunk 0 is z 0, y 0..<8, x 0..<8 in both datasets
        // and the elements are equal, but one chunk is 1 × 8 × 16 and the other 1 × 16 × 8 (both 128 bytes).
        let box = (0..<64).map { _ in UInt8(rng.uniform() < 0.5 ? 1 : 0) } + [UInt8](repeating: 0, count: 64)
        let wide = try BoxedVolume(grid: Grid(nx: 16, ny: 8, nz: 2, spacingMM: SIMD3(1, 1, 1)), columns: 0..<8, rows: 0..<8,
                                   pieces: [.init(first: 0, voxels: box)])
        let tall = try BoxedVolume(grid: Grid(nx: 8, ny: 16, nz: 2, spacingMM: SIMD3(1, 1, 1)), columns: 0..<8, rows: 0..<8,
                                   pieces: [.init(first: 0, voxels: box)])
        let path = dir.file("shapes.h5")
        let file = try H5File.create(path)
        let a = try file.createDataset("wide", fileType: rt_h5t_std_u8le(), shape: [2, 8, 16], layout: .chunkedCompressed(chunk: [1, 8, 16]))
        let b = try file.createDataset("tall", fileType: rt_h5t_std_u8le(), shape: [2, 16, 8], layout: .chunkedCompressed(chunk: [1, 16, 8]))
        try H5Dataset.writeVolumes([(dataset: a, volume: wide), (dataset: b, volume: tall)], threads: 1)
        a.close()
        b.close()
        try file.closeChecked()
        let reopened = try H5File.open(path)
        defer { reopened.close() }
        for (name, volume) in [("wide", wide), ("tall", tall)] {
            let dataset = try reopened.openDataset(name)
            defer { dataset.close() }
            #expect(try dataset.read(UInt8.self, limit: 1 << 20) == volume.placed().voxels, "\(name): H5Dread")
        }
    }

    @Test("a name given as a full and as a boxed mask, or two label maps, is refused")
    func doubleNamesAreRefused() throws {
        let dir = try TemporaryDirectory()
        let grid = try Grid(nx: 4, ny: 3, nz: 2, spacingMM: SIMD3(1, 1, 1))
        let mask = MaskVolume(grid: grid, repeating: 1)
        let both = ResultFile(segmentation: ["body": mask], boxedSegmentation: ["body": BoxedVolume(mask)])
        #expect(errorText { try both.write(to: dir.file("a.h5")) }?.contains("both as a full and as a boxed mask") == true)
        let labels = ResultFile(labelMap: mask, boxedLabelMap: BoxedVolume(mask))
        #expect(errorText { try labels.write(to: dir.file("b.h5")) }?.contains("both as a full and as a boxed label map") == true)
        #expect(try dir.entries().isEmpty)
    }
}
