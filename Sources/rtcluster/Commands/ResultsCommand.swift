import ArgumentParser
import Foundation

/// `rtcluster results JOB --out DIR [--dicom]`: the result bundle of a finished job.
struct ResultsCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Write a finished job's result bundle: result.h5, PNG slices, DVH, metrics and an HTML report.",
        discussion: helpText("""
        DIR receives result.h5, axial.png, coronal.png, sagittal.png, dvh.csv (when the result has a
        dose), fluence.csv and fluence.png (each beam's beamlet weights, for dose and plan results that
        carry /plan/beamlets),
        metrics.json and report.html (self-contained; open it in a browser). With --dicom also
        RTDOSE.dcm (when there is a dose) and RTSTRUCT.dcm, in the CT's study and frame of reference.
        The bundle is written into a temporary directory and renamed to DIR at the end: after an error
        nothing is left. An earlier bundle in DIR (marked by a .rtcluster-bundle file, or holding only
        bundle files with rtcluster's result.h5) is replaced; any other non-empty DIR is refused (65), as is a
        DIR that is a symbolic link (65) and an empty or "."/".." name (64). Staging directories
        (.rtc-<hash>-<pid>.tmp/.old) that a killed run left beside DIR are removed by the next run there.
        Before writing, the result file is checked against the SHA-256 the registry recorded when the job
        succeeded, its job id, kind and submission time against the registry's job, and the case file
        against the registry's and the result's case SHA-256: a mismatch is refused (65) naming both.
        Fails with exit code 66 when the job has no results.
        Examples:
          rtcluster results 12 --out results/job-12
          rtcluster results 12 --out results/job-12 --dicom --json
        """)
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Job id.") var job: Int64
    @Option(help: ArgumentHelp("Bundle directory (created; an earlier bundle there is replaced).", valueName: "dir")) var out: String
    @Flag(help: "Also export RT Dose and RT Structure Set DICOM files.") var dicom = false

    func validate() throws {
        let last = out.split(separator: "/").last
        guard let last, last != ".", last != ".." else {
            throw ValidationError("--out \"\(out)\" is not a directory name (the bundle replaces the directory it names)")
        }
        // The data-directory check resolves `..` as the kernel does (after links), the writer textually: they could
        // differ. (`.` components, as in `./bundle`, mean the same to both.)
        if out.split(separator: "/").contains(where: { $0 == ".." }) {
            throw ValidationError("--out \"\(out)\" has a \"..\" component; name the directory without it")
        }
    }

    func execute() throws {
        let data = global.dataDirectory
        var info = stat()
        let named = String(out.reversed().drop { $0 == "/" }.reversed())
        if lstat(named, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            throw CLIError.invalidInput("--out \(out) is a symbolic link; name the directory itself (a bundle replaces the directory it names)")
        }
        try data.refuseOutput(out, option: "--out")
        let registry = try data.openExistingRegistry(readOnly: true)
        let record = try registry.job(id: job)
        guard let relative = record.resultPath else {
            throw CLIError.notFound("job \(job) has no results (state: \(record.state))")
        }
        let source = data.root.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: source.path) else {
            throw CLIError.notFound("job \(job)'s result file \(source.path) is missing from the store")
        }
        let caseRecord = try registry.caseRecord(id: record.caseID)
        let caseURL = data.root.appendingPathComponent(caseRecord.casePath)
        guard FileManager.default.fileExists(atPath: caseURL.path) else {
            throw CLIError.notFound("case \(caseRecord.id)'s file \(caseURL.path) is missing from the store")
        }
        try ResultProvenance(job: record, caseRecord: caseRecord, resultURL: source, caseURL: caseURL).verify()
        let writer = ResultBundleWriter(job: record, caseRecord: caseRecord, resultURL: source, caseURL: caseURL, includesDICOM: dicom)
        let files: [String]
        do {
            files = try writer.write(to: URL(fileURLWithPath: out, isDirectory: true))
        } catch where PathFailure.isFileSystemError(error) {
            throw PathFailure.error(error, "cannot write the bundle to --out", path: out)
        }
        if global.json { return try Output.json(["files": files]) }
        files.forEach { print($0) }
    }
}
