import CHDF5
import Core

extension ResultFile {
    /// Reads and validates a result file: volumes are rank 3 with the expected dtype and the
    /// grid of their group (all segmentation volumes share one grid; the uncertainty matches the
    /// dose), float data is finite, sparse matrices satisfy the CSC invariants, and every
    /// dataset's element count is checked against `limits` (volumes; dose grids at most `Grid.maxDoseVoxels`) or the
    /// byte budget of its kind (``budget(forArrayAt:)``, ``sparseMatrixBytes``) before it is allocated. Without
    /// `sparseMatrices`, sparse matrix groups are skipped unread (a reader that does not use them).
    public static func read(path: String, limits: StoreLimits = StoreLimits(), sparseMatrices: Bool = true) throws -> ResultFile {
        let file = try H5File.open(path)
        defer { file.close() }
        var result = ResultFile()
        result.attributes = try rootAttributes(of: file)
        if file.hasAttribute("schema") {
            let schema = try file.readInt("schema")
            guard (1...schemaVersion).contains(schema) else {
                throw file.invalid("result schema version \(schema) is not supported (this build reads 1...\(schemaVersion))", object: "/ attribute schema")
            }
        }
        var reader = ResultReader(limits: limits, result: result, readsSparseMatrices: sparseMatrices)
        try reader.readGroup(file, components: [])
        return reader.result
    }
}

extension ResultFile {
    /// The root attributes of the result file at `path` (provenance, metrics), without reading any dataset.
    public static func readAttributes(path: String) throws -> [String: AttributeValue] {
        let file = try H5File.open(path)
        defer { file.close() }
        return try rootAttributes(of: file)
    }

    private static func rootAttributes(of file: H5File) throws -> [String: AttributeValue] {
        var attributes: [String: AttributeValue] = [:]
        for name in try file.attributeNames() where name != "schema" { attributes[name] = try file.readAttribute(name) }
        return attributes
    }
}

extension ResultFile {
    /// How many bytes a result array of one kind may take in memory, checked from its declared shape before it is
    /// read: a small chunked file may declare gigabytes.
    public struct ArrayBudget: Sendable, Equatable {
        /// What the arrays of this kind are, for messages ("DVH table").
        public let kind: String
        public let bytes: Int

        func maxElements(elementBytes: Int) -> Int { bytes / elementBytes }

        /// The element limit for `shape`, or an error naming dataset, shape and limit when it is above it.
        func check(shape: [Int], elementBytes: Int, of dataset: H5Dataset) throws -> Int {
            var count = 1
            for d in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                count = overflow ? Int.max : product
            }
            let limit = maxElements(elementBytes: elementBytes)
            guard count <= limit else {
                throw dataset.invalid("shape \(shape) (\(count) elements of \(elementBytes) bytes) exceeds the \(bytes >> 20) MiB "
                                      + "(\(limit) elements) a \(kind) may take")
            }
            return limit
        }
    }

    /// DVH tables (`/dvh/<structure>`, [bins, 2] float64): 16 MiB, a million bins.
    public static let dvhBudget = ArrayBudget(kind: "DVH table", bytes: 16 << 20)
    /// Task timings (`/timings/…`): 64 MiB.
    public static let timingsBudget = ArrayBudget(kind: "timing table", bytes: 64 << 20)
    /// Plan arrays (`/plan/weights`, beams): 64 MiB, 8 million float64 beamlet weights.
    public static let planBudget = ArrayBudget(kind: "plan array", bytes: 64 << 20)
    /// Any other array (e.g. a pencil-beam kernel table `/kernel/values`): 256 MiB.
    public static let otherArrayBudget = ArrayBudget(kind: "result array", bytes: 256 << 20)
    /// Stored entries of a sparse matrix (float32 value + int32 row index each): 4 GiB, 512 Mi entries.
    public static let sparseMatrixBytes = 4 << 30
    /// Columns of a sparse matrix (beamlets): fewer than 2^24.
    public static let maxSparseColumns = 1 << 24

    /// The budget of the array at `path` (an absolute dataset path).
    public static func budget(forArrayAt path: String) -> ArrayBudget {
        if path.hasPrefix("/dvh/") { return dvhBudget }
        if path.hasPrefix("/timings/") { return timingsBudget }
        if path.hasPrefix("/plan/") { return planBudget }
        return otherArrayBudget
    }
}

