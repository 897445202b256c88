/// The finite-size pencil-beam kernel of one square beamlet in water: dose per unit beamlet weight as a
/// function of radiological depth and off-axis distance, with the inverse square law factored out.
///
/// `valuesGy` tabulates K(d, |u|, |v|) = D(d, u, v)·(z/SAD)², where D is the Monte Carlo dose (Gy per unit
/// weight, ``DoseCalibration/reference``) of a beamlet centred on the axis, d the depth below the water
/// surface, z = distance from the source along the central axis and (u, v) the off-axis position projected
/// onto the isocentre plane. Depth nodes sit at (k + ½)·`depthSpacingMM` (voxel centres of the simulation),
/// lateral nodes at i·`lateralSpacingMM` of |u| and |v| (the beamlet is symmetric under u → −u and v → −v, so the
/// four quadrants are folded into one). Layout: index (k·n + j)·n + i for depth k, |v| node j, |u| node i,
/// n = `lateralCount`. A pure value: it can travel in a task message.
public struct PencilBeamKernel: Sendable, Hashable {
    /// Bixel width on the isocentre plane, mm.
    public let bixelMM: Double
    /// Focal spot σ of the simulated source, mm.
    public let focalSpotSigmaMM: Double
    /// Source-axis distance of the simulated beam, mm.
    public let sadMM: Double
    /// Depth node spacing, mm (nodes at (k + ½)·spacing).
    public let depthSpacingMM: Double
    /// Lateral node spacing on the isocentre plane, mm (nodes at i·spacing).
    public let lateralSpacingMM: Double
    /// Number of depth nodes.
    public let depthCount: Int
    /// Number of lateral nodes per axis.
    public let lateralCount: Int
    /// Primary photons simulated for the table.
    public let histories: Int
    /// K(d, |u|, |v|) in Gy per unit weight (see the type's doc for the layout).
    public let valuesGy: [Float]

