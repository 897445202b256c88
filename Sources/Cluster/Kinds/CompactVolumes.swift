import Core
import Segmentation

/// Exact compact wire forms of the `segment` kind's slab volumes (the voxels of a volume under its field name,
/// its grid under `<name>.grid` as for every volume):
/// - a uint8 volume whose voxels are all 0 or 1 (a mask) as bits, 8 voxels a byte, voxel i in bit i % 8 of byte
///   i / 8, with `<name>.bits` = int64 [voxel count]; any other uint8 volume (a class map) as its bytes;
/// - a label map (Int32, labels ≥ 0) as uint8 when its largest label is at most 255, as int16 up to 32767, else int32.
///
/// Slab masks and label maps are mostly zeros and small labels: this cuts the bytes every slab result and input
/// is copied through (encode, MPI, decode) by 2–8× (3.3–3.5× measured for slab outputs) at a cost of about one pass over the voxels.
enum CompactVolumes {
    static func setMask(_ volume: MaskVolume, as name: String, in payload: inout TaskPayload) {
        if let bits = packBits(volume.voxels) {
            payload[name] = .uint8(bits)
            payload[name + ".bits"] = .int64([Int64(volume.voxels.count)])
        } else {
            payload[name] = .uint8(volume.voxels)
        }
        payload.setGrid(volume.grid, as: name + ".grid")
    }

    /// The uint8 volume under `name`, in either form; throws when it does not match its grid.
    static func mask(_ name: String, in payload: TaskPayload) throws -> MaskVolume {
        let grid = try payload.grid(name + ".grid")
        guard payload[name + ".bits"] != nil else { return try Volume(grid: grid, voxels: payload.uint8s(name)) }
        let count = try payload.int64s(name + ".bits")
        guard count == [Int64(grid.voxelCount)] else { throw WireError.malformed("field \(name).bits is not [\(grid.voxelCount)]") }
        return try Volume(grid: grid, voxels: unpackBits(try payload.uint8s(name), count: grid.voxelCount, field: name))
    }

    static func setLabels(_ volume: LabelVolume, as name: String, in payload: inout TaskPayload) {
        let (smallest, largest) = volume.withUnsafeBufferPointer { v in
            var low: Int32 = 0, high: Int32 = 0
            for x in v {
                low = min(low, x)
                high = max(high, x)
            }
            return (low, high)
        }
        if smallest >= 0 && largest <= Int32(UInt8.max) {
            payload[name] = .uint8(narrowed(volume, to: UInt8.self))
        } else if smallest >= 0 && largest <= Int32(Int16.max) {
            payload[name] = .int16(narrowed(volume, to: Int16.self))
        } else {
            payload[name] = .int32(volume.voxels)
        }
        payload.setGrid(volume.grid, as: name + ".grid")
    }

    /// The label map under `name`, from any of its integer forms.
    static func labels(_ name: String, in payload: TaskPayload) throws -> LabelVolume {
        let grid = try payload.grid(name + ".grid")
        switch payload[name] {
        case .uint8(let v)?: return try Volume(grid: grid, voxels: widened(v))
        case .int16(let v)?: return try Volume(grid: grid, voxels: widened(v))
        default: return try Volume(grid: grid, voxels: payload.int32s(name))
        }
    }

    /// The labels of `volume` (all in `T`'s range) as `T`.
    private static func narrowed<T: FixedWidthInteger>(_ volume: LabelVolume, to type: T.Type) -> [T] {
        volume.withUnsafeBufferPointer { v in
            [T](unsafeUninitializedCapacity: v.count) { out, initialized in
                for i in 0..<v.count { out[i] = T(truncatingIfNeeded: v[i]) }
                initialized = v.count
            }
        }
    }

    /// `values` as Int32 labels.
    private static func widened<T: FixedWidthInteger>(_ values: [T]) -> [Int32] {
        values.withUnsafeBufferPointer { v in
            [Int32](unsafeUninitializedCapacity: v.count) { out, initialized in
                for i in 0..<v.count { out[i] = Int32(truncatingIfNeeded: v[i]) }
                initialized = v.count
            }
        }
    }

    /// `bytes` as bits (byte i → bit i % 8 of byte i / 8) when every byte is 0 or 1, else nil.
    static func packBits(_ bytes: [UInt8]) -> [UInt8]? {
        let n = bytes.count, words = n / 8
        var packed = [UInt8](repeating: 0, count: (n + 7) / 8)
        let valid = bytes.withUnsafeBytes { raw -> Bool in
            packed.withUnsafeMutableBufferPointer { out in
                var high: UInt64 = 0
                for w in 0..<words {
                    let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: w &* 8, as: UInt64.self))
                    high |= x
                    // Bytes that are 0 or 1: the multiply gathers byte i's low bit into bit 56 + i (no carries).
                    out[w] = UInt8(truncatingIfNeeded: (x &* 0x0102_0408_1020_4080) >> 56)
                }
                var tail: UInt8 = 0
                for i in (words &* 8)..<n {
                    let b = raw[i]
                    high |= UInt64(b)
                    tail |= (b & 1) << UInt8(i & 7)
                }
                if n % 8 != 0 { out[words] = tail }
                return high & 0xFEFE_FEFE_FEFE_FEFE == 0
            }
        }
        return valid ? packed : nil
    }

    /// The `count` bytes (0 or 1) of `packed` bits; throws when the length does not match.
    static func unpackBits(_ packed: [UInt8], count: Int, field: String) throws -> [UInt8] {
        guard count >= 0, packed.count == (count + 7) / 8 else {
            throw WireError.malformed("field \(field) has \(packed.count) bytes of bits for \(count) voxels")
        }
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            let raw = UnsafeMutableRawPointer(out.baseAddress!)
            let words = count / 8
            packed.withUnsafeBufferPointer { p in
                Self.spread.withUnsafeBufferPointer { table in
                    for w in 0..<words { raw.storeBytes(of: table[Int(p[w])], toByteOffset: w &* 8, as: UInt64.self) }
                }
                for i in (words &* 8)..<count { out[i] = (p[i / 8] >> UInt8(i & 7)) & 1 }
            }
            initialized = count
        }
    }

    /// Byte b spread to 8 bytes: byte i of the little-endian word is bit i of b.
    private static let spread: [UInt64] = (0..<256).map { b in
        (0..<8).reduce(UInt64(0)) { word, i in word | (UInt64((b >> i) & 1) << (8 * UInt64(i))) }.littleEndian
    }
}
