import Testing
@testable import Core

@Suite struct VolumeTests {
    let grid = try! Grid(nx: 5, ny: 4, nz: 3, spacingMM: [1, 1, 1])

    @Test func safeSubscriptMatchesLinearStorage() {
        var v = CTVolume(grid: grid)
        v[2, 3, 1] = 77
        #expect(v.voxels[grid.index(2, 3, 1)] == 77)
        #expect(v.voxels.reduce(0) { $0 + Int($1) } == 77)
    }

    @Test func unsafePathSeesSameVoxelsAsSafePath() {
        var v = DoseVolume(grid: grid)
        v.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = Float(i) } }
        for z in 0..<3 { for y in 0..<4 { for x in 0..<5 {
            #expect(v[x, y, z] == Float(grid.index(x, y, z)))
        } } }
        let sum = v.withUnsafeBufferPointer { $0.reduce(0, +) }
        #expect(sum == Float((0..<60).reduce(0, +)))
    }

    @Test func sizeMismatchIsRejected() {
        #expect(throws: CoreError.sizeMismatch(expected: 60, got: 59)) {
            try MaskVolume(grid: grid, voxels: [UInt8](repeating: 0, count: 59))
        }
    }

    @Test func slabCopiesContiguousSlices() throws {
        let v = try Volume<Int16>(grid: grid, voxels: (0..<60).map { Int16($0) })
        let s = v.slab(1..<3)
        #expect(s.grid.nz == 2)
        #expect(s.voxels == (20..<60).map { Int16($0) })
        #expect(s[4, 3, 0] == v[4, 3, 1])
    }
}