    /// A kernel from its table; throws ``DoseError`` for inconsistent sizes or non-positive spacings.
    public init(bixelMM: Double, focalSpotSigmaMM: Double, sadMM: Double, depthSpacingMM: Double, lateralSpacingMM: Double,
                depthCount: Int, lateralCount: Int, histories: Int, valuesGy: [Float]) throws {
        guard bixelMM > 0, sadMM > 0, focalSpotSigmaMM >= 0, depthSpacingMM > 0, lateralSpacingMM > 0, depthCount >= 2, lateralCount >= 2,
              valuesGy.count == depthCount * lateralCount * lateralCount, valuesGy.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw DoseError.invalidParameter("pencil-beam kernel table of \(valuesGy.count) values does not match \(depthCount) depths × \(lateralCount)² lateral nodes or has invalid spacings")
        }
        self.bixelMM = bixelMM; self.focalSpotSigmaMM = focalSpotSigmaMM; self.sadMM = sadMM
        self.depthSpacingMM = depthSpacingMM; self.lateralSpacingMM = lateralSpacingMM
        self.depthCount = depthCount; self.lateralCount = lateralCount
        self.histories = histories
        self.valuesGy = valuesGy
    }

    /// Deepest tabulated depth (the last node), mm.
    public var maximumDepthMM: Double { (Double(depthCount) - 0.5) * depthSpacingMM }
    /// Largest tabulated off-axis distance per axis, mm.
    public var lateralExtentMM: Double { Double(lateralCount - 1) * lateralSpacingMM }
    /// Largest value of the table.
    public var maximumGy: Float { valuesGy.max() ?? 0 }

    /// K at radiological depth `depthMM` and projected off-axis distances (`uMM`, `vMM`), trilinear between nodes.
    /// Depths above the first node take the first node's value, depths below the last node the last node's;
    /// off-axis distances beyond the table give 0.
    @inline(__always) public func value(depthMM: Double, uMM: Double, vMM: Double) -> Double {
        let (k, fz) = depthNode(depthMM: depthMM)
        return valuesGy.withUnsafeBufferPointer { value(depthNode: k, depthFraction: fz, uMM: uMM, vMM: vMM, table: $0) }
    }

    /// The depth node k below `depthMM` (clamped to the table) and the fraction towards node k + 1 with which
    /// ``value(depthMM:uMM:vMM:)`` interpolates: a voxel's depth part, shared by every beamlet that reaches it.
    @inline(__always) func depthNode(depthMM: Double) -> (node: Int, fraction: Double) {
        depthNode(depthInSpacings: depthMM / depthSpacingMM)
    }

    /// ``depthNode(depthMM:)`` of the depth in units of the node spacing (depth / ``depthSpacingMM``).
    @inline(__always) func depthNode(depthInSpacings q: Double) -> (node: Int, fraction: Double) {
        let z = min(max(q - 0.5, 0), Double(depthCount - 1) - 1e-9)
        let k = min(Int(z), depthCount - 2)
        return (k, z - Double(k))
    }

    /// K at the depth given by ``depthNode(depthMM:)`` and off-axis (`uMM`, `vMM`), `table` = ``valuesGy``: the same
    /// arithmetic as ``value(depthMM:uMM:vMM:)``, so the same value to the bit.
    @inline(__always) func value(depthNode k: Int, depthFraction fz: Double, uMM: Double, vMM: Double, table t: UnsafeBufferPointer<Float>) -> Double {
        let x = abs(uMM) / lateralSpacingMM, y = abs(vMM) / lateralSpacingMM
        return value(depthNode: k, depthFraction: fz, lateralX: x, lateralY: y, table: t)
    }

    /// The same with the lateral node coordinates x = |u|/spacing and y = |v|/spacing given.
    @inline(__always) func value(depthNode k: Int, depthFraction fz: Double, lateralX x: Double, lateralY y: Double,
                                 table t: UnsafeBufferPointer<Float>) -> Double {
        let n = lateralCount
        guard x < Double(n - 1), y < Double(n - 1) else { return 0 }
        let i = Int(x), j = Int(y)
        return interpolate(node: (k * n + j) * n + i, fx: x - Double(i), fy: y - Double(j), fz: fz, table: t)
    }

    /// The trilinear interpolation between table node `b` = (k·n + j)·n + i and its seven neighbours towards
    /// k + 1, j + 1 and i + 1 with fractions `fz`, `fy`, `fx`: the arithmetic of ``value(depthMM:uMM:vMM:)``.
    @inline(__always) func interpolate(node b: Int, fx: Double, fy: Double, fz: Double, table t: UnsafeBufferPointer<Float>) -> Double {
        let n = lateralCount
        func plane(_ b: Int) -> Double {
            let low = Double(t[b]) * (1 - fx) + Double(t[b + 1]) * fx
            let high = Double(t[b + n]) * (1 - fx) + Double(t[b + n + 1]) * fx
            return low * (1 - fy) + high * fy
        }
        return plane(b) * (1 - fz) + plane(b + n * n) * fz
    }

    /// Per table node b = (k·n + j)·n + i with k < depthCount − 1 and i, j < n − 1: the largest of the eight
    /// nodes ``interpolate(node:fx:fy:fz:table:)`` combines from b (+∞ elsewhere). Every interpolated value from b
    /// is a convex combination of them, so at most this (up to rounding of relative order 10⁻¹⁵).
    func cornerMaxima() -> [Float] {
        let n = lateralCount
        var maxima = [Float](repeating: .infinity, count: valuesGy.count)
        for k in 0..<(depthCount - 1) {
            for j in 0..<(n - 1) {
                for i in 0..<(n - 1) {
                    let b = (k * n + j) * n + i
                    var m: Float = 0
                    for c in [b, b + 1, b + n, b + n + 1] { m = max(m, valuesGy[c], valuesGy[c + n * n]) }
                    maxima[b] = m
                }
            }
        }
        return maxima
    }

    /// Dose (Gy per unit weight) at radiological depth `depthMM`, projected off-axis (`uMM`, `vMM`) and distance
    /// `axisDistanceMM` from the source along the central axis: K·(SAD/z)².
    @inline(__always) public func doseGy(depthMM: Double, uMM: Double, vMM: Double, axisDistanceMM: Double) -> Double {
        let s = sadMM / axisDistanceMM
        return value(depthMM: depthMM, uMM: uMM, vMM: vMM) * s * s
    }

    /// 1 / ``lateralSpacingMM`` when multiplying by it is exactly dividing by the spacing (a power of two), else nil.
    var exactInverseLateralSpacing: Double? {
        let inverse = 1 / lateralSpacingMM
        return lateralSpacingMM.significandBitPattern == 0 && inverse * lateralSpacingMM == 1 ? inverse : nil
    }

    /// Lateral reach (mm, per axis on the isocentre plane) at every depth node: one node past the outermost node of
    /// that depth at or above `thresholdRelative` × ``maximumGy`` (0 when none is), at most the table's extent.
    public func reachByDepthMM(thresholdRelative: Double) -> [Double] {
        let cut = Double(maximumGy) * thresholdRelative
        guard cut > 0 else { return Array(repeating: lateralExtentMM, count: depthCount) }
        return (0..<depthCount).map { k in
            var reach = -1
            for j in 0..<lateralCount {
                for i in 0..<lateralCount where Double(valuesGy[(k * lateralCount + j) * lateralCount + i]) >= cut {
                    reach = max(reach, i, j)
                }
            }
            return reach < 0 ? 0 : min(Double(reach + 1), Double(lateralCount - 1)) * lateralSpacingMM
        }
    }

    /// Lateral reach (mm, per axis on the isocentre plane) beyond which every tabulated value is below
    /// `thresholdRelative` × ``maximumGy``: one node past the outermost node at or above it.
    public func cutoffMM(thresholdRelative: Double) -> Double {
        let cut = Double(maximumGy) * thresholdRelative
        guard cut > 0 else { return lateralExtentMM }
        var reach = 0
        for k in 0..<depthCount {
            for j in 0..<lateralCount {
                for i in 0..<lateralCount where Double(valuesGy[(k * lateralCount + j) * lateralCount + i]) >= cut {
                    reach = max(reach, i, j)
                }
            }
        }
        return min(Double(reach + 1), Double(lateralCount - 1)) * lateralSpacingMM
    }
}
