/// A ball of radius `radiusMM` sampled on the voxel offsets of a grid with spacing `spacingMM`
/// (an ellipsoid in voxel units when the spacing is anisotropic).
///
/// Offset (dx, dy, dz) voxels lies in the ball when `(dx·sx)² + (dy·sy)² + (dz·sz)² ≤ r²·(1 + 1e-9)`.
/// The relative tolerance puts centres lying on the sphere (e.g. r = 5 mm, sz = 2.5 mm, dz = 2)
/// inside the ball whatever the rounding of the terms, so that every kernel and reference agree.
public struct StructuringBall: Sendable, Hashable {
    /// Radius in mm (finite, ≥ 0; 0 is the single centre voxel).
    public let radiusMM: Double
    /// Voxel spacing x, y, z in mm.
    public let spacingMM: SIMD3<Double>

    /// Relative tolerance applied to r² (see the type's documentation).
    public static let relativeTolerance = 1e-9

    /// A ball of `radiusMM` on voxels of `spacingMM`.
    /// - Throws: ``SegmentationError/invalidRadius(_:)`` for a negative or non-finite radius.
    public init(radiusMM: Double, spacingMM: SIMD3<Double>) throws {
        guard radiusMM.isFinite, radiusMM >= 0 else { throw SegmentationError.invalidRadius(radiusMM) }
        self.radiusMM = radiusMM
        self.spacingMM = spacingMM
    }

    /// Largest squared distance in mm² counted as inside: r²·(1 + relativeTolerance).
    public var limitMM2: Double { radiusMM * radiusMM * (1 + StructuringBall.relativeTolerance) }

    /// True when a point at squared distance `squaredDistanceMM2` from the centre is inside.
    @inlinable public func contains(squaredDistanceMM2: Double) -> Bool { squaredDistanceMM2 <= limitMM2 }

    /// True when the voxel offset (dx, dy, dz) is inside the ball.
    public func contains(_ dx: Int, _ dy: Int, _ dz: Int) -> Bool {
        let d = SIMD3(Double(dx), Double(dy), Double(dz)) * spacingMM
        return contains(squaredDistanceMM2: d.x * d.x + d.y * d.y + d.z * d.z)
    }

    /// Largest |offset| in voxels along x, y, z that stays inside the ball.
    public var halfExtent: SIMD3<Int> {
        var e = SIMD3<Int>.zero
        for a in 0..<3 {
            var k = Int((radiusMM / spacingMM[a]).rounded(.down))
            while contains(squaredDistanceMM2: Double(k + 1) * spacingMM[a] * Double(k + 1) * spacingMM[a]) { k += 1 }
            while k > 0 && !contains(squaredDistanceMM2: Double(k) * spacingMM[a] * Double(k) * spacingMM[a]) { k -= 1 }
            e[a] = k
        }
        return e
    }
}
