import Core
import Segmentation
import Testing

@Suite struct ThresholdTests {
    @Test func maskIsExactlyTheVoxelsInTheClosedHURange() throws {
        let g = Synthetic.grid(9, 7, 5)
        var rng = RandomStream(seed: 3)
        let ct = try CTVolume(grid: g, voxels: (0..<g.voxelCount).map { _ in Int16(Int(rng.next() % 3000) - 1200) })
        for range: ClosedRange<Int16> in [-500...200, -1024...(-400), 100...100, Int16.min...Int16.max] {
            let mask = Threshold.mask(ct, huRange: range)
            #expect(mask.grid == g)
            #expect(mask.voxels == ct.voxels.map { range.contains($0) ? 1 : 0 })
        }
    }

    @Test func boundsAreIncluded() throws {
        let g = Synthetic.grid(3, 1, 1)
        let ct = try CTVolume(grid: g, voxels: [-101, -100, 300])
        #expect(Threshold.mask(ct, huRange: -100...300).voxels == [0, 1, 1])
    }
}
