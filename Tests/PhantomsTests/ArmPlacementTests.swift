import Core
import Testing
@testable import Phantoms

/// The arms lie beside the torso, separated by air in some slices and touching it in others.
@Test func armsTouchTheTorsoInSomeSlicesOnly() throws {
    // 2.8 mm in-plane spacing along x resolves gaps of a few mm.
    let p = try PhantomFactory.thorax(seed: 5, size: PhantomSize(nx: 192, ny: 48, nz: 24), noiseHU: 0)
    let g = p.grid, body = p.m("body")
    var counts: [Int] = []
    for z in 0..<g.nz {
        // 4-connected components of the body in this slice (flood fill).
        var seen = [Bool](repeating: false, count: g.sliceCount)
        var components = 0
        for start in 0..<g.sliceCount where body.voxels[z * g.sliceCount + start] != 0 && !seen[start] {
            components += 1
            var stack = [start]
            seen[start] = true
            while let n = stack.popLast() {
                let x = n % g.nx, y = n / g.nx
                for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] where g.contains(x + dx, y + dy, z) {
                    let m = (y + dy) * g.nx + x + dx
                    if !seen[m] && body.voxels[z * g.sliceCount + m] != 0 { seen[m] = true; stack.append(m) }
                }
            }
        }
        counts.append(components)
    }
    #expect(counts.contains(1) && counts.contains(3), "components per slice: \(counts)")
    #expect(counts.allSatisfy { $0 == 1 || $0 == 3 })
}