/// Walks a result file's tree and sorts each object into its place in a ``ResultFile``.
private struct ResultReader {
    let limits: StoreLimits
    var result: ResultFile
    let readsSparseMatrices: Bool
    private var segmentationGrid: (grid: Grid, object: String)?

    init(limits: StoreLimits, result: ResultFile, readsSparseMatrices: Bool) {
        self.limits = limits
        self.result = result
        self.readsSparseMatrices = readsSparseMatrices
    }

    mutating func readGroup(_ group: H5Group, components: [String]) throws {
        for name in try group.childNames() {
            let path = components + [name]
            switch try group.childKind(name) {
            case .group:
                let child = try group.openGroup(name)
                defer { child.close() }
                if child.hasAttribute("format"), try child.readString("format") == "csc" {
                    guard readsSparseMatrices else { continue }
                    result.sparseMatrices["/" + path.joined(separator: "/")] = try readSparse(child)
                } else {
                    try readGroup(child, components: path)
                }
            case .dataset:
                let dataset = try group.openDataset(name)
                defer { dataset.close() }
                try readDataset(dataset, components: path)
            case .other:
                throw group.invalid("is neither a group nor a dataset", object: group.childPath(name))
            }
        }
    }

    private mutating func readDataset(_ dataset: H5Dataset, components: [String]) throws {
        switch components {
        case ["segmentation", "labels"]:
            result.labelMap = try readSegmentationVolume(dataset)
        case _ where components.count == 2 && components[0] == "segmentation":
            result.segmentation[components[1]] = try readSegmentationVolume(dataset)
        case _ where components.first == "segmentation":
            throw dataset.invalid("unexpected object under /segmentation (masks are /segmentation/<name>)")
        case ["dose", "total"]:
            let dose = try readDose(dataset)
            if let u = result.doseUncertainty { try requireSameGrid(dose.grid, u.grid, dataset, "/dose/uncertainty") }
            result.doseGy = dose
        case ["dose", "uncertainty"]:
            let u = try readDose(dataset)
            if let dose = result.doseGy { try requireSameGrid(u.grid, dose.grid, dataset, "/dose/total") }
            result.doseUncertainty = u
        default:
            result.arrays[dataset.path] = try readArray(dataset)
        }
    }

    private mutating func readSegmentationVolume(_ dataset: H5Dataset) throws -> MaskVolume {
        let shape = try VolumeIO.checkedShape(dataset, UInt8.self, limits: limits)
        let grid = try GridAttributes.read(shape: shape, from: [dataset], file: dataset.file, object: dataset.path)
        if let first = segmentationGrid {
            try requireSameGrid(grid, first.grid, dataset, first.object)
        } else {
            segmentationGrid = (grid, dataset.path)
        }
        return try VolumeIO.read(dataset, UInt8.self, grid: grid, limits: limits)
    }

    private func readDose(_ dataset: H5Dataset) throws -> DoseVolume {
        let shape = try VolumeIO.checkedShape(dataset, Float.self, limits: limits)
        // Checked before the read allocates: a small chunked file may declare a grid of gigabytes.
        let voxels = try dataset.elementCount(shape, limit: limits.maxVoxels)
        guard voxels <= Grid.maxDoseVoxels else {
            throw dataset.invalid("dose grid of \(shape.map(String.init).joined(separator: " × ")) (z × y × x) = \(voxels) voxels "
                                  + "exceeds the \(Grid.maxDoseVoxels) (2^27) a dose grid may have")
        }
        let grid = try GridAttributes.read(shape: shape, from: [dataset], file: dataset.file, object: dataset.path)
        let dose = try VolumeIO.read(dataset, Float.self, grid: grid, limits: limits)
        try VolumeIO.requireFinite(dose.voxels, in: dataset.file, object: dataset.path)
        return dose
    }

