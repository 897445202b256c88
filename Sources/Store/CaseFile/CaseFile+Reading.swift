import CHDF5
import Core

extension CaseFile {
    /// Reads and validates a whole case file: `/ct/hu` int16 rank 3, geometry attributes
    /// (finite positive spacing; `/ct` and root agree), every structure uint8 with the CT's
    /// dimensions, element counts within `limits` (checked before allocating), schema ≤ 1.
    public static func read(path: String, limits: StoreLimits = StoreLimits()) throws -> CaseFile {
        let file = try H5File.open(path)
        defer { file.close() }
        let (layout, ct) = try readCT(in: file, limits: limits, includeStructures: true)
        var structures: [Structure] = []
        if !layout.structureNames.isEmpty {
            let group = try file.openGroup("structures")
            defer { group.close() }
            for name in layout.structureNames {
                let dataset = try group.openDataset(name)
                defer { dataset.close() }
                let mask = try VolumeIO.read(dataset, UInt8.self, grid: layout.grid, limits: limits)
                structures.append(Structure(
                    name: name, mask: mask,
                    voiType: dataset.hasAttribute("voi_type") ? try dataset.readString("voi_type") : nil,
                    overlapPriority: dataset.hasAttribute("overlap_priority") ? try dataset.readInt("overlap_priority") : nil,
                    objectivesJSON: dataset.hasAttribute("objectives_json") ? try dataset.readString("objectives_json") : nil))
            }
        }
        return try CaseFile(ct: ct, structures: structures, orientation: layout.orientation, frameOfReferenceUID: layout.frameOfReferenceUID,
                            seriesIdentity: try seriesIdentity(in: file), source: file.file)
    }

    /// Reads and validates `/ct/hu` and the geometry like ``read(path:limits:)``, without the
    /// structures (their masks are neither read nor checked): for jobs that need only the CT.
    public static func readCT(path: String, limits: StoreLimits = StoreLimits()) throws -> CTVolume {
        let file = try H5File.open(path)
        defer { file.close() }
        return try readCT(in: file, limits: limits, includeStructures: false).ct
    }

    /// The checked layout of `file` (structures too when `includeStructures`) and its `/ct/hu`.
    private static func readCT(in file: H5File, limits: StoreLimits, includeStructures: Bool) throws -> (layout: CaseLayout, ct: CTVolume) {
        let layout = try CaseLayout.inspect(file, limits: limits, includeStructures: includeStructures)
        let hu = try CaseLayout.openCT(file)
        defer { hu.close() }
        return (layout, try VolumeIO.read(hu, Int16.self, grid: layout.grid, limits: limits))
    }

    /// The optional DICOM identity attributes of the root (see ``CTSeriesIdentity``).
    private static func seriesIdentity(in file: H5File) throws -> CTSeriesIdentity? {
        guard file.hasAttribute("study_instance_uid") else { return nil }
        func text(_ name: String) throws -> String { file.hasAttribute(name) ? try file.readString(name) : "" }
        var uids = ""
        let ctGroup = try file.openGroup("ct")
        defer { ctGroup.close() }
        if ctGroup.contains("sop_instance_uids") {
            let dataset = try ctGroup.openDataset("sop_instance_uids")
            defer { dataset.close() }
            uids = String(decoding: try dataset.read(UInt8.self, limit: 1 << 24), as: UTF8.self)
        }
        return CTSeriesIdentity(patientID: try text("patient_id"), patientName: try text("patient_name"),
                                studyInstanceUID: try text("study_instance_uid"), seriesInstanceUID: try text("series_instance_uid"),
                                sopClassUID: try text("sop_class_uid"),
                                sopInstanceUIDs: uids.isEmpty ? [] : uids.split(separator: "\\", omittingEmptySubsequences: false).map(String.init))
    }

    /// Reads slices `zRange` of `/ct/hu` (only the chunks holding them, inflated on several threads:
    /// ``H5Dataset/readVolume(_:limit:zRange:threads:)``; else an HDF5 hyperslab) as a volume on the
    /// slab's grid (origin moved to slice `zRange.lowerBound`). `threads` bounds the inflating threads
    /// (default: the online cores, at most 4).
    public static func readCTSlab(path: String, zRange: Range<Int>, limits: StoreLimits = StoreLimits(),
                                  threads: Int? = nil) throws -> CTVolume {
        let file = try H5File.open(path)
        defer { file.close() }
        let layout = try CaseLayout.inspect(file, limits: StoreLimits(maxVoxels: Int.max), includeStructures: false)
        guard zRange.lowerBound >= 0, zRange.upperBound <= layout.grid.nz, !zRange.isEmpty else {
            throw StoreError.invalid(file: path, object: "/ct/hu", reason: "slices \(zRange) requested, the CT has 0..<\(layout.grid.nz)")
        }
        let hu = try CaseLayout.openCT(file)
        defer { hu.close() }
        let voxels = try hu.readVolume(Int16.self, limit: limits.maxVoxels, zRange: zRange, threads: max(1, threads ?? H5Dataset.chunkThreads))
        return try CTVolume(grid: layout.grid.slab(zRange), voxels: voxels)
    }

