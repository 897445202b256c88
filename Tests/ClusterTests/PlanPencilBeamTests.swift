import Core
import Dose
import Foundation
import Jobs
import Planning
import Store
import Testing
@testable import Cluster

/// The `plan` and `dose` kinds with the pencil-beam engine, in process: the water-box plan of ``PlanKindTests``
/// with `engine: pencil_beam` (kernel of 10⁴ histories) and a final Monte Carlo dose of 80 histories per beamlet.
@Suite struct PlanPencilBeamTests {
    static func spec(finalDose: Bool = true) -> String {
        PlanKindTests.spec()
            .replacingOccurrences(of: "histories_per_beamlet: 40\n", with: "histories_per_beamlet: 40\nengine: pencil_beam\nkernel_histories: 10000\n")
            .replacingOccurrences(of: "final_histories_per_beamlet: 80\n", with: finalDose ? "final_histories_per_beamlet: 80\n" : "")
    }

    /// 1, 2 and 4 workers give bitwise identical doses, uncertainties, weights and metrics; the kernel runs as its own
    /// phase; the result records the engine and the kernel histories; the uncertainty is the final MC dose's.
    @Test func pencilBeamPlanIsIdenticalForOneTwoAndFourWorkers() throws {
        let fixture = try PlanKindTests.caseFixture()
        let (_, file) = try PlanKindTests.identicalPlanResults(fixture, spec: Self.spec())
        #expect(file.attributes["influence_engine"] == .string("pencil_beam") && file.attributes["kernel_histories"] == .int(10_000))
        #expect(file.attributes["timings_phase_names"] == .string("kernel,influence,optimisation,final_dose"))
        #expect(file.attributes["stage_seconds_kernel"] != nil)
        let sigma = try #require(file.doseUncertainty).voxels
        #expect(sigma.contains { $0 > 0 }, "the final Monte Carlo dose has a statistical uncertainty")
    }

    /// The Monte Carlo-corrected re-optimisation (correction dose of 40 histories per beamlet): 1, 2 and 4 workers give
    /// bitwise identical doses, weights and metrics; the stages run in order and are timed; the weights differ from the
    /// uncorrected plan's (same seed and final dose settings), so the correction reaches the optimiser.
    @Test func correctedPlanIsIdenticalForOneTwoAndFourWorkersAndDiffersFromTheUncorrected() throws {
        let fixture = try PlanKindTests.caseFixture()
        let corrected = Self.spec() + "correction_histories_per_beamlet: 40\n"
        let (_, file) = try PlanKindTests.identicalPlanResults(fixture, spec: corrected)
        let plain = try fixture.submit(Self.spec(), kind: "plan")
        try fixture.drain(kind: PlanKind(), slots: 2)
        #expect(file.attributes["timings_phase_names"] == .string("kernel,influence,optimisation,correction_dose,reoptimisation,final_dose"))
        #expect(file.attributes["correction_histories_per_beamlet"] == .int(40))
        for stage in ["correction_dose", "reoptimisation", "final_dose"] {
            guard case .double(let seconds) = file.attributes["stage_seconds_" + stage] else { Issue.record("no \(stage) time"); continue }
            #expect(seconds >= 0)
        }
        let plainRecord = try fixture.registry.job(id: plain)
        try #require(plainRecord.state == .succeeded, "\(plainRecord.error ?? "")")
        let uncorrected = try ResultFile.read(path: fixture.resultURL(plain).path)
        #expect(uncorrected.attributes["correction_histories_per_beamlet"] == nil)
        // The same kernel as the corrected jobs': read from the data directory's kernel cache, so no kernel phase.
        #expect(uncorrected.attributes["timings_phase_names"] == .string("influence,optimisation,final_dose"))
        #expect(uncorrected.attributes["kernel_cache"] == .string("hit"))
        guard case .float64(let w)? = file.arrays["/plan/weights"]?.values,
              case .float64(let w0)? = uncorrected.arrays["/plan/weights"]?.values else { Issue.record("no weights"); return }
        let change = zip(w, w0).map { abs($0 - $1) }.max() ?? 0
        #expect(change > 1e-3 * (w0.max() ?? 0), "max |Δw| \(change) against max w \(w0.max() ?? 0)")
    }

    /// The correction is D_mc·w − D_pb·w per voxel: on a hand-made 2-voxel forward dose and matrix, exactly.
    @Test func correctionIsTheDoseDifference() throws {
        let grid = try Grid(nx: 2, ny: 1, nz: 1, spacingMM: SIMD3(1, 1, 1), originMM: .zero)
        func column(_ id: Int, _ rows: [Int32], _ dose: [Float]) -> BeamletColumn {
            BeamletColumn(beamletID: id, rowIndices: rows, doseGy: dose, uncertaintyGy: dose.map { _ in 0 }, bookkeeping: EnergyBookkeeping())
        }
        let mcPartial = try PartialDose(columns: [column(0, [0, 1], [2, 1]), column(1, [1], [4])], weights: [2, 0.5], voxelCount: 2)
        let mc = try ForwardDose(grid: grid, partials: [mcPartial])
        let pb = try Dose.InfluenceMatrix(grid: grid, columnCount: 2, columns: [column(0, [0], [1.5]), column(1, [1], [3])])
        // Voxel 0: 2·2 − 2·1.5 = 1; voxel 1: (2·1 + 0.5·4) − 0.5·3 = 2.5.
        #expect(PlanRun.correctionGy(monteCarlo: mc, pencilBeamGy: try pb.dose(weights: [2, 0.5]).voxels.map(Double.init)) == [1, 2.5])
    }

