import Core
import Phantoms

/// A small water box phantom shared by the tests (60 mm cube of water in a 72 mm grid of 4 mm voxels).
enum WaterBoxFixture {
    static func make() throws -> Phantom {
        try PhantomFactory.water(shape: .box(sizeMM: SIMD3(repeating: 60)), size: PhantomSize(nx: 18, ny: 18, nz: 18), spacingMM: SIMD3(repeating: 4))
    }
}
