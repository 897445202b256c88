import Foundation

/// Per-process memo of the pencil beam's per-patient and per-kernel tables, so that the batches a worker runs one
/// after another for the same patient and kernel compute them once. Exact: the water scale is reused only for the
/// very same density and material arrays (same storage, which the memo keeps alive, so equal contents), the
/// kernel's node maxima only for a table equal value by value.
final class PencilBeamCache: @unchecked Sendable {
    static let shared = PencilBeamCache()

    private let lock = NSLock()
    private var density: [Double] = [], materials: [Material] = [], scale: [Float] = []
    private var kernelValues: [Float] = [], maxima: [Float] = []

    /// ``RadiologicalDepthFan/waterScale(of:)`` of `patient`.
    func waterScale(of patient: PatientModel) -> [Float] {
        if let hit = lock.withLock({ () -> [Float]? in
            Self.sameStorage(density, patient.densityGPerCC) && Self.sameStorage(materials, patient.materials) ? scale : nil
        }) {
            return hit
        }
        let made = RadiologicalDepthFan.waterScale(of: patient)
        lock.withLock { density = patient.densityGPerCC; materials = patient.materials; scale = made }
        return made
    }

    /// ``PencilBeamKernel/cornerMaxima()`` of `kernel`.
    func cornerMaxima(of kernel: PencilBeamKernel) -> [Float] {
        if let hit = lock.withLock({ kernelValues == kernel.valuesGy ? maxima : nil }) { return hit }
        let made = kernel.cornerMaxima()
        lock.withLock { kernelValues = kernel.valuesGy; maxima = made }
        return made
    }

    /// True when `a` and `b` share their storage (and count).
    private static func sameStorage<T>(_ a: [T], _ b: [T]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }
}
