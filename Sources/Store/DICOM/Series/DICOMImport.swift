#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Core

/// Import of an axial CT series from a directory of DICOM Part 10 files.
///
/// The files of the directory and of its subdirectories, at any depth, are read (hidden files and
/// folders are skipped; symbolic links are followed, each directory read once; any other unreadable
/// file is an error naming it). Files without the Part 10 signature (a README, a viewer on an exported CD) and
/// DICOM objects without an image (an RT Structure Set: contours are not imported) are left out and said in
/// ``DICOMSeries/leftOut``. Files are grouped by Series Instance UID (images of other modalities, e.g. a PET
/// series, are left out too; an image of another modality inside the chosen CT series is an error naming it). With several CT series, `seriesUID` picks one, otherwise the error
/// lists them. Slices are sorted
/// along the slice normal and must be axial (row/column directions along ±x/±y within 1e-3),
/// share orientation, rows, columns and pixel spacing, lie on one line through the volume (no
/// in-plane shift: a tilted gantry is rejected), with no duplicates and uniform spacing within
/// 1 % (a missing slice is a gap). The image plane is mapped onto ``Grid`` (LPS, z-major, origin
/// at the centre of voxel [0,0,0]) by flipping or transposing rows/columns so that spacing is
/// positive along +x, +y and +z. HU = round(stored × slope + intercept), which must fit Int16.
public enum DICOMImport {
    /// Reads the CT series in `directory` (the one with `seriesUID` when given).
    public static func readCTSeries(directory: String, seriesUID: String? = nil, limits: StoreLimits = StoreLimits()) throws -> DICOMSeries {
        // Images of other modalities: path, modality, series.
        var others: [(path: String, modality: String, seriesUID: String)] = []
        var notDICOM: [String] = [], objects: [String: [String]] = [:]  // non-image objects by modality
        let headers = try listFiles(directory).compactMap { path -> DICOMSlice? in
            guard try DICOMFile.hasPart10Signature(path: path) else {
                notDICOM.append(path)
                return nil
            }
            let file = try DICOMFile.read(path: path, stopBeforePixelData: true)
            guard DICOMSlice.isCTImage(file) else {
                if file.dataSet[DICOMTags.rows] != nil {
                    others.append((path, file.dataSet.string(DICOMTags.modality) ?? "", file.dataSet.string(DICOMTags.seriesInstanceUID) ?? ""))
                } else {
                    objects[nonEmpty(file.dataSet.string(DICOMTags.modality)) ?? "without modality", default: []].append(path)
                }
                return nil
            }
            return try DICOMSlice(file: file, maxPixels: limits.maxVoxels)
        }
        // Said where a missing slice may be one of them.
        let modalities = Set(others.map { $0.modality.isEmpty ? "(none)" : $0.modality }).sorted()
        let ignored = others.isEmpty ? "" :
            "\(others.count) image file\(others.count == 1 ? "" : "s") of modality \(modalities.joined(separator: ", ")) ignored"
        var leftOut: [String] = []
        func files(_ paths: [String]) -> String {
            "\(paths.count) file\(paths.count == 1 ? "" : "s") (\(paths.prefix(3).joined(separator: ", "))\(paths.count > 3 ? ", …" : ""))"
        }
        if !notDICOM.isEmpty { leftOut.append("\(files(notDICOM)) without the DICOM Part 10 signature left out") }
        for (modality, paths) in objects.sorted(by: { $0.key < $1.key }) {
            leftOut.append("\(files(paths)) of DICOM objects \(modality) without an image left out"
                           + (modality == "RTSTRUCT" ? " (contours are not imported: segment the case or add a case file with structures)" : ""))
        }
        if !ignored.isEmpty { leftOut.append(ignored) }
        guard !headers.isEmpty else { throw DICOMError(file: directory, (["no CT image files found"] + leftOut).joined(separator: "; ")) }
        let slices = try selectSeries(headers, seriesUID: seriesUID, directory: directory)
        let foreign = others.filter { $0.seriesUID == slices[0].seriesUID }
        if let f = foreign.first {
            throw DICOMError(file: f.path, tag: DICOMTags.modality,
                             "is '\(f.modality)' in CT series \(f.seriesUID.isEmpty ? "(blank Series Instance UID)" : f.seriesUID)" + (foreign.count > 1 ? " (\(foreign.count) such files)" : "")
                             + "; a series mixing modalities is not imported: remove the non-CT files from the folder")
        }
        return try assemble(slices, directory: directory, limits: limits, ignored: ignored, leftOut: leftOut)
    }

