import ArgumentParser
import Core
import Evaluation
import Foundation
import Store

/// `rtcluster compare-dose A B`: 3D gamma index of dose B (evaluated) against dose A (reference).
struct CompareDoseCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-dose",
        abstract: "Dose QA: 3D gamma index between two dose grids (result files with /dose/total).",
        discussion: helpText("""
        A is the reference, B the evaluated dose; B is interpolated trilinearly, so the grids may
        differ. Default: global 3 %/2 mm with a 10 % low-dose threshold (AAPM TG-218). Exit code 0
        when the pass rate reaches --min-pass-rate, 1 when it does not, 65 for unreadable input (also a
        dose outside 0…10000 Gy, a reference of 0 Gy everywhere without --normalisation-gy, or a gamma
        beyond the float32 range of the map).
        Examples:
          rtcluster compare-dose job-3/result.h5 job-4/result.h5
          rtcluster compare-dose a.h5 b.h5 --dd 2 --dta 2 --local --gamma-map g.h5
        """)
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Reference dose: an HDF5 result file with /dose/total.") var reference: String
    @Argument(help: "Evaluated dose: an HDF5 result file with /dose/total.") var evaluated: String
    @Option(help: "Dose-difference criterion in percent.") var dd: Double = 3
    @Option(help: "Distance-to-agreement criterion in mm.") var dta: Double = 2
    @Option(help: "Low-dose threshold in percent of the normalisation dose; lower reference voxels are not evaluated.")
    var threshold: Double = 10
    @Flag(help: "Local dose difference (percent of each reference voxel's dose) instead of global.") var local = false
    @Option(help: "Normalisation dose in Gy for the global criterion and the threshold, 0.001-10000 (default: the reference maximum).")
    var normalisationGy: Double?
    @Option(help: "Search radius in mm (default 3 × DTA).") var searchRadiusMM: Double?
    @Option(help: "Minimum pass rate in percent for exit code 0.") var minPassRate: Double = 95
    @Option(help: ArgumentHelp("Write the gamma map (/gamma/map, -1 where not evaluated) to this HDF5 file.", valueName: "file"))
    var gammaMap: String?

    func validate() throws {
        for (name, value) in [("--dd", dd), ("--dta", dta)] where !(value > 0 && value <= 100) {
            throw ValidationError("\(name) must be in (0, 100], got \(value)")
        }
        guard threshold >= 0, threshold < 100 else { throw ValidationError("--threshold must be in [0, 100), got \(threshold)") }
        guard minPassRate >= 0, minPassRate <= 100 else { throw ValidationError("--min-pass-rate must be in [0, 100]") }
        if let n = normalisationGy, !Self.normalisationRangeGy.contains(n) {
            let range = [Self.normalisationRangeGy.lowerBound, Self.normalisationRangeGy.upperBound].map { String(format: "%g", $0) }
            throw ValidationError("--normalisation-gy must be between \(range[0]) and \(range[1]) Gy, got \(n)")
        }
        if let r = searchRadiusMM, !(r >= 0 && r <= 50) { throw ValidationError("--search-radius-mm must be in [0, 50]") }
    }

    /// Accepted `--normalisation-gy`: far beyond any clinical dose on both sides, so the criteria never underflow or
    /// overflow (with 1e-300 Gy every dose difference became infinite).
    static let normalisationRangeGy: ClosedRange<Double> = 1e-3...GammaIndex.doseLimitGy

    func execute() throws {
        if let gammaMap {
            try global.dataDirectory.refuseOutput(gammaMap, option: "--gamma-map")
            for input in [reference, evaluated] where DataDirectory.resolved(input) == DataDirectory.resolved(gammaMap) {
                throw CLIError.invalidInput("--gamma-map \(gammaMap) is an input of the comparison; write the map elsewhere")
            }
        }
        let referenceDose = try Self.dose(in: reference)
        let evaluatedDose = try Self.dose(in: evaluated)
        let criteria = GammaCriteria(doseDifferencePct: dd, distanceToAgreementMM: dta, lowDoseThresholdPct: threshold,
                                     isGlobal: !local, normalisationDoseGy: normalisationGy, searchRadiusMM: searchRadiusMM)
        let start = ContinuousClock.now
        let result: GammaResult
        do {
            result = try GammaIndex.compare(reference: referenceDose, evaluated: evaluatedDose, criteria: criteria)
        } catch let error as EvaluationError {
            throw CLIError.invalidInput("reference \(reference), evaluated \(evaluated): \(error)")
        }
        let seconds = (ContinuousClock.now - start).seconds
        if let gammaMap {
            try PathFailure.prepareDirectory(forOutputFile: gammaMap, option: "--gamma-map")
            try write(result, criteria: criteria, to: gammaMap)
        }
        let normalisation = normalisationGy ?? Double(referenceDose.voxels.max() ?? 0)
        let report = GammaReport(reference: reference, evaluated: evaluated, criteria: criteria, result: result,
                                 thresholdGy: threshold / 100 * normalisation,
                                 minPassRatePct: minPassRate, seconds: seconds, gammaMap: gammaMap)
        if global.json {
            try Output.json(report)
        } else {
            print(report.summary)
        }
        if !report.passed { throw ExitCode(ExitStatus.checkFailed.rawValue) }
    }

    /// The `/dose/total` volume of a result file; a file without dose, or with a dose outside 0…10 000 Gy (negative,
    /// not a number, or e.g. a grid scaled by 1e38, whose γ left the float32 range of the map), is invalid input.
    private static func dose(in path: String) throws -> DoseVolume {
        try InputPath.requireRegularFile(path, what: "result file")
        guard let dose = try ResultFile.read(path: path).doseGy else {
            throw CLIError.invalidInput("\(path) has no /dose/total")
        }
        if let (voxel, value) = GammaIndex.implausibleDose(in: dose) {
            throw CLIError.invalidInput("\(path): /dose/total holds \(value) Gy at voxel (x, y, z) = (\(voxel.x), \(voxel.y), \(voxel.z)), "
                + "outside the 0…\(Int(GammaIndex.doseLimitGy)) Gy a dose grid may hold; is it a dose in Gy?")
        }
        return dose
    }

    private func write(_ result: GammaResult, criteria: GammaCriteria, to path: String) throws {
        let g = result.gammaMap.grid
        let map = try ResultArray(shape: [g.nz, g.ny, g.nx], values: .float32(result.gammaMap.voxels))
        var attributes: [String: AttributeValue] = [
            "spacing_mm": .doubles([g.spacingMM.x, g.spacingMM.y, g.spacingMM.z]),
            "origin_mm": .doubles([g.originMM.x, g.originMM.y, g.originMM.z]),
            "array_order": .string("zyx"),
            "reference": .string(reference), "evaluated": .string(evaluated),
            "criteria": .string(GammaReport.describe(criteria)),
        ]
        // Without evaluated voxels there is no pass rate: the attribute is left out.
        if let rate = result.passRatePct { attributes["pass_rate_pct"] = .double(rate) }
        let file = ResultFile(arrays: ["/gamma/map": map], attributes: attributes)
        try file.write(to: path)
    }
}