    /// Without a final recomputation the plan's uncertainty is zero (the pencil beam has no statistical noise), and a
    /// `dose` job with the pencil beam writes its forward dose with the engine attribute.
    @Test func pencilBeamWithoutFinalDoseAndForwardDose() throws {
        let fixture = try PlanKindTests.caseFixture()
        let plan = try fixture.submit(Self.spec(finalDose: false), kind: "plan")
        try fixture.drain(kind: PlanKind(), slots: 2)
        let record = try fixture.registry.job(id: plan)
        try #require(record.state == .succeeded, "\(record.error ?? "")")
        let file = try ResultFile.read(path: fixture.resultURL(plan).path)
        #expect(try #require(file.doseUncertainty).voxels.allSatisfy { $0 == 0 })
        #expect(file.attributes["influence_engine"] == .string("pencil_beam"))
        let dose = try fixture.submit("""
            kind: dose
            seed: 3
            target: ptv
            beams: {gantry_deg: [0], bixel_mm: 5}
            dose_grid: {spacing_mm: 5}
            engine: pencil_beam
            kernel_histories: 10000

            """, kind: "dose")
        try fixture.drain(kind: DoseKind(), slots: 2)
        let doseRecord = try fixture.registry.job(id: dose)
        try #require(doseRecord.state == .succeeded, "\(doseRecord.error ?? "")")
        let forward = try ResultFile.read(path: fixture.resultURL(dose).path)
        #expect(forward.attributes["influence_engine"] == .string("pencil_beam"))
        #expect(try #require(forward.doseGy).voxels.contains { $0 > 0 } && forward.sparseMatrices["/influence"] != nil)
    }

    /// A kernel partition and a pencil-beam batch survive encoding.
    @Test func pencilBeamMessagesRoundTrip() throws {
        let simulation = try PencilBeamKernelSimulation(bixelMM: 5, focalSpotSigmaMM: 0.5, sadMM: 1000, ssdMM: 850, depthSpacingMM: 3,
                                                        maximumDepthMM: 60, lateralSpacingMM: 2, lateralExtentMM: 20, histories: 250_000, seed: 77)
        let (decoded, partition) = try PencilBeamMessages.decodePartition(PencilBeamMessages.encode(partition: 2, of: simulation))
        #expect(decoded == simulation && partition == 2)
        let kernel = try PencilBeamKernel(bixelMM: 5, focalSpotSigmaMM: 0.85, sadMM: 1000, depthSpacingMM: 2.5, lateralSpacingMM: 1,
                                          depthCount: 2, lateralCount: 2, histories: 9, valuesGy: [1, 2, 3, 4, 5, 6, 7, 8])
        var payload = PencilBeamMessages.encode(partition: 0, of: simulation)
        payload["kernel.run"] = .int64([1])
        #expect(throws: WireError.self) { try PencilBeamMessages.decodePartition(payload) }
        #expect(kernel.maximumGy == 8)
    }

    /// The kernel cache (`store/kernels`): the first job simulates and stores the kernel, the second reads it (no kernel
    /// phase) and gives the same bits; a corrupt cache file is a miss (simulated again, replaced, the same bits).
    @Test func cachedKernelGivesTheSameBits() throws {
        let fixture = try PlanKindTests.caseFixture()
        func run() throws -> ResultFile {
            let job = try fixture.submit(Self.spec(finalDose: false), kind: "plan")
            try fixture.drain(kind: PlanKind(), slots: 2)
            let record = try fixture.registry.job(id: job)
            try #require(record.state == .succeeded, "\(record.error ?? "")")
            return try ResultFile.read(path: fixture.resultURL(job).path)
        }
        let first = try run()
        #expect(first.attributes["kernel_cache"] == .string("stored"))
        #expect(first.attributes["timings_phase_names"] == .string("kernel,influence,optimisation"))
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.root.appendingPathComponent("store/kernels").path)
        #expect(files.count == 1 && files[0].hasSuffix(".h5"), "\(files)")
        let second = try run()
        #expect(second.attributes["kernel_cache"] == .string("hit"))
        #expect(second.attributes["timings_phase_names"] == .string("influence,optimisation"))
        #expect(second.doseGy == first.doseGy && second.arrays["/plan/weights"] == first.arrays["/plan/weights"])
        let cacheFile = fixture.root.appendingPathComponent("store/kernels/" + files[0])
        try Data("not an HDF5 file".utf8).write(to: cacheFile)
        let third = try run()
        #expect(third.attributes["kernel_cache"] == .string("stored"))
        #expect(third.doseGy == first.doseGy && third.arrays["/plan/weights"] == first.arrays["/plan/weights"])
        #expect(try ResultFile.read(path: cacheFile.path).arrays["/kernel/values"] != nil)
    }
}
