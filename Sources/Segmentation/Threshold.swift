import Core

/// Thresholding of CT numbers into binary masks.
public enum Threshold {
    /// The mask of voxels whose CT number lies in `huRange` (bounds included): 1 inside, 0 outside.
    public static func mask(_ ct: CTVolume, huRange: ClosedRange<Int16>) -> MaskVolume {
        mask(ct, huRange: huRange, slices: 0..<ct.grid.nz)
    }

    /// ``mask(_:huRange:)`` of slices `slices` of `ct` only (on `ct.grid.slab(slices)`).
    static func mask(_ ct: CTVolume, huRange: ClosedRange<Int16>, slices: Range<Int>) -> MaskVolume {
        let lo = huRange.lowerBound, hi = huRange.upperBound
        let g = slices == 0..<ct.grid.nz ? ct.grid : ct.grid.slab(slices)
        return ct.withUnsafeBufferPointer { whole in
            let src = whole.baseAddress! + slices.lowerBound * ct.grid.sliceCount
            return MaskVolume.written(grid: g) { dst, n in
                var i = 0
                while i < n {
                    let v = src[i]
                    dst[i] = (v >= lo && v <= hi) ? 1 : 0
                    i &+= 1
                }
            }
        }
    }
}