    private func requireSameGrid(_ grid: Grid, _ reference: Grid, _ dataset: H5Dataset, _ referenceObject: String) throws {
        guard grid == reference else {
            throw dataset.invalid("grid \(grid) differs from \(referenceObject) \(reference)")
        }
    }

    private func readArray(_ dataset: H5Dataset) throws -> ResultArray {
        let info = try dataset.typeInfo()
        let shape = try dataset.shape()
        guard !shape.isEmpty else { throw dataset.invalid("scalar dataset; result arrays have at least one dimension") }
        let elementBytes: Int
        switch (info.typeClass, info.size, info.isSigned) {
        case (H5T_FLOAT, ...4, _), (H5T_INTEGER, ...4, true), (H5T_INTEGER, ...2, false): elementBytes = 4
        case (H5T_FLOAT, _, _), (H5T_INTEGER, ...8, true), (H5T_INTEGER, 4, false): elementBytes = 8
        default:
            throw dataset.invalid("stored as \(info); result arrays are float32, float64 or integers up to int64")
        }
        let limit = try ResultFile.budget(forArrayAt: dataset.path).check(shape: shape, elementBytes: elementBytes, of: dataset)
        let values: ResultArray.Values
        switch (info.typeClass, elementBytes) {
        case (H5T_FLOAT, 4):
            let v = try dataset.read(Float.self, limit: limit)
            try VolumeIO.requireFinite(v, in: dataset.file, object: dataset.path)
            values = .float32(v)
        case (H5T_FLOAT, _):
            let v = try dataset.read(Double.self, limit: limit)
            try VolumeIO.requireFinite(v, in: dataset.file, object: dataset.path)
            values = .float64(v)
        case (_, 4):
            values = .int32(try dataset.read(Int32.self, limit: limit))
        default:
            values = .int64(try dataset.read(Int64.self, limit: limit))
        }
        return try ResultArray(shape: shape, values: values)
    }

    private func readSparse(_ group: H5Group) throws -> SparseMatrixCSC {
        let shape = try group.readDoubles("shape", count: 2)
        guard shape.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 < 1e15 }) else {
            throw group.invalid("shape \(shape) is not two non-negative integers", object: "\(group.path) attribute shape")
        }
        // Checked before anything is allocated: columns + 1 column starts, and at most the sparse budget of stored entries.
        let columns = Int(shape[1])
        guard columns < ResultFile.maxSparseColumns else {
            throw group.invalid("\(columns) columns; a result's sparse matrix has fewer than \(ResultFile.maxSparseColumns)")
        }
        let entries = ResultFile.ArrayBudget(kind: "sparse matrix entries", bytes: ResultFile.sparseMatrixBytes)
        let values = try readVector(group, "data", Float.self, limit: entries.maxElements(elementBytes: 8))
        let rowIndices = try readVector(group, "indices", Int32.self, limit: entries.maxElements(elementBytes: 8))
        let columnStarts = try readVector(group, "indptr", Int64.self, limit: columns + 1)
        if let problem = SparseMatrixCSC.problem(rows: Int(shape[0]), columns: Int(shape[1]), values: values,
                                                 rowIndices: rowIndices, columnStarts: columnStarts) {
            throw group.invalid("not a valid CSC matrix: \(problem)")
        }
        return try SparseMatrixCSC(rows: Int(shape[0]), columns: Int(shape[1]), values: values,
                                   rowIndices: rowIndices, columnStarts: columnStarts)
    }

    private func readVector<T: H5Scalar>(_ group: H5Group, _ name: String, _ type: T.Type, limit: Int) throws -> [T] {
        let dataset = try group.openDataset(name)
        defer { dataset.close() }
        try dataset.requireType(type)
        let shape = try dataset.shape()
        guard shape.count == 1 else { throw dataset.invalid("rank \(shape.count), expected a vector") }
        guard shape[0] <= limit else {
            throw dataset.invalid("shape \(shape) exceeds the limit of \(limit) elements a vector of this matrix may have")
        }
        return try dataset.read(type, limit: limit)
    }
}