/// What `compare-dose` reports (text or JSON).
struct GammaReport: Encodable {
    let reference: String
    let evaluated: String
    let criteria: String
    let evaluatedVoxels: Int
    let uncoveredVoxels: Int
    let passedVoxels: Int
    /// Nil (JSON null) when no voxel was evaluated; `notEvaluatedReason` says why.
    let passRatePct: Double?
    let maxGamma: Double?
    let meanGamma: Double?
    let notEvaluatedReason: String?
    let minPassRatePct: Double
    let passed: Bool
    let seconds: Double
    let gammaMap: String?

    enum CodingKeys: String, CodingKey {
        case reference, evaluated, criteria, passed, seconds
        case evaluatedVoxels = "evaluated_voxels", uncoveredVoxels = "uncovered_voxels", passedVoxels = "passed_voxels"
        case passRatePct = "pass_rate_pct"
        case maxGamma = "max_gamma", meanGamma = "mean_gamma", minPassRatePct = "min_pass_rate_pct", gammaMap = "gamma_map"
        case notEvaluatedReason = "not_evaluated_reason"
    }

    /// `thresholdGy` is the low-dose threshold in Gy the comparison applied (named when no voxel reached it).
    init(reference: String, evaluated: String, criteria: GammaCriteria, result: GammaResult, thresholdGy: Double,
         minPassRatePct: Double, seconds: Double, gammaMap: String?) {
        self.reference = reference
        self.evaluated = evaluated
        self.criteria = Self.describe(criteria)
        evaluatedVoxels = result.evaluatedVoxelCount
        uncoveredVoxels = result.uncoveredVoxelCount
        passedVoxels = result.passedVoxelCount
        passRatePct = result.passRatePct
        let none = result.evaluatedVoxelCount == 0
        maxGamma = none ? nil : result.maxGamma
        meanGamma = none ? nil : result.meanGamma
        if !none {
            notEvaluatedReason = nil
        } else if result.uncoveredVoxelCount > 0 {
            notEvaluatedReason = "every reference voxel at or above the threshold lies outside the evaluated grid's reach"
        } else {
            let local = criteria.isGlobal ? "" : " with a dose above 0"
            notEvaluatedReason = "no reference voxel\(local) reaches the low-dose threshold of \(String(format: "%g", thresholdGy)) Gy"
        }
        self.minPassRatePct = minPassRatePct
        passed = (passRatePct ?? 0) >= minPassRatePct && !none
        self.seconds = seconds
        self.gammaMap = gammaMap
    }