    /// The grid of `/ct/hu`, its layout and geometry validated as ``readCT(path:limits:)`` does (structures are
    /// not opened), without reading voxel data.
    public static func ctGrid(path: String, limits: StoreLimits = StoreLimits()) throws -> Grid {
        let file = try H5File.open(path)
        defer { file.close() }
        return try CaseLayout.inspect(file, limits: limits, includeStructures: false).grid
    }

    /// Every structure's stored `objectives_json` (nil when absent) and, for the structures named in `counted`, its
    /// voxel count; validated like ``read(path:limits:)`` but without the CT's voxels or any other mask.
    public static func structureFacts(path: String, countingVoxelsOf counted: Set<String>, limits: StoreLimits = StoreLimits()) throws -> [StructureFacts] {
        let file = try H5File.open(path)
        defer { file.close() }
        let layout = try CaseLayout.inspect(file, limits: limits, includeStructures: true)
        guard !layout.structureNames.isEmpty else { return [] }
        let group = try file.openGroup("structures")
        defer { group.close() }
        return try layout.structureNames.map { name in
            let dataset = try group.openDataset(name)
            defer { dataset.close() }
            var voxels: Int?
            if counted.contains(name) {
                let mask = try VolumeIO.read(dataset, UInt8.self, grid: layout.grid, limits: limits)
                voxels = mask.withUnsafeBufferPointer { $0.reduce(0) { $0 &+ ($1 != 0 ? 1 : 0) } }
            }
            return StructureFacts(name: name, voxelCount: voxels,
                                  objectivesJSON: dataset.hasAttribute("objectives_json") ? try dataset.readString("objectives_json") : nil)
        }
    }

    /// Geometry, structure names, schema and orientation, validated like ``read(path:limits:)``
    /// but without reading voxel data.
    public static func summary(path: String, limits: StoreLimits = StoreLimits()) throws -> CaseSummary {
        let file = try H5File.open(path)
        defer { file.close() }
        let layout = try CaseLayout.inspect(file, limits: limits, includeStructures: true)
        return CaseSummary(schema: layout.schema, grid: layout.grid, structureNames: layout.structureNames,
                           orientation: layout.orientation, frameOfReferenceUID: layout.frameOfReferenceUID)
    }
}

/// The validated metadata of an open case file.
struct CaseLayout {
    let schema: Int
    let grid: Grid
    let structureNames: [String]
    let orientation: String
    let frameOfReferenceUID: String?

    /// Opens `/ct/hu` (the caller closes it).
    static func openCT(_ file: H5File) throws -> H5Dataset {
        let group = try file.openGroup("ct")
        defer { group.close() }
        return try group.openDataset("hu")
    }

    /// Checks schema, `/ct/hu` type/rank/size, geometry and (optionally) every structure's type and dims.
    static func inspect(_ file: H5File, limits: StoreLimits, includeStructures: Bool) throws -> CaseLayout {
        let schema = file.hasAttribute("schema") ? try file.readInt("schema") : 1
        guard (1...CaseFile.schemaVersion).contains(schema) else {
            throw file.invalid("case schema version \(schema) is not supported (this build reads 1...\(CaseFile.schemaVersion))", object: "/ attribute schema")
        }
        let ctGroup = try file.openGroup("ct")
        defer { ctGroup.close() }
        let hu = try ctGroup.openDataset("hu")
        defer { hu.close() }
        let shape = try VolumeIO.checkedShape(hu, Int16.self, limits: limits)
        let grid = try GridAttributes.read(shape: shape, from: [ctGroup, file], file: file.file, object: hu.path)
        let orientation = try firstString("orientation", in: [ctGroup, file]) ?? "HFS"
        if let problem = CaseFile.orientationProblem(orientation) {
            throw file.invalid(problem, object: (ctGroup.hasAttribute("orientation") ? "/ct" : "/") + " attribute orientation")
        }
        let uid = try firstString("frame_of_reference_uid", in: [file, ctGroup])
        var names: [String] = []
        if includeStructures, file.contains("structures") {
            let group = try file.openGroup("structures")
            defer { group.close() }
            for name in try group.childNames() {
                try CaseFile.checkName(name, file: file.file)
                guard try group.childKind(name) == .dataset else {
                    throw group.invalid("is not a dataset (structures are uint8 mask datasets)", object: group.childPath(name))
                }
                let dataset = try group.openDataset(name)
                defer { dataset.close() }
                let maskShape = try VolumeIO.checkedShape(dataset, UInt8.self, limits: limits)
                try VolumeIO.requireShape(maskShape, of: dataset, matches: grid, reference: "/ct/hu")
                names.append(name)
            }
        }
        return CaseLayout(schema: schema, grid: grid, structureNames: names, orientation: orientation, frameOfReferenceUID: uid)
    }

    private static func firstString(_ name: String, in sources: [H5Object]) throws -> String? {
        for source in sources where source.hasAttribute(name) {
            return try source.readString(name)
        }
        return nil
    }
}
