import ArgumentParser
import Core
import Foundation
import Planning
import Registry
import Store

/// `rtcluster case add|list|show`: the case registry.
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Register and inspect cases (a CT with optional structures).",
        discussion: helpText("""
        Examples:
          rtcluster case add thorax.h5 --id thorax-7 --site hospital-a
          rtcluster case list --json
          rtcluster case show thorax-7
        """),
        subcommands: [CaseAddCommand.self, CaseListCommand.self, CaseShowCommand.self]
    )
}

/// `rtcluster case add FILE`: validates a CT and copies it into the store as a case file.
struct CaseAddCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Register a CT (DICOM series folder, HDF5 case file or NIfTI-1 .nii/.nii.gz) as a case.",
        discussion: helpText("""
        The input is validated completely (layout, dtypes, dimensions, spacing, NaN, size limit),
        then written into the store as an HDF5 case file; the registry records its SHA-256.
        Nothing is registered when any check fails.
        Examples:
          rtcluster case add thorax.h5 --id thorax-7 --site hospital-a
          rtcluster case add ct.nii.gz --id patient-0042 --json
          rtcluster case add dicom/ --id patient-0043 --series 1.2.840.113619.2.55.3
        """)
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "CT: a DICOM series folder, an .h5 case file or a .nii / .nii.gz image.") var file: String
    @Option(help: "Case id (default: the file name without extension).") var id: String?
    @Option(help: "Site (hospital) the case comes from.") var site = "default"
    @Option(help: "Largest accepted CT in voxels (1-\(StoreLimits.defaultMaxVoxels)).") var maxVoxels = StoreLimits.defaultMaxVoxels
    @Option(help: "DICOM only: the Series Instance UID to import when the folder holds several series.") var series: String?

    func validate() throws {
        guard (1...StoreLimits.defaultMaxVoxels).contains(maxVoxels) else {
            throw ValidationError("--max-voxels must be between 1 and \(StoreLimits.defaultMaxVoxels) (2^30), got \(maxVoxels)")
        }
    }

    func execute() throws {
        let caseID = id ?? Self.defaultID(for: file)
        try Identifier.validate(caseID, as: .caseID)
        try Identifier.validate(site, as: .site)
        let data = global.dataDirectory
        let registry = try data.openRegistry()
        if (try? registry.caseRecord(id: caseID)) != nil { throw RegistryError.duplicateCase(caseID) }

        let caseFile = try Self.load(file, seriesUID: series, limits: StoreLimits(maxVoxels: maxVoxels))
        for structure in caseFile.structures {
            guard let json = structure.objectivesJSON else { continue }
            do {
                _ = try PlanObjectives.parse(json: json, structure: structure.name)
            } catch {
                throw CLIError.invalidInput("\(file): \(error)")
            }
        }
        let target = data.caseFileURL(id: caseID).deletingLastPathComponent()
        try CaseStaging.removeStale(in: data, registry: registry)
        let staging = try CaseStaging.begin(id: caseID, in: data)
        let record: CaseRecord
        do {
            let staged = staging.directory.appendingPathComponent("case.h5")
            try caseFile.write(to: staged.path)
            let sha256 = try SHA256.hex(ofFile: staged)
            try Self.place(staging, at: target, id: caseID, data: data, registry: registry)
            do {
                let relative = String(data.caseFileURL(id: caseID).path.dropFirst(data.root.path.count + 1))
                record = try registry.addCase(CaseRecord(
                    id: caseID, site: site, created: Date(), casePath: relative, sha256: sha256, grid: caseFile.ct.grid,
                    structures: caseFile.structures.map(\.name)
                ))
            } catch {
                // The directory is this process's own (`place` moved it there): back into staging, which `abandon` removes.
                staging.moveBack(from: target)
                throw error
            }
        } catch {
            staging.abandon()
            throw error
        }
        staging.finish(target)
        let view = CaseView(record, dataDirectory: data)
        if global.json { return try Output.json(view) }
        print("case \(view.id) registered: \(caseFile.ct.grid), \(view.structures.count) structures")
    }

    /// Moves the staged case directory to `target` (`store/cases/<id>`): `rename` is atomic, so of two concurrent
    /// `case add` runs with one id exactly one succeeds, and the other deletes nothing of it. A directory left there by
    /// an interrupted run (its marker's lock free, no registry row) is removed first; any other existing directory
    /// is refused.
    static func place(_ staging: CaseStaging, at target: URL, id: String, data: DataDirectory, registry: Registry) throws {
        if try staging.moveInto(target) { return }
        // Under the sweep lock: the directory may be gone by now (removed as abandoned by another run, or by its own
        // run after a failed registry write), or be abandoned and removable.
        let placed = try CaseStaging.sweeping(in: data) {
            let gone = !FileManager.default.fileExists(atPath: target.path)
            return try (gone || CaseStaging.removeIfAbandoned(target, id: id, in: data, registry: registry)) && staging.moveInto(target)
        }
        if placed { return }
        // A concurrent add of the same id registers within moments of its move (or gives up and removes it); wait up
        // to 5 s for either.
        for _ in 0..<50 {
            if (try? registry.caseRecord(id: id)) != nil { throw RegistryError.duplicateCase(id) }
            if try staging.moveInto(target) { return }
            usleep(100_000)
        }
        throw CLIError.invalidInput("case \"\(id)\": the store already holds \(target.path) but the registry has no such case (not left by an interrupted case add of this version); remove the directory or choose another case id")
    }

    /// Reads a DICOM CT series, an HDF5 case file or a NIfTI CT.
    static func load(_ path: String, seriesUID: String?, limits: StoreLimits) throws -> CaseFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError.notFound("no such file: \(path)")
        }
        if isDirectory.boolValue {
            let dicom = try DICOMImport.readCTSeries(directory: path, seriesUID: seriesUID, limits: limits)
            for line in dicom.leftOut { Output.stderr("notice: \(path): \(line)") }
            return try CaseFile(ct: dicom.ct, structures: [], orientation: dicom.patientPosition.isEmpty ? "HFS" : dicom.patientPosition,
                                frameOfReferenceUID: dicom.frameOfReferenceUID, seriesIdentity: CTSeriesIdentity(series: dicom), source: path)
        }
        if seriesUID != nil { throw CLIError.invalidInput("--series applies to DICOM folders only; \(path) is a file") }
        try InputPath.requireRegularFile(path, what: "CT file")
        let lower = path.lowercased()
        if lower.hasSuffix(".nii") || lower.hasSuffix(".nii.gz") {
            let ct = try NIfTIImport.readCT(path: path, limits: limits)
            return try CaseFile(ct: ct, structures: [], source: path)
        }
        if lower.hasSuffix(".h5") || lower.hasSuffix(".hdf5") {
            return try CaseFile.read(path: path, limits: limits)
        }
        throw CLIError.invalidInput("\(path): unknown file type; expected .h5, .hdf5, .nii or .nii.gz")
    }

    /// The file name without directory and extension(s).
    static func defaultID(for path: String) -> String {
        var name = URL(fileURLWithPath: path).lastPathComponent
        for ext in [".nii.gz", ".nii", ".hdf5", ".h5"] where name.lowercased().hasSuffix(ext) {
            name = String(name.dropLast(ext.count))
            break
        }
        return name
    }
}