    /// Writes every key, absent values as JSON null (a script reads `pass_rate_pct: null`, not a missing key).
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reference, forKey: .reference)
        try c.encode(evaluated, forKey: .evaluated)
        try c.encode(criteria, forKey: .criteria)
        try c.encode(evaluatedVoxels, forKey: .evaluatedVoxels)
        try c.encode(uncoveredVoxels, forKey: .uncoveredVoxels)
        try c.encode(passedVoxels, forKey: .passedVoxels)
        try c.encode(passRatePct, forKey: .passRatePct)
        try c.encode(maxGamma, forKey: .maxGamma)
        try c.encode(meanGamma, forKey: .meanGamma)
        try c.encode(notEvaluatedReason, forKey: .notEvaluatedReason)
        try c.encode(minPassRatePct, forKey: .minPassRatePct)
        try c.encode(passed, forKey: .passed)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(gammaMap, forKey: .gammaMap)
    }

    /// "global 3%/2mm, threshold 10%" style description of the criteria.
    static func describe(_ c: GammaCriteria) -> String {
        let f = { (v: Double) in v.formatted(.number.precision(.fractionLength(0...2))) }
        return "\(c.isGlobal ? "global" : "local") \(f(c.doseDifferencePct))%/\(f(c.distanceToAgreementMM))mm, threshold \(f(c.lowDoseThresholdPct))%"
    }

    var summary: String {
        let verdict = passed ? "PASS" : "FAIL"
        let uncovered = uncoveredVoxels > 0 ? ", \(uncoveredVoxels) voxels outside the evaluated grid not evaluated" : ""
        guard let passRatePct, let maxGamma, let meanGamma else {
            return String(format: "gamma %@: pass rate n/a, no voxel evaluated (%@), %@ at %.1f %%%@ [%.2f s]",
                          criteria, notEvaluatedReason ?? "", verdict, minPassRatePct, uncovered, seconds)
        }
        return String(format: "gamma %@: %.2f %% of %d voxels pass (max %.2f, mean %.3f), %@ at %.1f %%%@ [%.2f s]",
                      criteria, passRatePct, evaluatedVoxels, maxGamma, meanGamma, verdict, minPassRatePct, uncovered, seconds)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