    /// The regular, non-hidden files under `directory` and its non-hidden subdirectories at any depth
    /// (symbolic links followed, each directory read once: a link loop ends), sorted by path.
    static func listFiles(_ directory: String) throws -> [String] {
        var files: [String] = []
        var visited = Set<SIMD2<UInt64>>()
        var pending = [directory]
        while let dir = pending.popLast() {
            var info = stat()
            guard stat(dir, &info) == 0 else { throw DICOMError(file: dir, "cannot open directory: \(errnoText())") }
            guard visited.insert(SIMD2(UInt64(info.st_dev), UInt64(info.st_ino))).inserted else { continue }
            guard let handle = opendir(dir) else { throw DICOMError(file: dir, "cannot open directory: \(errnoText())") }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard !name.hasPrefix(".") else { continue }
                let path = dir + "/" + name
                var isDirectory = false
                if isRegularFile(path) {
                    files.append(path)  // a FIFO or device would block the read
                } else if fileExists(path, isDirectory: &isDirectory), isDirectory {
                    pending.append(path)
                }
            }
        }
        return files.sorted()
    }

    /// The slices of the one series to import.
    private static func selectSeries(_ slices: [DICOMSlice], seriesUID: String?, directory: String) throws -> [DICOMSlice] {
        let groups = Dictionary(grouping: slices, by: \.seriesUID)
        if let seriesUID {
            guard let chosen = groups[seriesUID] else {
                throw DICOMError(file: directory, "series \(seriesUID) is not in the directory; found: " + describe(groups))
            }
            return chosen
        }
        guard groups.count == 1 else {
            throw DICOMError(file: directory, "\(groups.count) CT series found, choose one by its Series Instance UID: " + describe(groups))
        }
        return slices
    }

    private static func describe(_ groups: [String: [DICOMSlice]]) -> String {
        groups.keys.sorted().map { uid in
            let g = groups[uid]!
            return "\(uid.isEmpty ? "(blank UID)" : uid) '\(g[0].seriesDescription)' (\(g.count) slices)"
        }.joined(separator: "; ")
    }

    /// Sorts, checks and decodes the slices into a volume on our grid.
    /// `ignored` (may be empty) says which image files of other modalities were left out, for a gap's message.
    private static func assemble(_ unsorted: [DICOMSlice], directory: String, limits: StoreLimits, ignored: String,
                                 leftOut: [String]) throws -> DICOMSeries {
        let first = unsorted[0]
        let iop = DICOMTags.imageOrientationPatient
        guard let rowAxis = axis(of: first.row), let columnAxis = axis(of: first.column), rowAxis.index != columnAxis.index else {
            throw DICOMError(file: first.file.path, tag: iop,
                             "orientation \(DICOMNumberText.list(first.orientation)) is not axial (rows and columns must run along ±x/±y; tilted gantry or sagittal/coronal series are not supported)")
        }
        for s in unsorted {
            guard simd_distance(s.row, first.row) < 1e-4, simd_distance(s.column, first.column) < 1e-4 else {
                throw DICOMError(file: s.file.path, tag: iop, "orientation \(DICOMNumberText.list(s.orientation)) differs from \(DICOMNumberText.list(first.orientation)) in \(first.file.path)")
            }
            if let (tag, difference) = s.pixel.difference(from: first.pixel) {
                throw DICOMError(file: s.file.path, tag: tag, "\(difference) in \(first.file.path): image pixel attributes differ within the series")
            }
            guard simd_distance(SIMD3(s.pixelSpacingMM.x, s.pixelSpacingMM.y, 0), SIMD3(first.pixelSpacingMM.x, first.pixelSpacingMM.y, 0)) < 1e-4 else {
                throw DICOMError(file: s.file.path, tag: DICOMTags.pixelSpacing, "pixel spacing differs from \(first.file.path)")
            }
        }
        // Axial: the slice normal is ±z; slices are ordered by increasing z.
        let normal = SIMD3<Double>(0, 0, 1)
        let slices = unsorted.sorted { ($0.position * normal).sum() < ($1.position * normal).sum() }
        let depth = slices.map { ($0.position * normal).sum() }
        let spacingZ = try checkSpacing(slices, depth: depth, normal: normal, ignored: ignored)
        let (rows, columns) = (first.pixel.rows, first.pixel.columns)
        let (total, overflow) = (rows * columns).multipliedReportingOverflow(by: slices.count)
        guard !overflow, total <= limits.maxVoxels else {
            throw DICOMError(file: directory, "series of \(columns)×\(rows)×\(slices.count) voxels exceeds the limit of \(limits.maxVoxels) (StoreLimits.maxVoxels)")
        }
        // Voxel (column i, row j) of slice k lies at position + i·Δc·row + j·Δr·column.
        var size = [0, 0, slices.count]
        var spacing = SIMD3<Double>(0, 0, spacingZ)
        size[rowAxis.index] = columns
        size[columnAxis.index] = rows
        spacing[rowAxis.index] = first.pixelSpacingMM.y
        spacing[columnAxis.index] = first.pixelSpacingMM.x
        var origin = slices[0].position
        if rowAxis.sign < 0 { origin[rowAxis.index] -= Double(columns - 1) * first.pixelSpacingMM.y }
        if columnAxis.sign < 0 { origin[columnAxis.index] -= Double(rows - 1) * first.pixelSpacingMM.x }
        let grid: Grid
        do { grid = try Grid(nx: size[0], ny: size[1], nz: size[2], spacingMM: spacing, originMM: origin) } catch {
            throw DICOMError(file: directory, "\(error)")
        }
        var hu = [Int16](repeating: 0, count: grid.voxelCount)
        for (k, slice) in slices.enumerated() {
            let file = try DICOMFile.read(path: slice.file.path)
            let values = try DICOMPixelDecoder.storedValues(file.dataSet, syntax: file.transferSyntax, pixel: slice.pixel)
            for j in 0..<rows {
                for i in 0..<columns {
                    var voxel = [0, 0, k]
                    voxel[rowAxis.index] = rowAxis.sign > 0 ? i : columns - 1 - i
                    voxel[columnAxis.index] = columnAxis.sign > 0 ? j : rows - 1 - j
                    let value = (Double(values[j * columns + i]) * slice.slope + slice.intercept).rounded()
                    guard value >= Double(Int16.min), value <= Double(Int16.max) else {
                        let intercept = abs(slice.intercept) > Double(Int16.max)
                        throw DICOMError(file: slice.file.path, tag: intercept ? DICOMTags.rescaleIntercept : DICOMTags.rescaleSlope,
                                         "HU \(value) (stored \(values[j * columns + i]) × slope \(slice.slope) + intercept \(slice.intercept)) "
                                         + "at row \(j), column \(i) does not fit Int16 (-32768...32767)")
                    }
                    hu[grid.index(voxel[0], voxel[1], voxel[2])] = Int16(value)
                }
            }
        }
        let d = first.file.dataSet
        let frames = Set(slices.map { $0.file.dataSet.string(DICOMTags.frameOfReferenceUID) ?? "" })
        guard frames.count == 1 else {
            throw DICOMError(file: directory, tag: DICOMTags.frameOfReferenceUID, "slices have different frames of reference: \(frames.sorted())")
        }
        let position = d.string(DICOMTags.patientPosition) ?? ""
        if !position.isEmpty, let problem = CaseFile.orientationProblem(position) {
            throw DICOMError(file: first.file.path, tag: DICOMTags.patientPosition, problem)
        }
        return DICOMSeries(
            ct: try CTVolume(grid: grid, voxels: hu),
            frameOfReferenceUID: frames.first!,
            studyInstanceUID: d.string(DICOMTags.studyInstanceUID) ?? "",
            seriesInstanceUID: first.seriesUID,
            seriesDescription: first.seriesDescription,
            patientID: d.string(DICOMTags.patientID) ?? "",
            patientName: d.string(DICOMTags.patientName) ?? "",
            patientPosition: position,
            imageOrientationPatient: first.orientation,
            sopClassUID: nonEmpty(d.string(DICOMTags.sopClassUID)) ?? first.file.meta.string(DICOMTags.mediaStorageSOPClassUID) ?? "",
            sopInstanceUIDs: slices.map { nonEmpty($0.file.dataSet.string(DICOMTags.sopInstanceUID)) ?? $0.file.meta.string(DICOMTags.mediaStorageSOPInstanceUID) ?? "" },
            transferSyntax: first.file.transferSyntax,
            leftOut: leftOut)
    }

    /// The slice spacing; throws on duplicates, gaps, non-uniform spacing or in-plane shifts.
    private static func checkSpacing(_ slices: [DICOMSlice], depth: [Double], normal: SIMD3<Double>, ignored: String) throws -> Double {
        let ipp = DICOMTags.imagePositionPatient
        if slices.count == 1 {
            guard let thickness = try slices[0].file.dataSet.decimals(DICOMTags.sliceThickness)?.first, thickness > 0 else {
                throw DICOMError(file: slices[0].file.path, tag: DICOMTags.sliceThickness, "a single-slice series needs a positive slice thickness")
            }
            return thickness
        }
        let steps = (1..<depth.count).map { depth[$0] - depth[$0 - 1] }
        for (n, step) in steps.enumerated() where step < 1e-3 {
            throw DICOMError(file: slices[n + 1].file.path, tag: ipp, "duplicate slice position \(DICOMNumberText.vector(slices[n + 1].position)) mm (also in \(slices[n].file.path))")
        }
        let spacing = steps.sorted()[steps.count / 2]
        for (n, step) in steps.enumerated() where abs(step - spacing) > 0.01 * spacing {
            let kind = step > 1.5 * spacing ? "gap" : "non-uniform spacing"
            throw DICOMError(file: slices[n + 1].file.path, tag: ipp,
                             "\(kind): slice is \(DICOMNumberText.number(step)) mm from the previous one (\(slices[n].file.path)), the series spacing is \(DICOMNumberText.number(spacing)) mm (tolerance 1 %)"
                             + (kind == "gap" && !ignored.isEmpty ? "; \(ignored) (another series?)" : ""))
        }
        let reference = slices[0].position - depth[0] * normal
        let tolerance = 0.1 * min(slices[0].pixelSpacingMM.x, slices[0].pixelSpacingMM.y)
        for (n, s) in slices.enumerated() {
            let shift = simd_distance(s.position - depth[n] * normal, reference)
            guard shift <= tolerance else {
                throw DICOMError(file: s.file.path, tag: ipp, "slice origin is shifted in-plane by \(DICOMNumberText.number(shift)) mm from the first slice (tilted gantry?); tolerance \(DICOMNumberText.number(tolerance)) mm")
            }
        }
        return spacing
    }

    /// The axis (0 x, 1 y) and sign of a direction along ±x or ±y, nil otherwise.
    private static func axis(of v: SIMD3<Double>) -> (index: Int, sign: Double)? {
        for a in 0..<2 where abs(abs(v[a]) - 1) < 1e-3 && abs(v[1 - a]) < 1e-3 && abs(v.z) < 1e-3 {
            return (a, v[a] > 0 ? 1 : -1)
        }
        return nil
    }

    private static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }

    private static func simd_distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
        ((a - b) * (a - b)).sum().squareRoot()
    }
}
