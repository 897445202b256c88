import CHDF5
import Core

extension ResultFile {
    /// Reads and validates a result file: volumes are rank 3 with the expected dtype and the
    /// grid of their group (all segmentation volumes share one grid; the uncertainty matches the
    /// dose), float data is finite, sparse matrices satisfy the CSC invariants, and every
    /// dataset's element count is checked against `limits` before it is allocated.
    public static func read(path: String, limits: StoreLimits = StoreLimits()) throws -> ResultFile {
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
        var reader = ResultReader(limits: limits, result: result)
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

/// Walks a result file's tree and sorts each object into its place in a ``ResultFile``.
private struct ResultReader {
    let limits: StoreLimits
    var result: ResultFile
    private var segmentationGrid: (grid: Grid, object: String)?

    init(limits: StoreLimits, result: ResultFile) {
        self.limits = limits
        self.result = result
    }

    mutating func readGroup(_ group: H5Group, components: [String]) throws {
        for name in try group.childNames() {
            let path = components + [name]
            switch try group.childKind(name) {
            case .group:
                let child = try group.openGroup(name)
                defer { child.close() }
                if child.hasAttribute("format"), try child.readString("format") == "csc" {
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
        let values: ResultArray.Values
        switch (info.typeClass, info.size, info.isSigned) {
        case (H5T_FLOAT, ...4, _):
            let v = try dataset.read(Float.self, limit: limits.maxVoxels)
            try VolumeIO.requireFinite(v, in: dataset.file, object: dataset.path)
            values = .float32(v)
        case (H5T_FLOAT, _, _):
            let v = try dataset.read(Double.self, limit: limits.maxVoxels)
            try VolumeIO.requireFinite(v, in: dataset.file, object: dataset.path)
            values = .float64(v)
        case (H5T_INTEGER, ...4, true), (H5T_INTEGER, ...2, false):
            values = .int32(try dataset.read(Int32.self, limit: limits.maxVoxels))
        case (H5T_INTEGER, ...8, true), (H5T_INTEGER, 4, false):
            values = .int64(try dataset.read(Int64.self, limit: limits.maxVoxels))
        default:
            throw dataset.invalid("stored as \(info); result arrays are float32, float64 or integers up to int64")
        }
        return try ResultArray(shape: shape, values: values)
    }

    private func readSparse(_ group: H5Group) throws -> SparseMatrixCSC {
        let shape = try group.readDoubles("shape", count: 2)
        guard shape.allSatisfy({ $0 >= 0 && $0 == $0.rounded() && $0 < 1e15 }) else {
            throw group.invalid("shape \(shape) is not two non-negative integers", object: "\(group.path) attribute shape")
        }
        let values = try readVector(group, "data", Float.self)
        let rowIndices = try readVector(group, "indices", Int32.self)
        let columnStarts = try readVector(group, "indptr", Int64.self)
        if let problem = SparseMatrixCSC.problem(rows: Int(shape[0]), columns: Int(shape[1]), values: values,
                                                 rowIndices: rowIndices, columnStarts: columnStarts) {
            throw group.invalid("not a valid CSC matrix: \(problem)")
        }
        return try SparseMatrixCSC(rows: Int(shape[0]), columns: Int(shape[1]), values: values,
                                   rowIndices: rowIndices, columnStarts: columnStarts)
    }

    private func readVector<T: H5Scalar>(_ group: H5Group, _ name: String, _ type: T.Type) throws -> [T] {
        let dataset = try group.openDataset(name)
        defer { dataset.close() }
        try dataset.requireType(type)
        let shape = try dataset.shape()
        guard shape.count == 1 else { throw dataset.invalid("rank \(shape.count), expected a vector") }
        return try dataset.read(type, limit: limits.maxVoxels)
    }
}
