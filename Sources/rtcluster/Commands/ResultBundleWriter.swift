import Core
import Foundation
import Jobs
import Registry
import Report
import Store

/// Reads a job's result and case files, makes the bundle with ``ResultBundle`` (plus the DICOM
/// exports) and writes it atomically: a temporary sibling directory renamed to the target at the end.
struct ResultBundleWriter {
    let job: JobRecord
    let caseRecord: CaseRecord
    let resultURL: URL
    let caseURL: URL
    let includesDICOM: Bool

    /// Every file name a bundle may hold; a directory holding only these may be replaced.
    static let bundleNames: Set<String> = ["result.h5", "axial.png", "coronal.png", "sagittal.png", "dvh.csv", "metrics.json",
                                           "report.html", "RTDOSE.dcm", "RTSTRUCT.dcm"]

    /// Writes the bundle into `directory`; returns the paths written, sorted.
    func write(to directory: URL) throws -> [String] {
        let fm = FileManager.default
        let target = directory.standardizedFileURL
        try checkReplaceable(target)
        let parent = target.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).tmp-\(getpid())", isDirectory: true)
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        do {
            let names = try fill(staging)
            let previous = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(getpid())", isDirectory: true)
            let replacing = fm.fileExists(atPath: target.path)
            if replacing { try fm.moveItem(at: target, to: previous) }
            guard rename(staging.path, target.path) == 0 else {
                let reason = String(cString: strerror(errno))
                if replacing { try? fm.moveItem(at: previous, to: target) }
                throw CLIError.internalError("cannot move the bundle into \(target.path): \(reason)")
            }
            if replacing { try? fm.removeItem(at: previous) }
            return names.sorted().map { target.appendingPathComponent($0).path }
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }

