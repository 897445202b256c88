import Core

/// Thresholding of CT numbers into binary masks.
public enum Threshold {
    /// The mask of voxels whose CT number lies in `huRange` (bounds included): 1 inside, 0 outside.
    public static func mask(_ ct: CTVolume, huRange: ClosedRange<Int16>) -> MaskVolume {
        let lo = huRange.lowerBound, hi = huRange.upperBound
        var out = MaskVolume(grid: ct.grid)
        ct.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let n = src.count
                var i = 0
                while i < n {
                    let v = src[i]
                    dst[i] = (v >= lo && v <= hi) ? 1 : 0
                    i &+= 1
                }
            }
        }
        return out
    }
}
