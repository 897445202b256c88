import Core
import Dose

/// Low-pass filter of a Monte Carlo correction c = D_mc·w − D_pb·w on the dose grid, restricted to the body.
///
/// The pencil beam's systematic error (the summed scatter tail it truncates, heterogeneity) varies over
/// centimetres, while the Monte Carlo noise of c is independent between voxels; a Gaussian low-pass keeps the
/// first and damps the second. Inside the body the filtered value is Σ_k G(i−k) m_k c_k / Σ_k G(i−k) m_k (m = body
/// mask), so air neither dilutes nor receives correction; outside the body the correction is 0. The Gaussian is
/// ``DoseSmoothing``'s (separable, truncated at 2σ), so noise independent between voxels far from the body edge is
/// divided by 1/``noiseFactor`` and any dose that is constant or linear over the kernel's reach passes unchanged.
public struct CorrectionSmoothing: Sendable {
    /// The kernel.
    public let kernel: DoseSmoothing
    /// Body voxels (true) of the dose grid.
    public let body: [Bool]
    /// The region of every dose voxel (≥ 0; −1 outside the body): the filter averages only over voxels of a voxel's own
    /// region. One region (0) for the whole body unless built with structures.
    public let regions: [Int32]

    /// Density separating air from the body (lung is ≈ 0.26 g/cm³, air 0.0012 g/cm³).
    public static let bodyDensityGPerCC = 0.1

    /// The filter of standard deviation `sigmaMM` (> 0) inside the body of `patient` (density ≥ ``bodyDensityGPerCC``).
    /// - Throws: ``PlanningError`` for a sigma that is not positive and finite.
    public init(patient: PatientModel, sigmaMM: Double) throws {
        let body = Self.body(patient)
        try self.init(patient: patient, sigmaMM: sigmaMM, body: body, regions: body.map { $0 ? 0 : -1 })
    }

    /// The filter restricted within each structure: a body voxel's region is the structure that keeps it in the cost
    /// function after overlap resolution (``DoseGridStructures/optimisationRows``; a voxel kept by several structures of
    /// equal priority goes to the first by name), and the body voxels of no structure form one more region.
    /// - Throws: ``PlanningError`` for a sigma that is not positive and finite or structures on another grid.
    public init(patient: PatientModel, sigmaMM: Double, structures: DoseGridStructures) throws {
        guard structures.grid == patient.grid else {
            throw PlanningError("structures on grid \(structures.grid), patient on \(patient.grid)")
        }
        let body = Self.body(patient), names = structures.names
        var labels = body.map { $0 ? Int32(0) : -1 }
        for (position, name) in names.enumerated().reversed() {
            for row in structures.optimisationRows[name] ?? [] where body[Int(row)] { labels[Int(row)] = Int32(position + 1) }
        }
        try self.init(patient: patient, sigmaMM: sigmaMM, body: body, regions: labels)
    }

    private init(patient: PatientModel, sigmaMM: Double, body: [Bool], regions: [Int32]) throws {
        guard sigmaMM > 0 else { throw PlanningError("correction smoothing sigma must be > 0 mm, got \(sigmaMM)") }
        kernel = try DoseSmoothing(grid: patient.grid, sigmaMM: sigmaMM)
        self.body = body
        self.regions = regions
    }

    /// Body voxels of `patient`: density ≥ ``bodyDensityGPerCC``.
    static func body(_ patient: PatientModel) -> [Bool] { patient.densityGPerCC.map { $0 >= bodyDensityGPerCC } }

    /// Factor by which the filter divides noise independent between voxels away from the body edge.
    public var noiseFactor: Double { kernel.noiseFactor }

    /// The filtered correction (one value per dose voxel, Gy): in each region Σ_k G(i−k) m_k c_k / Σ_k G(i−k) m_k with
    /// m the region's mask, 0 outside the body.
    public func smooth(_ correctionGy: [Double]) -> [Double] {
        let grid = kernel.grid
        precondition(correctionGy.count == grid.voxelCount, "\(correctionGy.count) values on a grid of \(grid.voxelCount) voxels")
        let strides = [1, grid.nx, grid.sliceCount], counts = [grid.nx, grid.ny, grid.nz]
        var out = [Double](repeating: 0, count: grid.voxelCount)
        for region in Set(regions).filter({ $0 >= 0 }).sorted() {
            let inside = regions.map { $0 == region }
            var numerator = zip(correctionGy, inside).map { $1 ? $0 : 0 }
            var denominator = inside.map { $0 ? 1.0 : 0 }
            for axis in 0..<3 {
                let k = kernel.weights[axis].map(Double.init)
                numerator = Self.convolve(numerator, k, stride: strides[axis], count: counts[axis])
                denominator = Self.convolve(denominator, k, stride: strides[axis], count: counts[axis])
            }
            for i in out.indices where inside[i] && denominator[i] > 0 { out[i] = numerator[i] / denominator[i] }
        }
        return out
    }

    /// `values` convolved along one axis (index step `stride`, `count` voxels along it) with the symmetric `kernel`;
    /// the kernel is cut at the grid's faces. Chunks of indices run on ``DoseSetup/setupThreads`` threads (each output
    /// once: the same bits for any thread count).
    static func convolve(_ values: [Double], _ kernel: [Double], stride: Int, count: Int) -> [Double] {
        let radius = kernel.count / 2
        var out = [Double](repeating: 0, count: values.count)
        let chunks = 64, n = values.count
        out.withUnsafeMutableBufferPointer { result in
            values.withUnsafeBufferPointer { v in
                kernel.withUnsafeBufferPointer { k in
                    let target = result
                    Concurrent.forEach(chunks, threads: DoseSetup.setupThreads) { c in
                        for index in (c * n / chunks)..<((c + 1) * n / chunks) {
                            let position = (index / stride) % count
                            var sum = 0.0
                            for d in max(-radius, -position)...min(radius, count - 1 - position) {
                                sum += k[d + radius] * v[index + d * stride]
                            }
                            target[index] = sum
                        }
                    }
                }
            }
        }
        return out
    }
}
