import Foundation
import Testing
@testable import Jobs

/// The example job files under `jobs/` at the repository root parse, validate against their cases
/// and survive a canonical round trip.
struct JobFilesTests {
    static let jobsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("jobs")

    static let tg119Structures = ["OuterTarget", "Core", "BODY"]
    static let thoraxStructures = ["body", "lung_left", "lung_right", "trachea", "bones", "spinal_canal", "heart", "gtv", "ptv"]

    static func load(_ file: String) throws -> JobSpec {
        try JobSpec.parse(contentsOfFile: jobsDirectory.appendingPathComponent(file).path)
    }

    @Test func everyFileParsesAndRoundTrips() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.jobsDirectory.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == ["dose.yaml", "lung-plan.yaml", "lung-slab-10x10.yaml", "segment.yaml", "selftest-crash.yaml", "selftest.yaml",
                          "tg119-plan-fast.yaml", "tg119-plan-harder.yaml", "tg119-plan.yaml", "water-10x10.yaml"])
        for file in files {
            let spec = try Self.load(file)
            let canonical = spec.canonicalYAML()
            #expect(try JobSpec.parse(yaml: canonical) == spec, "\(file)")
            #expect(try JobSpec.parse(yaml: canonical).canonicalYAML() == canonical, "\(file)")
        }
    }

    /// The TG-119 influence-matrix specs of benchmarks/dose parse against the case's structures; the allocated one is
    /// tg119-dose.yaml with only its stated settings changed.
    @Test func tg119DoseBenchmarkSpecs() throws {
        let directory = Self.jobsDirectory.deletingLastPathComponent().appendingPathComponent("benchmarks/dose")
        let plain = try JobSpec.parse(contentsOfFile: directory.appendingPathComponent("tg119-dose.yaml").path)
        let allocated = try JobSpec.parse(contentsOfFile: directory.appendingPathComponent("tg119-dose-allocated.yaml").path)
        for spec in [plain, allocated] { try spec.validate(againstCaseStructures: Self.tg119Structures) }
        guard case .dose(var base) = plain.work, case .dose(let dose) = allocated.work else { Issue.record("not dose jobs"); return }
        #expect(dose.historyAllocation == .targetFraction && dose.pilotHistoriesPerBeamlet == 1000 && dose.historiesPerBeamlet == 49_000)
        base.historyAllocation = .targetFraction
        base.pilotHistoriesPerBeamlet = 1000
        base.historiesPerBeamlet = 49_000
        base.ignoreOutsideDensities = true
        base.transport = dose.transport
        #expect(base == dose && dose.transport != TransportSpec())
    }

    @Test func segmentFileProducesAllSixStructures() throws {
        let spec = try Self.load("segment.yaml")
        guard case .segment(let s) = spec.work else { Issue.record("kind is \(spec.kind)"); return }
        #expect(s.structures == SegmentedStructure.allCases)
        try spec.validate(againstCaseStructures: [])
    }

    @Test func selftestFilesAreThousandTasksAndACrashAtTaskTen() throws {
        let spec = try Self.load("selftest.yaml")
        #expect(spec.work == .selftest(SelftestSpec(tasks: 1000, slicesPerTask: 1, computeIterations: 2)))
        try spec.validate(againstCaseStructures: [])
        let crash = try Self.load("selftest-crash.yaml")
        guard case .selftest(let c) = crash.work else { Issue.record("kind is \(crash.kind)"); return }
        #expect(c.crashTask == 10 && c.crashOnAttempt == 1 && c.failTask == nil)
        #expect(crash.maxAttempts >= 2, "the retry after the crash can succeed")
    }

    @Test func doseFileValidatesAgainstTG119() throws {
        let spec = try Self.load("dose.yaml")
        guard case .dose(let d) = spec.work else { Issue.record("kind is \(spec.kind)"); return }
        #expect(d.beams.gantryDeg == [0, 72, 144, 216, 288])
        #expect(d.storeInfluenceMatrix)
        try spec.validate(againstCaseStructures: Self.tg119Structures)
    }

    @Test func tg119PlanMatchesThePhantomsObjectivesAndGoals() throws {
        let spec = try Self.load("tg119-plan.yaml")
        try spec.validate(againstCaseStructures: Self.tg119Structures)
        guard case .plan(let p) = spec.work else { Issue.record("kind is \(spec.kind)"); return }
        #expect(p.dose.beams.gantryDeg == stride(from: 0.0, to: 360, by: 40).map { $0 })
        #expect(p.dose.beams.bixelMM == 5)
        #expect(p.dose.beams.isocentreMM == nil)
        #expect(p.dose.doseGridSpacingMM == SIMD3(3, 3, 3))
        #expect(p.prescription == PrescriptionSpec(target: "OuterTarget", doseGy: 50, fractions: 25, normalise: .d95))
        #expect(p.objectives == .listed([
            ObjectiveSpec(structure: "OuterTarget", type: .squaredDeviation, doseGy: 50, penalty: 1000),
            ObjectiveSpec(structure: "Core", type: .squaredOverdose, doseGy: 25, penalty: 300),
            ObjectiveSpec(structure: "BODY", type: .squaredOverdose, doseGy: 30, penalty: 100),
        ]))
        #expect(p.goals == [
            GoalSpec(structure: "OuterTarget", metric: .doseAtVolume(volumePct: 95), comparator: .atLeast, value: 50),
            GoalSpec(structure: "OuterTarget", metric: .doseAtVolume(volumePct: 10), comparator: .atMost, value: 55),
            GoalSpec(structure: "Core", metric: .doseAtVolume(volumePct: 10), comparator: .atMost, value: 25),
        ])
        #expect(throws: JobSpecError.self) { try spec.validate(againstCaseStructures: Self.thoraxStructures) }
    }

    /// The fast TG-119 job is jobs/tg119-plan.yaml with exactly the Monte Carlo and optimiser settings its header lists.
    @Test func tg119FastPlanDiffersOnlyInItsListedSettings() throws {
        guard case .plan(let fast) = try Self.load("tg119-plan-fast.yaml").work, case .plan(var base) = try Self.load("tg119-plan.yaml").work else {
            Issue.record("not plan jobs"); return
        }
        #expect(fast.correctionHistoriesPerBeamlet == 3000 && fast.correctionIterations == 2 && fast.correctionWarmStart == .scaled)
        #expect(fast.finalHistoriesPerBeamlet == 25_000 && fast.optimizer.tolerance == 1e-5)
        #expect(fast.optimizer.intermediateMaxIterations == 120 && fast.dose.ignoreOutsideDensities)
        #expect(base.dose.ignoreOutsideDensities && base.correctionSmoothingRegions == .structures && base.finalHistoriesPerBeamlet == 120_000)
        #expect(fast.correctionSmoothingRegions == .body)
        base.correctionHistoriesPerBeamlet = 3000
        base.optimizer.intermediateMaxIterations = 120
        base.correctionSmoothingRegions = .body
        base.correctionWarmStart = .scaled
        base.finalHistoriesPerBeamlet = 25_000
        base.optimizer.tolerance = 1e-5
        base.dose.transport = fast.dose.transport
        #expect(fast == base)
        #expect(fast.dose.transport != TransportSpec())
    }

    @Test func lungPlanSegmentsFirstAndValidatesAgainstThePhantom() throws {
        let spec = try Self.load("lung-plan.yaml")
        try spec.validate(againstCaseStructures: Self.thoraxStructures)
        // Segmentation provides the normal anatomy, so heart, gtv and ptv are all the case must hold.
        try spec.validate(againstCaseStructures: ["heart", "gtv", "ptv"])
        guard case .plan(let p) = spec.work else { Issue.record("kind is \(spec.kind)"); return }
        #expect(p.dose.beams.gantryDeg.count == 7)
        #expect(p.prescription.doseGy == 60 && p.prescription.fractions == 30)
        #expect(p.prescription.dosePerFractionGy == 2)
        #expect(p.goals.contains(GoalSpec(structure: "lung_left", metric: .volumeAtDose(doseGy: 20), comparator: .atMost, value: 30)))
        #expect(p.goals.contains(GoalSpec(structure: "spinal_canal", metric: .maxDose, comparator: .atMost, value: 45)))
        #expect(p.goals.contains(GoalSpec(structure: "heart", metric: .meanDose, comparator: .atMost, value: 26)))
        let error = #expect(throws: JobSpecError.self) { try spec.validate(againstCaseStructures: ["gtv", "ptv"]) }
        #expect(error?.keyPath.hasPrefix("objectives[") == true)
        #expect(error?.description.contains("\"heart\"") == true)
    }

    @Test func everyExampleInTheReferenceParses() throws {
        let doc = try String(contentsOf: Self.jobsDirectory.deletingLastPathComponent()
            .appendingPathComponent("docs/job-spec.md"), encoding: .utf8)
        let blocks = doc.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.count == 5)
        #expect(try blocks.map { try JobSpec.parse(yaml: $0).kind } == [.segment, .dose, .dose, .plan, .selftest])
    }

    @Test func unreadableAndOversizeFiles() throws {
        let missing = #expect(throws: JobSpecError.self) { try JobSpec.parse(contentsOfFile: "/nonexistent/job.yaml") }
        #expect(missing?.reason == .unreadableFile)
        #expect(missing?.message.contains("/nonexistent/job.yaml") == true)
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("rtcluster-jobs-big-\(getpid()).yaml")
        try Data(count: JobSpec.maxSpecBytes + 1).write(to: big)
        defer { try? FileManager.default.removeItem(at: big) }
        #expect((#expect(throws: JobSpecError.self) { try JobSpec.parse(contentsOfFile: big.path) })?.reason == .fileTooLarge)
        let latin1 = FileManager.default.temporaryDirectory.appendingPathComponent("rtcluster-jobs-latin1-\(getpid()).yaml")
        try Data([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xe9, 0x0a]).write(to: latin1)
        defer { try? FileManager.default.removeItem(at: latin1) }
        #expect((#expect(throws: JobSpecError.self) { try JobSpec.parse(contentsOfFile: latin1.path) })?.reason == .unreadableFile)
    }
}
