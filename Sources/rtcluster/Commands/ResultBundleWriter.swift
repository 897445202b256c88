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

    /// Every file name a bundle may hold besides the ``marker``.
    static let bundleNames: Set<String> = ["result.h5", "axial.png", "coronal.png", "sagittal.png", "dvh.csv", "fluence.png",
                                           "fluence.csv", "metrics.json", "report.html", "RTDOSE.dcm", "RTSTRUCT.dcm"]
    /// The hidden file that marks a directory as a bundle `results` wrote (and may replace).
    static let marker = ".rtcluster-bundle"
    /// Staging directories older than this are stale even when their pid runs (a reused pid): a bundle takes seconds.
    static let staleStagingSeconds = 3600.0

    /// Writes the bundle into `directory`; returns the paths written, sorted.
    func write(to directory: URL) throws -> [String] {
        let fm = FileManager.default
        let target = directory.standardizedFileURL
        let parent = target.deletingLastPathComponent()
        // First, so that a previous bundle a killed run left as `.old` is back in place before the target is judged.
        Self.removeStaleStaging(in: parent)
        try checkReplaceable(target)
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(Self.stagingName(for: target.lastPathComponent, "tmp"), isDirectory: true)
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        do {
            try Data(Self.markerText(job: job.id, target: target.lastPathComponent).utf8).write(to: staging.appendingPathComponent(Self.marker))
            let names = try fill(staging)
            let previous = parent.appendingPathComponent(Self.stagingName(for: target.lastPathComponent, "old"), isDirectory: true)
            let replacing = fm.fileExists(atPath: target.path)
            // A `.old` of this pid's name is from an earlier process with the same pid (ours is made only here).
            if replacing { try? fm.removeItem(at: previous) }
            if replacing {
                try fm.moveItem(at: target, to: previous)
                // A rename keeps the old bundle's time: stamp it now, so that another run does not judge it stale.
                try? fm.setAttributes([.modificationDate: Date()], ofItemAtPath: previous.path)
            }
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

    /// The ``marker``'s text: the job and the target's name (to put a `.old` back after a run killed mid-replace).
    static func markerText(job: Int64, target: String) -> String {
        "rtcluster result bundle of job \(job)\ntarget: \(target)\n"
    }

    /// `.rtc-<8 hex of the name's SHA-256>-<AtomicFile.hostTag>-<pid>.<suffix>`: short whatever the
    /// target's name (a 255-byte name stays legal), hidden, and recognisable by ``removeStaleStaging(in:)``; the host
    /// part lets a run on another host of a shared file system leave it alone while the pid is alive there.
    static func stagingName(for name: String, _ suffix: String) -> String {
        ".rtc-\(hashPrefix(name, 8))-\(AtomicFile.hostTag)-\(getpid()).\(suffix)"
    }

    static func hashPrefix(_ text: String, _ count: Int) -> String { String(SHA256.hex(of: Array(text.utf8)).prefix(count)) }

    /// Cleans up after `results` runs that were killed (their pid, on this host, is gone or is this process; or they
    /// are older than ``staleStagingSeconds``) in `parent`: only directories named as ``stagingName(for:_:)`` makes
    /// them (or as earlier versions did) that hold only bundle files, the marker and AtomicFile temporaries of bundle
    /// files. A `.old` (the previous bundle, moved aside) whose target is missing is renamed back to it when its
    /// marker (or its name) tells the target; one whose target is unknown is kept; any other is removed.
    static func removeStaleStaging(in parent: URL) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: parent.path) else { return }
        for name in names {
            guard let staging = StagingName(name) else { continue }
            let url = parent.appendingPathComponent(name)
            guard let attributes = try? fm.attributesOfItem(atPath: url.path), attributes[.type] as? FileAttributeType == .typeDirectory,
                  let entries = try? fm.contentsOfDirectory(atPath: url.path), entries.allSatisfy(isBundleEntry) else { continue }
            let age = (attributes[.modificationDate] as? Date).map { Date().timeIntervalSince($0) } ?? 0
            let local = staging.host == nil || staging.host == AtomicFile.hostTag
            let gone = local && (staging.pid == getpid() || (kill(staging.pid, 0) != 0 && errno == ESRCH))
            guard gone || age > staleStagingSeconds else { continue }
            if staging.isOld {
                // The previous bundle: put back when its target is missing; kept when the target is unknown.
                guard let target = restoredTarget(of: url, staging) else { continue }
                let destination = parent.appendingPathComponent(target).path
                if !fm.fileExists(atPath: destination) {
                    _ = rename(url.path, destination)
                    continue
                }
            }
            try? fm.removeItem(at: url)
        }
    }

    /// The target name a `.old` belongs to: from its marker (checked against the name's hash) or an earlier version's
    /// `.<name>.old-<pid>`; nil when unknown.
    static func restoredTarget(of url: URL, _ staging: StagingName) -> String? {
        if let known = staging.target { return known }
        guard let text = try? String(contentsOf: url.appendingPathComponent(marker), encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("target: ") }) else { return nil }
        let target = String(line.dropFirst("target: ".count))
        guard !target.isEmpty, !target.contains("/"), target != ".", target != "..", hashPrefix(target, 8) == staging.nameHash else { return nil }
        return target
    }

    /// True for what a (partial) bundle directory may hold: the marker, a bundle file or an AtomicFile temporary of one
    /// (`.<name>.tmp-<pid>-<host>-<hex>`, the hashed `.rtc-<12 hex>.tmp-…` form, or either without the host).
    static func isBundleEntry(_ entry: String) -> Bool {
        if entry == marker || bundleNames.contains(entry) { return true }
        guard AtomicFile.temporaryWriter(of: entry) != nil, let range = entry.range(of: ".tmp-", options: .backwards) else { return false }
        let base = String(entry[entry.index(after: entry.startIndex)..<range.lowerBound])
        return bundleNames.contains(base) || bundleNames.contains { "rtc-" + hashPrefix($0, 12) == base }
    }

    /// A staging directory's name parsed: the pid, the host hash (nil for names of earlier versions), `.old` or
    /// `.tmp`, and the target's name hash or (earlier versions) the target's name.
    struct StagingName {
        let pid: Int32
        let host: String?
        let isOld: Bool
        let nameHash: String
        let target: String?

        /// Nil when the name is not one of ours.
        init?(_ name: String) {
            let parts = name.split(separator: "-", omittingEmptySubsequences: false)
            func isHex(_ part: Substring, _ count: Int) -> Bool { part.count == count && part.allSatisfy(\.isHexDigit) }
            if name.hasPrefix(".rtc-"), parts.count == 3 || parts.count == 4, isHex(parts[1], 8), parts.count == 3 || isHex(parts[2], 6) {
                guard let last = parts.last, let suffix = [".tmp", ".old"].first(where: { last.hasSuffix($0) }),
                      let pid = Int32(last.dropLast(suffix.count)), pid > 0 else { return nil }
                self.pid = pid
                host = parts.count == 4 ? String(parts[2]) : nil
                isOld = suffix == ".old"
                nameHash = String(parts[1])
                target = nil
                return
            }
            // Earlier versions: `.<name>.tmp-<pid>` and `.<name>.old-<pid>`.
            guard name.hasPrefix("."), let dash = name.lastIndex(of: "-") else { return nil }
            let head = name[..<dash]
            guard head.count > 5, head.hasSuffix(".tmp") || head.hasSuffix(".old"), let pid = Int32(name[name.index(after: dash)...]), pid > 0 else { return nil }
            let target = String(head.dropFirst().dropLast(4))
            self.pid = pid
            host = nil
            isOld = head.hasSuffix(".old")
            nameHash = ResultBundleWriter.hashPrefix(target, 8)
            self.target = target
        }
    }

    /// Refuses a target that exists and is not an empty directory or a bundle written by `results`.
    private func checkReplaceable(_ target: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw CLIError.invalidInput("--out \(target.path) exists and is not a directory") }
        let names = try FileManager.default.contentsOfDirectory(atPath: target.path)
        guard !names.isEmpty, !Self.isBundle(target, names: names) else { return }
        let foreign = names.filter { $0 != Self.marker && !Self.bundleNames.contains($0) }.sorted()
        let detail = foreign.isEmpty ? "no \(Self.marker) marker and no result.h5 of rtcluster"
                                     : "it holds \(foreign.prefix(3).joined(separator: ", "))\(foreign.count > 3 ? "…" : "")"
        throw CLIError.invalidInput("--out \(target.path) is not empty and is not a result bundle (\(detail)); choose a new or empty directory")
    }

    /// True for a directory holding only bundle files, with the ``marker`` or (bundles written before it) a result.h5
    /// carrying rtcluster's provenance attributes.
    static func isBundle(_ directory: URL, names: [String]) -> Bool {
        guard names.allSatisfy({ $0 == marker || bundleNames.contains($0) }) else { return false }
        if names.contains(marker) { return true }
        guard names.contains("result.h5"),
              let attributes = try? ResultFile.readAttributes(path: directory.appendingPathComponent("result.h5").path) else { return false }
        return attributes["job_id"] != nil && attributes["software_version"] != nil
    }

    /// Writes every file of the bundle into `directory`; returns their names.
    private func fill(_ directory: URL) throws -> [String] {
        let result = try ResultFile.read(path: resultURL.path, sparseMatrices: false)
        try checkStructureNames(result)
        let caseFile = try CaseFile.read(path: caseURL.path)
        let structures = reportStructures(caseFile: caseFile, result: result)
        var input = BundleInput(title: title(), ct: caseFile.ct)
        input.provenance = provenance(result)
        input.doseGy = result.doseGy
        input.structures = structures
        input.dvhCurves = try dvhCurves(result)
        input.fluence = fluenceMaps(result)
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

    /// Refuses (65) a result whose segmentation masks or DVH tables carry a name outside Core's structure-name rule, before
    /// anything is drawn or exported (the DICOM export would fail on it midway).
    private func checkStructureNames(_ result: ResultFile) throws {
        let named = result.segmentation.keys.map { ("/segmentation/" + $0, $0) }
            + result.arrays.keys.filter { $0.hasPrefix("/dvh/") }.map { ($0, String($0.dropFirst(5))) }
        for (path, name) in named.sorted(by: { $0.0 < $1.0 }) {
            if let problem = StructureName.problem(name) {
                throw CLIError.invalidInput("\(resultURL.path): \(StructureName.shown(path)): \(problem)")
            }
        }
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

    /// The per-beam fluence maps of a dose or plan result from `/plan/beams`, `/plan/beamlets` and `/plan/weights`; none
    /// when the result has no beams or predates `/plan/beamlets`. Arrays that do not fit together cost the bundle its
    /// fluence files only (a notice on stderr names the problem): the dose, DVH and report are still written.
    private func fluenceMaps(_ result: ResultFile) -> [FluenceMap] {
        guard let beams = result.arrays["/plan/beams"], let beamlets = result.arrays["/plan/beamlets"],
              let weights = result.arrays["/plan/weights"] else { return [] }
        guard case .float64(let b) = beams.values, case .float64(let x) = beamlets.values, case .float64(let w) = weights.values,
              beams.shape.count == 2, beams.shape[1] == 4, beamlets.shape.count == 2, beamlets.shape[1] == 4, weights.shape.count == 1 else {
            Output.stderr("notice: \(resultURL.path): /plan/beams, /plan/beamlets or /plan/weights is not float64 of shape [beams, 4], [beamlets, 4], [beamlets]: no fluence maps")
            return []
        }
        do {
            return try FluenceMap.maps(beams: b, beamlets: x, weights: w)
        } catch {
            Output.stderr("notice: \(resultURL.path): \(error): no fluence maps")
            return []
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
