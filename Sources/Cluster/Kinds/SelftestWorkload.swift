import Core

/// The arithmetic of the `selftest` job kind, free of MPI and files: a 64-bit FNV-1a checksum, a 3-point
/// smoothing stencil whose sweep count sets a task's cost, and the deterministic payload bytes.
public enum SelftestWorkload {
    /// FNV-1a 64 offset basis.
    public static let fnvOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// FNV-1a 64 prime.
    public static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// Folds `bytes` into the FNV-1a 64 hash `hash` (start from `fnvOffsetBasis`): per byte, xor then multiply.
    @inlinable
    public static func fnv1a64<Bytes: Sequence>(_ bytes: Bytes, into hash: UInt64 = fnvOffsetBasis) -> UInt64 where Bytes.Element == UInt8 {
        var h = hash
        for byte in bytes { h = (h ^ UInt64(byte)) &* fnvPrime }
        return h
    }

    /// Folds the 8 little-endian bytes of `value` into `hash`.
    public static func fnv1a64(word value: UInt64, into hash: UInt64) -> UInt64 {
        var h = hash
        for shift in stride(from: 0, to: 64, by: 8) { h = (h ^ ((value >> UInt64(shift)) & 0xff)) &* fnvPrime }
        return h
    }

    /// Checksum of task `index` over `voxels`: FNV-1a 64 of the index (8 bytes, little-endian) followed by every
    /// voxel as 2 little-endian bytes. Depends on the task index, so misplaced results are caught.
    public static func checksum(task index: Int, voxels: [Int16]) -> UInt64 {
        var h = fnv1a64(word: UInt64(index), into: fnvOffsetBasis)
        for voxel in voxels {
            let bits = UInt16(bitPattern: voxel)
            h = (h ^ UInt64(bits & 0xff)) &* fnvPrime
            h = (h ^ UInt64(bits >> 8)) &* fnvPrime
        }
        return h
    }

    /// `iterations` sweeps of the smoothing stencil u[i] ← ¼u[i−1] + ½u[i] + ¼u[i+1] over `voxels` (as Double,
    /// in memory order, x fastest; the two end values stay fixed). A constant or a linear ramp is a fixed point;
    /// away from the ends an impulse of height 4^k becomes the binomial weights C(2k, k+j) after k sweeps.
    /// Deterministic: the same operations in the same order on any rank.
    public static func stencil(voxels: [Int16], iterations: Int) -> [Double] {
        var u = voxels.map(Double.init)
        guard u.count > 2 else { return u }
        var next = u
        for _ in 0..<iterations {
            for i in 1..<(u.count - 1) { next[i] = 0.25 * u[i - 1] + 0.5 * u[i] + 0.25 * u[i + 1] }
            swap(&u, &next)
        }
        return u
    }

    /// The sum, in index order, of `stencil(voxels:iterations:)`: what a task reports of its compute loop.
    public static func stencilSum(voxels: [Int16], iterations: Int) -> Double {
        stencil(voxels: voxels, iterations: iterations).reduce(0, +)
    }

    /// `count` pseudo-random bytes from stream 0 of `seed` (8 little-endian bytes per draw).
    public static func payload(count: Int, seed: UInt64) -> [UInt8] {
        var stream = RandomStream(seed: seed)
        var bytes = [UInt8](repeating: 0, count: count)
        var word: UInt64 = 0
        for i in 0..<count {
            if i % 8 == 0 { word = stream.next() }
            bytes[i] = UInt8(truncatingIfNeeded: word >> UInt64(8 * (i % 8)))
        }
        return bytes
    }

    /// The job's combined checksum: FNV-1a 64 over, task by task, the checksum and the bits of the stencil sum
    /// (8 little-endian bytes each).
    public static func combined(checksums: [UInt64], stencilSums: [Double]) -> UInt64 {
        var h = fnvOffsetBasis
        for (checksum, sum) in zip(checksums, stencilSums) {
            h = fnv1a64(word: checksum, into: h)
            h = fnv1a64(word: sum.bitPattern, into: h)
        }
        return h
    }
}