    /// Refuses a target that exists and holds anything but an earlier bundle.
    private func checkReplaceable(_ target: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw CLIError.invalidInput("--out \(target.path) exists and is not a directory") }
        let foreign = try FileManager.default.contentsOfDirectory(atPath: target.path).filter { !Self.bundleNames.contains($0) }
        guard foreign.isEmpty else {
            throw CLIError.invalidInput("--out \(target.path) holds files that are not part of a result bundle (\(foreign.sorted().prefix(3).joined(separator: ", "))); choose a new or empty directory")
        }
    }

    /// Writes every file of the bundle into `directory`; returns their names.
    private func fill(_ directory: URL) throws -> [String] {
        let result = try ResultFile.read(path: resultURL.path, sparseMatrices: false)
        let caseFile = try CaseFile.read(path: caseURL.path)
        let structures = reportStructures(caseFile: caseFile, result: result)
        var input = BundleInput(title: title(), ct: caseFile.ct)
        input.provenance = provenance(result)
        input.doseGy = result.doseGy
        input.structures = structures
        input.dvhCurves = try dvhCurves(result)
        if case .string(let json)? = result.attributes["metrics_json"] { input.metricsJSON = json }
        if case .doubles(let iso)? = result.attributes["isocentre_mm"], iso.count == 3 { input.isocentreMM = SIMD3(iso[0], iso[1], iso[2]) }
        input.specText = job.spec
        var names: [String] = []
        for file in try ResultBundle.make(input) {
            try Data(file.bytes).write(to: directory.appendingPathComponent(file.name))
            names.append(file.name)
        }
        try FileManager.default.copyItem(at: resultURL, to: directory.appendingPathComponent("result.h5"))
        names.append("result.h5")
        if includesDICOM { names += try writeDICOM(into: directory, caseFile: caseFile, dose: result.doseGy, structures: structures) }
        return names
    }

    /// Case structures, then segmentation masks (a name already taken gets " (auto)", then " (auto 2)"... so every
    /// shown and exported name is distinct), coloured in order.
    private func reportStructures(caseFile: CaseFile, result: ResultFile) -> [ReportStructure] {
        var named: [(String, MaskVolume)] = caseFile.structures.map { ($0.name, $0.mask) }
        var taken = Set(named.map(\.0))
        for name in result.segmentation.keys.sorted() {
            var shown = name, n = 0
            while taken.contains(shown) {
                n += 1
                shown = name + (n == 1 ? " (auto)" : " (auto \(n))")
            }
            taken.insert(shown)
            named.append((shown, result.segmentation[name]!))
        }
        return named.enumerated().map { ReportStructure(name: $1.0, mask: $1.1, colour: RGBColour.structure($0)) }
    }

    /// The `/dvh/<structure>` tables of a plan result ([bins, 2] float64: dose_gy, volume_pct).
    private func dvhCurves(_ result: ResultFile) throws -> [DVHCurve] {
        try result.arrays.keys.sorted().filter { $0.hasPrefix("/dvh/") }.map { path in
            let array = result.arrays[path]!
            guard array.shape.count == 2, array.shape[1] == 2, case .float64(let v) = array.values else {
                throw CLIError.invalidInput("\(resultURL.path): \(path) is not a [bins, 2] float64 DVH table (shape \(array.shape))")
            }
            let rows = array.shape[0]
            return try DVHCurve(structure: String(path.dropFirst(5)), doseGy: (0..<rows).map { v[2 * $0] }, volumePct: (0..<rows).map { v[2 * $0 + 1] })
        }
    }

    private func title() -> String {
        let name = (try? JobSpec.parse(yaml: job.spec))?.name
        return "Job \(job.id) (\(job.kind)) on case \(job.caseID)" + (name.map { ": \($0)" } ?? "")
    }

    private func provenance(_ result: ResultFile) -> [(label: String, value: String)] {
        func attribute(_ key: String) -> String? {
            switch result.attributes[key] {
            case .string(let s)?: return s
            case .int(let v)?: return String(v)
            case .double(let v)?: return String(v)
            default: return nil
            }
        }
        let spec = try? JobSpec.parse(yaml: job.spec)
        var rows: [(label: String, value: String)] = [
            ("job", "\(job.id)"), ("kind", job.kind), ("case", job.caseID), ("case SHA-256", caseRecord.sha256),
            ("spec name", spec?.name ?? "-"), ("seed", attribute("seed") ?? spec.map { String($0.seed) } ?? "-"),
            ("software version", attribute("software_version") ?? "-"), ("report by", "rtcluster \(RTClusterVersion.string)"),
        ]
        if let finished = job.finishedAt { rows.append(("finished", finished.isoText)) }
        if let ranks = attribute("ranks") { rows.append(("ranks", ranks)) }
        if case .double(let wall)? = result.attributes["wall_seconds"] { rows.append(("wall time (s)", String(format: "%.3f", wall))) }
        return rows
    }

    /// RTDOSE.dcm (when there is a dose) and RTSTRUCT.dcm (non-empty structures on the CT grid).
    private func writeDICOM(into directory: URL, caseFile: CaseFile, dose: DoseVolume?, structures: [ReportStructure]) throws -> [String] {
        let identity = caseFile.seriesIdentity ?? CTSeriesIdentity(
            patientID: caseRecord.id, patientName: caseRecord.id, studyInstanceUID: "", seriesInstanceUID: "",
            sopClassUID: "", sopInstanceUIDs: [])
        let reference = DICOMReference(identity: identity, frameOfReferenceUID: caseFile.frameOfReferenceUID,
                                       fallbackName: "rtcluster-case/\(caseRecord.id)/\(caseRecord.sha256)")
        var names: [String] = []
        if let dose {
            try RTDoseWriter(reference: reference, seriesDescription: "rtcluster job \(job.id) dose")
                .write(dose, to: directory.appendingPathComponent("RTDOSE.dcm").path)
            names.append("RTDOSE.dcm")
        }
        let rois = structures.compactMap { s -> RTStructROI? in
            let mask = MaskResampler.nearest(s.mask, onto: caseFile.ct.grid)
            guard mask.voxels.contains(where: { $0 != 0 }) else { return nil }
            let type = ["ptv", "ctv", "gtv"].first { s.name.lowercased().hasPrefix($0) }?.uppercased() ?? (s.name.lowercased() == "body" ? "EXTERNAL" : "ORGAN")
            return RTStructROI(name: s.name, mask: mask, interpretedType: type, colorRGB: SIMD3(s.colour.red, s.colour.green, s.colour.blue))
        }
        if !rois.isEmpty {
            try RTStructWriter(reference: reference, label: "job \(job.id)", seriesDescription: "rtcluster job \(job.id) structures")
                .write(rois, to: directory.appendingPathComponent("RTSTRUCT.dcm").path)
            names.append("RTSTRUCT.dcm")
        } else {
            Output.stderr(structures.isEmpty ? "note: no RTSTRUCT.dcm: the result has no structures"
                                             : "note: no RTSTRUCT.dcm: none of the result's \(structures.count) structures has a voxel on the CT grid")
        }
        return names
    }
}
