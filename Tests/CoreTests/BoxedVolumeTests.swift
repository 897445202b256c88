import Testing
@testable import Core

/// `BoxedVolume`: the box's voxels in pieces; `placed` against a brute-force placement.
@Suite struct BoxedVolumeTests {
    @Test("placed puts the box's voxels in the box and zero elsewhere, for any threads and piece split")
    func placedMatchesBruteForce() throws {
        var rng = RandomStream(seed: 9)
        let grid = try Grid(nx: 9, ny: 7, nz: 6, spacingMM: SIMD3(1, 1, 2))
        for (columns, rows, cuts) in [(0..<9, 0..<7, [Int]()), (2..<5, 1..<7, [1, 4]), (8..<9, 3..<4, [5]), (0..<1, 0..<7, [1, 2, 3, 4, 5])] {
            let slice = columns.count * rows.count
            let voxels = (0..<(slice * grid.nz)).map { _ in Float(1 + Int(rng.uniform() * 50)) }
            let bounds = [0] + cuts + [grid.nz]
            let pieces = zip(bounds, bounds.dropFirst()).map { BoxedVolume<Float>.Piece(first: $0, voxels: Array(voxels[($0 * slice)..<($1 * slice)])) }
            let boxed = try BoxedVolume<Float>(grid: grid, columns: columns, rows: rows, pieces: pieces)
            var expected = DoseVolume(grid: grid)
            for z in 0..<grid.nz { for y in rows { for x in columns {
                expected[x, y, z] = voxels[(z * rows.count + y - rows.lowerBound) * columns.count + x - columns.lowerBound]
            } } }
            for threads in [1, 2, 4, 64] { #expect(boxed.placed(threads: threads) == expected, "box \(columns) × \(rows), \(threads) threads") }
            var pointers = 0
            boxed.withSlicePointers { pointers = $0.count }
            #expect(pointers == grid.nz)
        }
        let whole = MaskVolume(grid: grid, repeating: 3)
        #expect(BoxedVolume(whole).placed(threads: 3) == whole)
        #expect(BoxedVolume(whole).columns == 0..<9 && BoxedVolume(whole).rows == 0..<7)
    }

    @Test("slices: any slice range equals the placed volume's box over it; a piece that is the range is not copied")
    func slicesAreTheBoxOfThePlacedSlices() throws {
        let grid = try Grid(nx: 9, ny: 7, nz: 11, spacingMM: SIMD3(1, 1.5, 2), originMM: SIMD3(-4, 3, 10))
        var rng = RandomStream(seed: 41)
        for (columns, rows, cuts) in [(0..<9, 0..<7, [Int]()), (2..<5, 1..<7, [4]), (8..<9, 3..<4, [1, 2, 9])] {
            let slice = columns.count * rows.count
            let voxels = (0..<(slice * grid.nz)).map { _ in Int16(rng.uniform() * 1000) - 500 }
            let bounds = [0] + cuts + [grid.nz]
            let pieces = zip(bounds, bounds.dropFirst()).map { BoxedVolume<Int16>.Piece(first: $0, voxels: Array(voxels[($0 * slice)..<($1 * slice)])) }
            let boxed = try BoxedVolume<Int16>(grid: grid, columns: columns, rows: rows, pieces: pieces)
            let placed = boxed.placed()
            #expect(boxed.boxGrid == grid.box(columns: columns, rows: rows))
            for lo in 0..<grid.nz {
                for hi in (lo + 1)...grid.nz {
                    let v = boxed.slices(lo..<hi)
                    var expected = Volume<Int16>(grid: boxed.boxGrid.slab(lo..<hi))
                    for z in lo..<hi { for y in rows { for x in columns {
                        expected[x - columns.lowerBound, y - rows.lowerBound, z - lo] = placed[x, y, z]
                    } } }
                    #expect(v == expected, "box \(columns) × \(rows), cuts \(cuts), slices \(lo)..<\(hi)")
                }
            }
            for (p, end) in zip(pieces, bounds.dropFirst()) {
                let same = boxed.slices(p.first..<end).withUnsafeBufferPointer { v in p.voxels.withUnsafeBufferPointer { v.baseAddress == $0.baseAddress } }
                #expect(same, "piece at \(p.first) returned as it is")
            }
        }
    }

    @Test("slice addresses of several volumes: slice z of volume k at [k][z]")
    func slicePointersOfSeveralVolumes() throws {
        let grid = try Grid(nx: 4, ny: 3, nz: 5, spacingMM: SIMD3(1, 1, 1))
        let a = try BoxedVolume<UInt8>(grid: grid, columns: 1..<3, rows: 0..<2, pieces: [.init(first: 0, voxels: (0..<8).map(UInt8.init)),
                                                                                     .init(first: 2, voxels: (8..<20).map(UInt8.init))])
        let b = BoxedVolume(MaskVolume(grid: grid, repeating: 7))
        let firsts = BoxedVolume.withSlicePointers([a, b, a]) { $0.map { $0.map { $0.pointee } } }
        #expect(firsts == [[0, 4, 8, 12, 16], [7, 7, 7, 7, 7], [0, 4, 8, 12, 16]])
    }

    @Test("boxes outside the slice and pieces that do not tile the slices are refused")
    func invalidBoxesAreRefused() throws {
        let grid = try Grid(nx: 4, ny: 3, nz: 2, spacingMM: SIMD3(1, 1, 1))
        let slice = [UInt8](repeating: 1, count: 6)
        #expect(throws: CoreError.self) { try BoxedVolume<UInt8>(grid: grid, columns: 0..<5, rows: 0..<3, pieces: [.init(first: 0, voxels: slice + slice)]) }
        #expect(throws: CoreError.self) { try BoxedVolume<UInt8>(grid: grid, columns: 1..<1, rows: 0..<3, pieces: []) }
        #expect(throws: CoreError.self) { try BoxedVolume<UInt8>(grid: grid, columns: 1..<3, rows: 0..<3, pieces: [.init(first: 0, voxels: slice)]) }
        #expect(throws: CoreError.self) { try BoxedVolume<UInt8>(grid: grid, columns: 1..<3, rows: 0..<3, pieces: [.init(first: 1, voxels: slice + slice)]) }
        #expect(throws: CoreError.self) { try BoxedVolume<UInt8>(grid: grid, columns: 1..<3, rows: 0..<3, pieces: [.init(first: 0, voxels: slice + [1])]) }
        #expect(throws: Never.self) { try BoxedVolume<UInt8>(grid: grid, columns: 1..<3, rows: 0..<3, pieces: [.init(first: 0, voxels: slice), .init(first: 1, voxels: slice)]) }
    }
}