/// `rtcluster case list`.
struct CaseListCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List registered cases, oldest first.",
        discussion: helpText("""
        Example:
          rtcluster case list --site hospital-a --json
        """)
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only cases of this site.") var site: String?

    func execute() throws {
        let data = global.dataDirectory
        let cases = try data.openExistingRegistry(readOnly: true).cases(site: site).map { CaseView($0, dataDirectory: data) }
        if global.json { return try Output.json(cases) }
        Output.table(["CASE", "SITE", "DIMS", "SPACING MM", "STRUCTURES", "CREATED"], cases.map {
            [$0.id, $0.site, $0.dims.map(String.init).joined(separator: "×"),
             $0.spacingMM.map { String(format: "%g", $0) }.joined(separator: "×"),
             String($0.structures.count), $0.created.isoText]
        })
    }
}

/// `rtcluster case show ID`.
struct CaseShowCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a case: geometry, structures, file fingerprint and its jobs.",
        discussion: helpText("""
        Example:
          rtcluster case show thorax-7
        """)
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Case id.") var id: String

    func execute() throws {
        let data = global.dataDirectory
        let registry = try data.openExistingRegistry(readOnly: true)
        let view = CaseView(try registry.caseRecord(id: id), dataDirectory: data)
        let jobs = try registry.jobs(caseID: id).map { JobView($0) }
        if global.json { return try Output.json(CaseDetail(case: view, jobs: jobs)) }
        print("case        \(view.id)")
        print("site        \(view.site)")
        print("created     \(view.created.isoText)")
        print("dims        \(view.dims.map(String.init).joined(separator: " × ")) voxels")
        print("spacing     \(view.spacingMM.map { String(format: "%g", $0) }.joined(separator: " × ")) mm")
        // A name holding a comma or quote is shown quoted, so the list reads unambiguously (`--json` gives the raw names).
        let names = view.structures.map { $0.contains(where: { $0 == "," || $0 == "\"" }) ? StructureName.shown($0) : $0 }
        print("structures  \(names.isEmpty ? "-" : names.joined(separator: ", "))")
        print("file        \(view.caseFile)")
        print("sha256      \(view.sha256)")
        if !jobs.isEmpty { print(""); printJobTable(jobs) }
    }
}

/// JSON shape of `case show --json`.
struct CaseDetail: Encodable {
    let `case`: CaseView
    let jobs: [JobView]
}
