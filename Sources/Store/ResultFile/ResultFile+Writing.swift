import CHDF5
import Core

extension ResultFile {
    /// Writes the result atomically (temporary file in the same directory, fsync, rename).
    /// Each part is validated just before it is written (names, paths, grids, finite floats);
    /// on the first problem the temporary file is removed and nothing appears under `path`.
    public func write(to path: String) throws {
        try AtomicFile.write(to: path) { temporary in
            let file = try H5File.create(temporary)
            defer { file.close() }
            try writeContents(into: file, reportedPath: path)
            try file.closeChecked()
        }
    }

    private func writeContents(into file: H5File, reportedPath: String) throws {
        try file.writeAttribute("schema", .int(ResultFile.schemaVersion))
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty, name != "schema" else {
                throw StoreError.invalid(file: reportedPath, object: "/ attribute \"\(name)\"", reason: "reserved or empty attribute name")
            }
            try file.writeAttribute(name, value)
        }
        try writeSegmentation(into: file, reportedPath: reportedPath)
        try writeDose(into: file, reportedPath: reportedPath)
        for (path, array) in arrays.sorted(by: { $0.key < $1.key }) {
            try writeArray(array, at: path, into: file, reportedPath: reportedPath)
        }
        for (path, matrix) in sparseMatrices.sorted(by: { $0.key < $1.key }) {
            try writeSparse(matrix, at: path, into: file, reportedPath: reportedPath)
        }
    }

    private func writeSegmentation(into file: H5File, reportedPath: String) throws {
        guard !segmentation.isEmpty || !boxedSegmentation.isEmpty || labelMap != nil || boxedLabelMap != nil else { return }
        if let name = segmentation.keys.first(where: { boxedSegmentation[$0] != nil }) {
            throw StoreError.invalid(file: reportedPath, object: "/segmentation/\(name)", reason: "given both as a full and as a boxed mask")
        }
        if labelMap != nil && boxedLabelMap != nil {
            throw StoreError.invalid(file: reportedPath, object: "/segmentation/labels", reason: "given both as a full and as a boxed label map")
        }
        let group = try file.createGroup("segmentation")
        defer { group.close() }
        // Full volumes as boxes of the whole slice (no copy): one path for both.
        let masks = segmentation.mapValues { BoxedVolume($0) }.merging(boxedSegmentation) { full, _ in full }
        var volumes = masks.sorted { $0.key < $1.key }.map { (name: $0.key, volume: $0.value) }
        for (name, _) in volumes {
            guard !name.isEmpty, !name.contains("/"), name != ".", name != "..", name != "labels" else {
                throw StoreError.invalid(file: reportedPath, object: "/segmentation/\(name)", reason: "invalid mask name (empty, \"/\", \".\", \"..\" or the reserved \"labels\")")
            }
        }
        if let labels = labelMap.map({ BoxedVolume($0) }) ?? boxedLabelMap { volumes.append((name: "labels", volume: labels)) }
        let grid = volumes[0].volume.grid
        for (name, volume) in volumes where volume.grid != grid {
            throw StoreError.invalid(file: reportedPath, object: "/segmentation/\(name)",
                                     reason: "grid \(volume.grid) differs from /segmentation/\(volumes[0].name) \(grid)")
        }
        // All masks and the label map coded together (equal chunks, e.g. of the body and the label map, deflated once).
        let datasets = try VolumeIO.write(volumes, in: group, fileType: rt_h5t_std_u8le())
        defer { datasets.forEach { $0.close() } }
        for dataset in datasets { try GridAttributes.write(grid, on: dataset) }
    }

    private func writeDose(into file: H5File, reportedPath: String) throws {
        let volumes = [("total", doseGy), ("uncertainty", doseUncertainty)].compactMap { name, v in v.map { (name, $0) } }
        guard !volumes.isEmpty else { return }
        if let doseGy, let doseUncertainty, doseGy.grid != doseUncertainty.grid {
            throw StoreError.invalid(file: reportedPath, object: "/dose/uncertainty", reason: "grid \(doseUncertainty.grid) differs from /dose/total \(doseGy.grid)")
        }
        let group = try file.openOrCreateGroup("dose")
        defer { group.close() }
        for (name, volume) in volumes {
            try VolumeIO.requireFinite(volume.voxels, in: reportedPath, object: "/dose/\(name)")
            let dataset = try VolumeIO.write(volume, as: name, in: group, fileType: rt_h5t_ieee_f32le())
            defer { dataset.close() }
            try GridAttributes.write(volume.grid, on: dataset)
            if name == "total" { try dataset.writeAttribute("units", .string("Gy")) }
        }
    }

    private func writeArray(_ array: ResultArray, at path: String, into file: H5File, reportedPath: String) throws {
        let components = try ResultPath.components(path, file: reportedPath)
        switch array.values {
        case .float32(let v): try VolumeIO.requireFinite(v, in: reportedPath, object: path)
        case .float64(let v): try VolumeIO.requireFinite(v, in: reportedPath, object: path)
        case .int32, .int64: break
        }
        try ResultPath.withParent(of: components, in: file) { parent in
            let name = components[components.count - 1]
            switch array.values {
            case .float32(let v): try writeDataset(v, as: name, fileType: rt_h5t_ieee_f32le(), shape: array.shape, in: parent)
            case .float64(let v): try writeDataset(v, as: name, fileType: rt_h5t_ieee_f64le(), shape: array.shape, in: parent)
            case .int32(let v): try writeDataset(v, as: name, fileType: rt_h5t_std_i32le(), shape: array.shape, in: parent)
            case .int64(let v): try writeDataset(v, as: name, fileType: rt_h5t_std_i64le(), shape: array.shape, in: parent)
            }
        }
    }

    private func writeSparse(_ matrix: SparseMatrixCSC, at path: String, into file: H5File, reportedPath: String) throws {
        let components = try ResultPath.components(path, file: reportedPath)
        try ResultPath.withParent(of: components, in: file) { parent in
            let group = try parent.createGroup(components[components.count - 1])
            defer { group.close() }
            try group.writeAttribute("shape", .ints([matrix.rows, matrix.columns]))
            try group.writeAttribute("format", .string("csc"))
            try writeDataset(matrix.values, as: "data", fileType: rt_h5t_ieee_f32le(), shape: [matrix.values.count], in: group)
            try writeDataset(matrix.rowIndices, as: "indices", fileType: rt_h5t_std_i32le(), shape: [matrix.rowIndices.count], in: group)
            try writeDataset(matrix.columnStarts, as: "indptr", fileType: rt_h5t_std_i64le(), shape: [matrix.columnStarts.count], in: group)
        }
    }

    private func writeDataset<T: H5Scalar>(_ values: [T], as name: String, fileType: hid_t, shape: [Int], in group: H5Group) throws {
        let dataset = try group.createDataset(name, fileType: fileType, shape: shape, layout: .contiguous)
        defer { dataset.close() }
        try dataset.write(values)
    }
}
