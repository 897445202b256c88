import Core

/// Thresholding of CT numbers into binary masks.
public enum Threshold {
    /// The mask of voxels whose CT number lies in `huRange` (bounds included): 1 inside, 0 outside.
    public static func mask(_ ct: CTVolume, huRange: ClosedRange<Int16>) -> MaskVolume {
        let lo = huRange.lowerBound, hi = huRange.upperBound
        return ct.withUnsafeBufferPointer { src in
            MaskVolume.written(grid: ct.grid) { dst, n in
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
