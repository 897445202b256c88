import Core
import Dose
import Foundation
import Jobs
import Phantoms
import Planning
import Store
import Testing
@testable import Cluster

/// The `dose` kind: batch messages and whole jobs through the coordinator on 1, 2 and 4 in-process workers
/// (small water box: 60 mm cube in a 72 mm grid of 4 mm voxels, a 20 × 20 mm open field = 16 beamlets).
@Suite struct DoseKindTests {
    static let phantom = try! PhantomFactory.water(shape: .box(sizeMM: SIMD3(repeating: 60)),
                                                   size: PhantomSize(nx: 18, ny: 18, nz: 18), spacingMM: SIMD3(repeating: 4))
    static let spec = """
        kind: dose
        seed: 9
        open_field: {field_mm: [20, 20], ssd_mm: 1000}
        beams: {gantry_deg: [0]}
        dose_grid: {spacing_mm: 4}
        histories_per_beamlet: 60
        uncertainty_batches: 3

        """

    static func caseFixture() throws -> SchedulerFixture {
        try SchedulerFixture(cases: ["case-a": CaseFile(ct: phantom.ct, structures: phantom.structures.map { Store.Structure(name: $0.name, mask: $0.mask) })])
    }

    static func setup() throws -> DoseSetup {
        guard case .dose(let dose) = try JobSpec.parse(yaml: spec).work else { throw DoseKindError("not a dose spec") }
        return try DoseSetup(spec: dose, seed: 9, ct: phantom.ct, structures: [:])
    }

    @Test("A result whose uncertainties are all 0 (pencil beam) leaves sigma out and reads back as the same block; a non-zero one keeps it")
    func zeroUncertaintyResultsOmitSigma() throws {
        let zero = try BeamletColumnBlock(firstBeamletID: 5, counts: [2, 0, 1], rowIndices: [3, 9, 4], doseGy: [0.5, 0.25, 1],
                                          uncertaintyGy: [0, 0, 0], bookkeeping: Array(repeating: EnergyBookkeeping(), count: 3))
        #expect(DoseMessages.encode(zero)["sigma"] == nil)
        #expect(try DoseMessages.decodeBlock(DoseMessages.encode(zero)) == zero)
        let noisy = try BeamletColumnBlock(firstBeamletID: 5, counts: [2, 0, 1], rowIndices: [3, 9, 4], doseGy: [0.5, 0.25, 1],
                                           uncertaintyGy: [0, 0.01, 0], bookkeeping: Array(repeating: EnergyBookkeeping(), count: 3))
        #expect(DoseMessages.encode(noisy)["sigma"] != nil)
        #expect(try DoseMessages.decodeBlock(DoseMessages.encode(noisy)) == noisy)
    }

    @Test func batchMessagesRoundTripExactly() throws {
        let batch = try BeamletBatch.batches(of: Self.setup())[3]
        let decoded = try DoseMessages.decodeBatch(DoseMessages.encode(batch))
        #expect(decoded.geometry == batch.geometry && decoded.beamletIDs == batch.beamletIDs && decoded.statistics == batch.statistics)
        #expect(decoded.patient.densityGPerCC == batch.patient.densityGPerCC && decoded.patient.materials == batch.patient.materials)
        let columns = try batch.columns()
        let block = try BeamletColumnBlock(columns: columns)
        #expect(try DoseMessages.decodeBlock(DoseMessages.encode(block)) == block)
        #expect(try DoseMessages.decodeBlock(DoseKind().execute(phase: 0, input: DoseMessages.encode(batch))) == block)
    }

    /// A forward batch travels with its weights; the worker returns the batch's weighted, unthresholded sum, and a
    /// partial dose survives the wire exactly; a result whose fields disagree is rejected.
    @Test func forwardBatchMessagesRoundTripExactly() throws {
        let setup = try Self.setup()
        let batch = try BeamletBatch.batches(of: setup)[3]
        let weights = batch.beamletIDs.map { Double($0 % 3) + 0.5 }
        let payload = DoseMessages.encodeForward(batch, weights: weights, shared: SharedBeamletFields(patient: setup.patient, geometry: setup.geometry))
        let (decoded, decodedWeights) = try DoseMessages.decodeForward(payload)
        #expect(decoded.beamletIDs == batch.beamletIDs && decoded.statistics == batch.statistics && decodedWeights == weights)
        let expected = try batch.partialDose(weights: weights)
        #expect(try DoseMessages.decodePartialDose(DoseMessages.encode(expected)) == expected)
        #expect(try DoseMessages.decodePartialDose(InfluenceStage.execute(payload)) == expected)
        var broken = DoseMessages.encode(expected)
        broken["variance"] = .float64([1])
        #expect(throws: WireError.self) { try DoseMessages.decodePartialDose(broken) }
    }

