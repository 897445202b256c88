import Segmentation
import Testing

@Suite struct StructuringBallTests {
    @Test func halfExtentIsTheLargestOffsetInsideTheBall() throws {
        let ball = try StructuringBall(radiusMM: 5, spacingMM: SIMD3(0.98, 0.98, 2.5))
        // 5 / 0.98 = 5.10 → 5 voxels; 5 / 2.5 = 2 exactly: the centre on the sphere counts.
        #expect(ball.halfExtent == SIMD3(5, 5, 2))
        #expect(ball.contains(0, 0, 2))
        #expect(!ball.contains(0, 0, 3))
        #expect(ball.contains(3, 4, 0))  // 25 × 0.98² = 24.01 mm² ≤ 25 mm²
        #expect(!ball.contains(4, 4, 0))  // 32 × 0.98² = 30.7 mm²
        #expect(try StructuringBall(radiusMM: 0, spacingMM: SIMD3(1, 1, 1)).halfExtent == .zero)
    }

    @Test func rejectsNegativeOrNonFiniteRadius() {
        for r in [-1.0, .nan, .infinity] {
            #expect(throws: SegmentationError.self) { try StructuringBall(radiusMM: r, spacingMM: SIMD3(1, 1, 1)) }
        }
    }
}
