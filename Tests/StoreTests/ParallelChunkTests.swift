import CHDF5
import Core
import Foundation
import Testing
@testable import Store

/// Chunks deflated and inflated on threads (`H5Dataset.writeVolume` / `readVolume`) against HDF5's own
/// filter pipeline (`H5Dwrite` / `H5Dread`): the same values both ways, all-zero chunks not stored.
@Suite struct ParallelChunkTests {
    /// 13×70×130 with chunks 8×64×64: partial chunks on every axis; slices 8…12 and columns ≥ 64 of the
    /// first 64 rows zero (whole zero chunks), random values elsewhere.
    static func values<T>(_ make: (inout RandomStream) -> T, zero: T) -> [T] {
        var rng = RandomStream(seed: 5)
        var v: [T] = []
        for z in 0..<13 {
            for y in 0..<70 {
                for x in 0..<130 { v.append(z >= 8 || (y < 64 && x >= 64) ? zero : make(&rng)) }
            }
        }
        return v
    }

    static let shape = [13, 70, 130]

    /// Writes `values` into a fresh chunked shuffle + deflate dataset, with the parallel path or HDF5's.
    static func written<T: H5Scalar>(_ values: [T], fileType: hid_t, parallel: Bool, threads: Int = 3, in dir: TemporaryDirectory,
                                     name: String) throws -> String {
        let path = dir.file(name)
        let file = try H5File.create(path)
        let dataset = try file.createDataset("v", fileType: fileType, shape: shape, layout: .chunkedCompressed(chunk: [8, 64, 64]))
        if parallel { try dataset.writeVolume(values, threads: threads) } else { try dataset.write(values) }
        dataset.close()
        try file.closeChecked()
        return path
    }

    /// The dataset's values by `H5Dread` and by the parallel inflate (`threads`), and its stored chunk count.
    static func readBack<T: H5Scalar>(_ path: String, _ type: T.Type, threads: Int) throws -> (plain: [T], parallel: [T], chunks: Int) {
        let file = try H5File.open(path)
        defer { file.close() }
        let dataset = try file.openDataset("v")
        defer { dataset.close() }
        #expect(try dataset.shuffleDeflateChunks()?.chunk == [8, 64, 64])
        #expect(try dataset.shuffleDeflateChunks()?.level == 4)
        var chunks: hsize_t = 0
        let space = H5Dget_space(dataset.id)
        defer { H5Sclose(space) }
        #expect(H5Dget_num_chunks(dataset.id, space, &chunks) >= 0)
        return (try dataset.read(type, limit: 1 << 30), try dataset.readVolume(type, limit: 1 << 30, threads: threads), Int(chunks))
    }

    func check<T: H5Scalar & Equatable>(_ values: [T], fileType: hid_t) throws {
        let dir = try TemporaryDirectory()
        // 2 × 2 × 3 = 12 chunks (x: 0…63, 64…127, 128…129). All zero: the 6 of slices 8…12 and the 2 of
        // slices 0…7, rows 0…63, x ≥ 64; 4 stored.
        for threads in [1, 3] {
            let fast = try Self.written(values, fileType: fileType, parallel: true, threads: threads, in: dir, name: "fast\(threads).h5")
            let back = try Self.readBack(fast, T.self, threads: threads)
            #expect(back.plain == values, "H5Dread of parallel-deflated chunks")
            #expect(back.parallel == values, "parallel inflate of parallel-deflated chunks")
            #expect(back.chunks == 4, "all-zero chunks are not stored")
        }
        let hdf5 = try Self.written(values, fileType: fileType, parallel: false, in: dir, name: "hdf5.h5")
        let back = try Self.readBack(hdf5, T.self, threads: 2)
        #expect(back.parallel == values, "parallel inflate of HDF5's own chunks")
        #expect(back.chunks == 12)
    }

    @Test func int16RoundTripsBothWays() throws {
        try check(Self.values({ Int16(truncatingIfNeeded: Int($0.uniform() * 4000) - 1000) }, zero: 0), fileType: rt_h5t_std_i16le())
    }

    @Test func uint8RoundTripsBothWays() throws {
        try check(Self.values({ $0.uniform() < 0.5 ? 0 : UInt8(1 + Int($0.uniform() * 200)) }, zero: 0), fileType: rt_h5t_std_u8le())
    }