    /// The worker's dose cache: batches run one after another with one reused calculator (and the patient decoded
    /// once) give the same bits as fresh calculators — forward sums and thresholded columns, with and without
    /// roulette, interleaved — and a batch of another patient gets its own model, never the cached one.
    @Test func reusedCalculatorsGiveTheSameBits() throws {
        let setup = try Self.setup()
        let shared = SharedBeamletFields(patient: setup.patient, geometry: setup.geometry)
        let batches = try BeamletBatch.batches(of: setup)
        let cache = WorkerDoseCache()
        let s = batches[1].statistics
        let roulette = BeamletStatistics(seed: s.seed, historiesPerBeamlet: s.historiesPerBeamlet, uncertaintyBatches: s.uncertaintyBatches,
                                         thresholdRelative: s.thresholdRelative, transport: TransportSettings(rouletteBelowMeV: 1, rouletteSurvival: 0.5))
        let rouletteBatch = try BeamletBatch(patient: batches[1].patient, geometry: batches[1].geometry, beamletIDs: batches[1].beamletIDs,
                                             statistics: roulette)
        for batch in batches.reversed() + [rouletteBatch] + batches {
            let payload = DoseMessages.encodeForward(batch, weights: batch.beamletIDs.map { Double($0 % 4) + 0.25 }, shared: shared)
            let grid = try payload.grid("patient.grid")
            let patient = try cache.patient(grid: grid, density: payload.float64s("patient.density"), materials: payload.uint8s("patient.material"))
            let decoded = try BeamletBatch(patient: patient, geometry: batch.geometry, beamletIDs: batch.beamletIDs, statistics: batch.statistics)
            let weights = try payload.float64s("weights")
            #expect(try cache.withCalculator(for: decoded) { try decoded.partialDose(weights: weights, using: &$0) } == batch.partialDose(weights: weights))
            try cache.withScratch { (scratch: inout PartialDoseScratch) throws in
                #expect(try cache.withCalculator(for: decoded) { try decoded.partialDose(weights: weights, using: &$0, scratch: &scratch) }
                        == batch.partialDose(weights: weights))
                #expect(scratch.isClear, "the accumulators are zero again after a batch")
            }
            #expect(try cache.withCalculator(for: decoded) { try decoded.columns(using: &$0) } == batch.columns())
        }
        #expect(cache.idleCount == 2)  // one per transport setting, capped at WorkerDoseCache.maximumIdleCalculators
        let weights = batches[2].beamletIDs.map { Double($0) + 1 }
        for _ in 0..<2 {  // through the worker's shared cache: decoded patient and calculator reused the second time
            #expect(try DoseMessages.decodePartialDose(InfluenceStage.execute(DoseMessages.encodeForward(batches[2], weights: weights, shared: shared)))
                    == batches[2].partialDose(weights: weights))
        }

        let denser = try PatientModel(grid: setup.patient.grid, densityGPerCC: setup.patient.densityGPerCC.map { $0 * 1.5 }, materials: setup.patient.materials)
        let other = try cache.patient(grid: denser.grid, density: denser.densityGPerCC, materials: denser.materials.map(\.rawValue))
        #expect(other.densityGPerCC == denser.densityGPerCC && cache.idleCount == 0)
        let otherBatch = try BeamletBatch(patient: other, geometry: batches[0].geometry, beamletIDs: batches[0].beamletIDs, statistics: batches[0].statistics)
        #expect(try cache.withCalculator(for: otherBatch) { try otherBatch.columns(using: &$0) } == otherBatch.columns())
        #expect(try otherBatch.columns() != batches[0].columns())
        var wrong = try batches[0].makeCalculator()
        #expect(throws: PlanningError.self) { try rouletteBatch.columns(using: &wrong) }
    }

    /// `transport:` reaches the workers: the set-up's transport settings, the batch message and the columns' roulette tallies.
    @Test func rouletteTravelsFromTheSpecToTheWorkers() throws {
        guard case .dose(let dose) = try JobSpec.parse(yaml: Self.spec + "transport: {roulette_below_mev: 1, roulette_survival: 0.5}\n").work else {
            throw DoseKindError("not a dose spec")
        }
        let setup = try DoseSetup(spec: dose, seed: 9, ct: Self.phantom.ct, structures: [:])
        #expect(setup.statistics.transport == TransportSettings(rouletteBelowMeV: 1, rouletteSurvival: 0.5))
        let batch = try BeamletBatch.batches(of: setup)[3]
        let decoded = try DoseMessages.decodeBatch(DoseMessages.encode(batch))
        #expect(decoded.statistics == batch.statistics)
        let columns = try batch.columns()
        #expect(columns.contains { $0.bookkeeping.rouletteRemovedMeV > 0 } && columns.allSatisfy { $0.bookkeeping.relativeImbalance < 1e-9 })
        #expect(try DoseMessages.decodeBlock(DoseKind().execute(phase: 0, input: DoseMessages.encode(batch))) == BeamletColumnBlock(columns: columns))
        let off = try BeamletBatch.batches(of: Self.setup())[3]
        #expect(DoseMessages.encode(off)["roulette"] == nil && DoseMessages.encode(batch)["roulette"] != nil)
    }

    /// /dose/total is bitwise identical for 1, 2 and 4 workers completing in scrambled order, and equals the
    /// in-process forward dose; the bundle holds what the contract lists.
    @Test func doseJobIsIdenticalForOneTwoAndFourWorkers() throws {
        let fixture = try Self.caseFixture()
        var jobs: [Int: Int64] = [:]
        for slots in [1, 2, 4] {
            jobs[slots] = try fixture.submit(Self.spec, kind: "dose")
            try fixture.drain(kind: DoseKind(), slots: slots, completion: slots == 1 ? .dispatchOrder : .newestFirst)
        }
        let setup = try Self.setup()
        let columns = try BeamletBatch.batches(of: setup).flatMap { try $0.columns() }
        let matrix = try InfluenceMatrix(grid: setup.patient.grid, columnCount: 16, columns: columns)
        let expected = try ForwardDose(matrix: matrix, weights: setup.weights)
        for slots in [1, 2, 4] {
            let job = try #require(jobs[slots])
            let record = try fixture.registry.job(id: job)
            #expect(record.state == .succeeded, "\(record.error ?? "")")
            #expect(record.progressDone == 16 && record.progressTotal == 16)
            let file = try ResultFile.read(path: fixture.resultURL(job).path)
            #expect(file.doseGy?.voxels == expected.doseGy.voxels, "\(slots) workers")
            #expect(file.doseUncertainty?.voxels == expected.uncertaintyGy.voxels)
            #expect(file.doseGy?.grid == setup.patient.grid)
            let influence = try #require(file.sparseMatrices["/influence"])
            #expect(influence.values == matrix.doseGy && influence.rowIndices == matrix.rowIndices && influence.columnStarts == matrix.columnPointers)
            #expect(file.arrays["/plan/beams"] == (try ResultArray(shape: [1, 4], values: .float64([0, 0, 1000, 16]))))
            #expect(file.arrays["/plan/weights"] == ResultArray(.float64(Array(repeating: 1, count: 16))))
            // The 20 × 20 mm open field of 5 mm bixels: centres at ±2.5 and ±7.5 mm, v then u increasing.
            let centres: [Double] = [-7.5, -2.5, 2.5, 7.5]
            let bixels: [Double] = centres.flatMap { v -> [Double] in centres.flatMap { u -> [Double] in [0, u, v, 5] } }
            #expect(file.arrays["/plan/beamlets"] == (try ResultArray(shape: [16, 4], values: .float64(bixels))))
            #expect(file.attributes["beamlet_count"] == .int(16) && file.attributes["histories_per_beamlet"] == .int(60))
            #expect(file.attributes["nonzeros"] == .int(matrix.nonZeroCount))
            guard case .doubles(let iso) = file.attributes["isocentre_mm"] else { Issue.record("no isocentre"); continue }
            #expect(iso.count == 3 && abs(iso[1] + 32) < 1e-5)
        }
    }

    @Test func unknownTargetFailsTheJobNamingIt() throws {
        let fixture = try Self.caseFixture()
        let job = try fixture.submit("kind: dose\ntarget: ptv\nbeams: {gantry_deg: [0]}\nhistories_per_beamlet: 20\n", kind: "dose")
        try fixture.drain(kind: DoseKind())
        let record = try fixture.registry.job(id: job)
        #expect(record.state == .failed && record.error?.contains("target \"ptv\" is not a structure of the case; known structures: \"body\"") == true,
                "\(record.error ?? "")")
        #expect(!FileManager.default.fileExists(atPath: fixture.resultURL(job).path))
    }
}
