import Core
import Dose
import Foundation
import Planning

/// A worker process's decoded patient model and idle Monte Carlo calculators of the beamlet batches it ran last.
///
/// Every beamlet batch carries the same patient (from ``PayloadCache`` by content key), yet decoding it into a
/// ``PatientModel`` and building a ``BeamletDoseCalculator`` (the transport's voxel cells and majorant boxes) took
/// about a fifth of a worker's time in a plan's correction and final doses, whose tasks are short. This cache keeps
/// the last patient (matched by its density and material arrays: `==` is O(1) on the shared cached buffer, an
/// element comparison otherwise) and the calculators made for it. A calculator is taken out while in use, so
/// concurrent tasks never share one; it goes back only after a batch finished without error (its scratch tallies are
/// then empty), and the grid-sized accumulators of the forward doses likewise. The results are the same bits as with a fresh decode and calculator (``BeamletBatch/columns(thresholdRelative:using:)``).
final class WorkerDoseCache: @unchecked Sendable {
    /// The process-wide cache of the worker.
    static let shared = WorkerDoseCache()
    /// Idle calculators kept per patient (one per concurrently running task is enough).
    static let maximumIdleCalculators = 2

    private struct Entry {
        let grid: Grid
        let density: [Double]
        let materials: [UInt8]
        let patient: PatientModel
        var idle: [BeamletDoseCalculator] = []
    }

    private let lock = NSLock()
    private var entry: Entry?
    private var idleScratch: [PartialDoseScratch] = []

    /// The patient model of `density` and `materials` (material codes) on `grid`, decoded once while they stay the same.
    func patient(grid: Grid, density: [Double], materials: [UInt8]) throws -> PatientModel {
        if let cached = lock.withLock({ entry.flatMap { $0.grid == grid && $0.density == density && $0.materials == materials ? $0.patient : nil } }) {
            return cached
        }
        let decoded = try materials.map { code in
            guard let m = Material(rawValue: code) else { throw WireError.malformed("unknown material code \(code)") }
            return m
        }
        let patient = try PatientModel(grid: grid, densityGPerCC: density, materials: decoded)
        lock.withLock { entry = Entry(grid: grid, density: density, materials: materials, patient: patient) }
        return patient
    }

    /// Runs `body` with a calculator for `batch` (an idle one of the cached patient when `batch` holds that patient and
    /// one was made for its geometry and transport settings, else a new one), and keeps the calculator for the next batch.
    func withCalculator<T>(for batch: BeamletBatch, _ body: (inout BeamletDoseCalculator) throws -> T) throws -> T {
        var calculator = try takeCalculator(for: batch) ?? batch.makeCalculator()
        let result = try body(&calculator)
        lock.withLock {
            guard var current = entry, Self.holds(current.patient, batch.patient), current.idle.count < Self.maximumIdleCalculators else { return }
            entry = nil  // keeps `current.idle` uniquely referenced while it grows
            current.idle.append(calculator)
            entry = current
        }
        return result
    }

    /// Runs `body` with an idle forward-dose accumulator (``PartialDoseScratch``, all zero), kept for the next batch after
    /// `body` returned (the accumulator is zero again then; one that saw an error is dropped).
    func withScratch<T>(_ body: (inout PartialDoseScratch) throws -> T) rethrows -> T {
        var scratch = lock.withLock { idleScratch.popLast() } ?? PartialDoseScratch()
        let result = try body(&scratch)
        lock.withLock { if idleScratch.count < Self.maximumIdleCalculators { idleScratch.append(scratch) } }
        return result
    }

    /// Number of idle calculators held (tests).
    var idleCount: Int { lock.withLock { entry?.idle.count ?? 0 } }

    private func takeCalculator(for batch: BeamletBatch) -> BeamletDoseCalculator? {
        lock.withLock {
            guard var current = entry, Self.holds(current.patient, batch.patient),
                  let i = current.idle.firstIndex(where: { $0.geometry == batch.geometry && $0.settings == batch.statistics.transport }) else {
                return nil
            }
            entry = nil
            let calculator = current.idle.remove(at: i)
            entry = current
            return calculator
        }
    }

    /// Whether `patient` is the cached model `cached` (the same grid and arrays; O(1) when it came from this cache).
    private static func holds(_ cached: PatientModel, _ patient: PatientModel) -> Bool {
        cached.grid == patient.grid && cached.densityGPerCC == patient.densityGPerCC && cached.materials == patient.materials
    }
}
