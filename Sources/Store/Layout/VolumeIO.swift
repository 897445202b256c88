import CHDF5
import Core

/// Reading and writing of 3-D voxel datasets (`[z][y][x]`) with the checks every read applies.
enum VolumeIO {
    /// Chunk shape of volumes: a slab of up to 8 slices, tiles of up to 64×64 voxels, so that a
    /// z-slab read touches few chunks.
    static func chunk(for grid: Grid) -> [Int] {
        [min(8, grid.nz), min(64, grid.ny), min(64, grid.nx)]
    }

    /// Writes `volume` as dataset `name` of `group` (chunked, shuffle + deflate 4; chunks deflated in
    /// parallel, all-zero chunks not stored: ``H5Dataset/writeVolume(_:threads:)``) and returns it
    /// open, so that the caller can attach attributes.
    static func write<T: H5Scalar & VoxelScalar>(_ volume: Volume<T>, as name: String, in group: H5Group, fileType: hid_t) throws -> H5Dataset {
        let g = volume.grid
        let dataset = try group.createDataset(name, fileType: fileType, shape: [g.nz, g.ny, g.nx], layout: .chunkedCompressed(chunk: chunk(for: g)))
        do {
            try dataset.writeVolume(volume.voxels)
        } catch {
            dataset.close()
            throw error
        }
        return dataset
    }

    /// Writes `volumes` (each zero outside its box) as datasets of `group`, in order, each the same dataset as
    /// ``write(_:as:in:fileType:)`` makes of the placed volume; the chunks of all are coded together
    /// (``H5Dataset/writeVolumes(_:threads:)``: outside a box never read, equal chunks deflated once). Returns
    /// the datasets open, so that the caller can attach attributes (the caller closes them).
    static func write<T: H5Scalar & VoxelScalar>(_ volumes: [(name: String, volume: BoxedVolume<T>)], in group: H5Group,
                                                 fileType: hid_t) throws -> [H5Dataset] {
        var datasets: [H5Dataset] = []
        do {
            for (name, volume) in volumes {
                let g = volume.grid
                datasets.append(try group.createDataset(name, fileType: fileType, shape: [g.nz, g.ny, g.nx], layout: .chunkedCompressed(chunk: chunk(for: g))))
            }
            try H5Dataset.writeVolumes(Array(zip(datasets, volumes.map(\.volume))).map { (dataset: $0.0, volume: $0.1) })
        } catch {
            datasets.forEach { $0.close() }
            throw error
        }
        return datasets
    }

    /// Checks that `dataset` stores `T`, has rank 3 and at most `limits.maxVoxels` elements;
    /// returns its `[z, y, x]` dimensions. Nothing is allocated.
    static func checkedShape<T: H5Scalar>(_ dataset: H5Dataset, _ type: T.Type, limits: StoreLimits) throws -> [Int] {
        try dataset.requireType(type)
        let shape = try dataset.shape()
        guard shape.count == 3 else {
            throw dataset.invalid("rank \(shape.count) (shape \(shape)), expected a 3-D [z][y][x] volume")
        }
        guard shape.allSatisfy({ $0 > 0 }) else { throw dataset.invalid("empty volume (shape \(shape))") }
        _ = try dataset.elementCount(shape, limit: limits.maxVoxels)
        return shape
    }

    /// Throws unless `shape` equals the `[z, y, x]` dimensions of `grid`.
    static func requireShape(_ shape: [Int], of dataset: H5Dataset, matches grid: Grid, reference: String) throws {
        guard shape == [grid.nz, grid.ny, grid.nx] else {
            throw dataset.invalid("dimensions \(describe(shape)) (z×y×x) differ from \(reference) \(describe([grid.nz, grid.ny, grid.nx]))")
        }
    }

    /// Reads a checked volume of `T` on `grid` (chunks inflated in parallel: ``H5Dataset/readVolume(_:limit:threads:)``).
    static func read<T: H5Scalar & VoxelScalar>(_ dataset: H5Dataset, _ type: T.Type, grid: Grid, limits: StoreLimits) throws -> Volume<T> {
        let voxels = try dataset.readVolume(type, limit: limits.maxVoxels)
        return try Volume(grid: grid, voxels: voxels)
    }

    /// Throws when `values` contain NaN or ±Inf, naming the first offending element of `dataset`.
    static func requireFinite<T: BinaryFloatingPoint>(_ values: [T], in file: String, object: String) throws {
        guard let index = values.firstIndex(where: { !$0.isFinite }) else { return }
        let bad = values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        throw StoreError.invalid(file: file, object: object, reason: "\(bad) non-finite value(s) (NaN or Inf), first at element \(index): \(values[index])")
    }

    /// "129×167×167".
    static func describe(_ shape: [Int]) -> String {
        shape.map(String.init).joined(separator: "×")
    }
}
