/// How the voxel axes i, j, k of a NIfTI image map onto our LPS x, y, z axes.
///
/// The image's affine (sform when `sform_code > 0`, else the qform quaternion when
/// `qform_code > 0`) maps voxel indices to RAS mm; negating its x and y rows gives LPS. Each voxel
/// axis must run along one LPS axis (off-axis direction cosine components ≤ ``obliqueTolerance``),
/// each LPS axis fed by exactly one voxel axis.
struct NIfTIOrientation: Sendable, Equatable {
    /// Largest off-axis direction cosine component accepted as axis-aligned.
    static let obliqueTolerance = 1e-3

    /// For LPS axis w (0 = x, 1 = y, 2 = z): the voxel axis (0 = i, 1 = j, 2 = k) running along it.
    let sourceAxis: [Int]
    /// For LPS axis w: true when the voxel axis runs towards decreasing w (the array is flipped).
    let flipped: [Bool]
    /// Voxel size along x, y, z in mm.
    let spacingMM: SIMD3<Double>
    /// LPS position of the voxel that becomes [0,0,0] after re-ordering.
    let originMM: SIMD3<Double>

    init(header: NIfTIHeader, file: String) throws {
        let affine = try NIfTIOrientation.affineLPS(header, file: file)
        var source = [-1, -1, -1], flipped = [false, false, false]
        var spacing = SIMD3<Double>(repeating: 0)
        for axis in 0..<3 {
            let column = (0..<3).map { affine[$0][axis] }
            let norm = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let axisName = ["i", "j", "k"][axis]
            guard norm.isFinite, norm > 0 else {
                throw StoreError.nifti(file: file, reason: "voxel axis \(axisName) has zero or non-finite length in the affine \(affine)")
            }
            let w = (0..<3).max { abs(column[$0]) < abs(column[$1]) }!
            for other in 0..<3 where other != w && abs(column[other]) / norm > NIfTIOrientation.obliqueTolerance {
                let cosines = column.map { $0 / norm }
                throw StoreError.nifti(file: file, reason: "oblique image: voxel axis \(axisName) has LPS direction cosines \(cosines); only axis-aligned images are supported (tolerance \(NIfTIOrientation.obliqueTolerance))")
            }
            guard source[w] < 0 else {
                throw StoreError.nifti(file: file, reason: "voxel axes \(["i", "j", "k"][source[w]]) and \(axisName) both run along LPS \(["x", "y", "z"][w])")
            }
            source[w] = axis
            flipped[w] = column[w] < 0
            spacing[w] = norm
        }
        var corner = [0.0, 0.0, 0.0]
        for w in 0..<3 where flipped[w] { corner[source[w]] = Double(header.dims[source[w]] - 1) }
        var origin = SIMD3<Double>(repeating: 0)
        for row in 0..<3 {
            origin[row] = affine[row][3] + (0..<3).reduce(0) { $0 + affine[row][$1] * corner[$1] }
        }
        self.sourceAxis = source
        self.flipped = flipped
        self.spacingMM = spacing
        self.originMM = origin
    }

    /// The 3×4 voxel-to-LPS affine in mm (rows x, y, z; last column the offset), scaled by the header's spatial unit.
    static func affineLPS(_ h: NIfTIHeader, file: String) throws -> [[Double]] {
        var m: [[Double]]
        if h.sformCode > 0 {
            m = h.sform
        } else if h.qformCode > 0 {
            let (b, c, d) = (h.quaternion[0], h.quaternion[1], h.quaternion[2])
            let a = max(0, 1 - (b * b + c * c + d * d)).squareRoot()
            let r = [[a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
                     [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
                     [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b]]
            let qfac = h.pixdim[0] < 0 ? -1.0 : 1.0
            let scale = [h.pixdim[1], h.pixdim[2], h.pixdim[3] * qfac]
            m = (0..<3).map { row in (0..<3).map { r[row][$0] * scale[$0] } + [h.qOffset[row]] }
        } else {
            throw StoreError.nifti(file: file, reason: "qform_code and sform_code are both 0: the image has no patient orientation")
        }
        guard m.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw StoreError.nifti(file: file, reason: "the \(h.sformCode > 0 ? "sform" : "qform") contains non-finite values")
        }
        m = m.map { row in row.map { $0 * h.millimetresPerUnit } }
        m[0] = m[0].map { -$0 }
        m[1] = m[1].map { -$0 }
        return m
    }
}
