import Core
import Dose
import Phantoms
import Testing
@testable import Planning

/// The water/lung/water slab phantom (32×32×32 grid of 10 mm voxels: 300 mm cube in a 320 mm grid).
@Suite struct SlabPhantomTests {
    static let slab = try! PhantomFactory.slab(size: PhantomSize(nx: 32, ny: 32, nz: 32), spacingMM: SIMD3(repeating: 10))

    /// Along the central axis: air, water for 0–5 cm depth, lung (0.26 ± 0.001 g/cm³ by Schneider 2000) for
    /// 5–15 cm, water to 30 cm, air; the skin is found at the anterior face y = −150 mm.
    @Test func layersSitAtTheirDepths() throws {
        let ct = Self.slab.ct, g = ct.grid
        #expect(Self.slab.kind == "slab" && Self.slab.structureNames == ["body", "lung"])
        for j in 0..<g.ny {
            let depth = g.position(16, j, 16).y + 150
            let expected: Int16 = depth < 0 || depth > 300 ? -1000 : (depth >= 50 && depth < 150 ? -749 : 0)
            #expect(ct[16, j, 16] == expected, "depth \(depth) mm")
        }
        #expect(abs(CTCalibration.schneider2000.densityGPerCC(hu: PhantomFactory.lungSlabHU) - 0.26) < 0.001)
        #expect(CTCalibration.schneider2000.material(hu: PhantomFactory.lungSlabHU) == .lung)
        let lung = try #require(Self.slab.structure(named: "lung"))
        #expect(abs(lung.volumeCC - 30 * 30 * 10) < 1e-6)
        let skin = try #require(PatientSurface.entryPoint(ct: ct, throughMM: .zero, directionLPS: SIMD3(0, 1, 0)))
        #expect(abs(skin.y + 150) < 1e-5)
    }

    @Test func insertOutsideTheBoxIsRejected() {
        #expect(throws: PhantomError.self) { try PhantomFactory.slab(size: PhantomSize(nx: 32, ny: 32, nz: 32), insertDepthMM: 250...350) }
    }
}