    @Test func float32RoundTripsBothWays() throws {
        try check(Self.values({ Float($0.uniform() * 70 - 3) }, zero: 0), fileType: rt_h5t_ieee_f32le())
    }

    @Test func otherLayoutsUseHDF5sPath() throws {
        let dir = try TemporaryDirectory()
        let values = Self.values({ Int16(Int($0.uniform() * 100)) }, zero: 0)
        let path = dir.file("plain.h5")
        let file = try H5File.create(path)
        let contiguous = try file.createDataset("c", fileType: rt_h5t_std_i16le(), shape: Self.shape, layout: .contiguous)
        #expect(try contiguous.shuffleDeflateChunks() == nil)
        try contiguous.writeVolume(values)
        #expect(try contiguous.readVolume(Int16.self, limit: 1 << 30) == values)
        // Stored as int16, read as int32: HDF5 converts (the parallel path needs the exact type).
        #expect(try contiguous.readVolume(Int32.self, limit: 1 << 30) == values.map(Int32.init))
        contiguous.close()
        try file.closeChecked()
    }

    @Test func damagedChunkIsAnError() throws {
        let dir = try TemporaryDirectory()
        let values = Self.values({ Int16(Int($0.uniform() * 100)) }, zero: 0)
        let path = try Self.written(values, fileType: rt_h5t_std_i16le(), parallel: true, in: dir, name: "bad.h5")
        let file = try H5File.open(path, writable: true)
        let dataset = try file.openDataset("v")
        var origin: [hsize_t] = [0, 0, 0]
        let garbage = [UInt8](repeating: 0x5a, count: 100)
        #expect(garbage.withUnsafeBytes { H5Dwrite_chunk(dataset.id, rt_h5p_default(), 0, &origin, $0.count, $0.baseAddress) } >= 0)
        let message = errorText { _ = try dataset.readVolume(Int16.self, limit: 1 << 30) }
        #expect(message?.contains("does not inflate") == true)
        dataset.close()
        file.close()
    }

    /// A slice-range read inflates only the chunk layers of its slices: a chunk cut short (a valid stream's
    /// first half) or with one flipped byte in the first layer fails a read of slices 2..<5 and any read
    /// that includes them, naming the chunk, while slices 8..<13 (the second layer, stored chunks) still read.
    @Test func damagedChunkFailsOnlyTheRangesThatHoldIt() throws {
        let dir = try TemporaryDirectory()
        let layer = 70 * 130
        var values = Self.values({ Int16(Int($0.uniform() * 100)) }, zero: 0)
        for i in (8 * layer)..<values.count { values[i] = Int16(i % 97) + 1 }
        for damage in ["truncated", "flipped"] {
            let path = try Self.written(values, fileType: rt_h5t_std_i16le(), parallel: true, in: dir, name: "\(damage).h5")
            let file = try H5File.open(path, writable: true)
            let dataset = try file.openDataset("v")
            var origin: [hsize_t] = [0, 64, 0]
            var size: hsize_t = 0
            #expect(H5Dget_chunk_storage_size(dataset.id, &origin, &size) >= 0 && size > 16)
            var bytes = [UInt8](repeating: 0, count: Int(size))
            var mask: UInt32 = 0
            #expect(bytes.withUnsafeMutableBytes { H5Dread_chunk(dataset.id, rt_h5p_default(), &origin, &mask, $0.baseAddress) } >= 0)
            if damage == "truncated" { bytes.removeLast(bytes.count / 2) } else { bytes[bytes.count / 2] ^= 0x10 }
            #expect(bytes.withUnsafeBytes { H5Dwrite_chunk(dataset.id, rt_h5p_default(), 0, &origin, $0.count, $0.baseAddress) } >= 0)
            for range in [2..<5, 0..<13] {
                let message = errorText { _ = try dataset.readVolume(Int16.self, limit: 1 << 30, zRange: range) }
                #expect(message?.contains("chunk at [0, 64, 0] does not inflate") == true, "\(damage) \(range): \(message ?? "read")")
            }
            #expect(try dataset.readVolume(Int16.self, limit: 1 << 30, zRange: 8..<13) == Array(values[(8 * layer)...]))
            dataset.close()
            file.close()
        }
    }
}
