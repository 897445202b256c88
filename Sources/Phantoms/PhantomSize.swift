/// Voxel dimensions of a generated phantom. The physical extent is fixed by the phantom kind
/// (thorax: 540 × 540 mm in-plane, 280 mm in z), so the spacing adapts to the voxel count.
public struct PhantomSize: Sendable, Hashable, CustomStringConvertible {
    /// Number of voxels along x, y, z.
    public let nx: Int, ny: Int, nz: Int

    /// Smallest accepted dimension in-plane and along z.
    public static let minimumInPlane = 16, minimumSlices = 8

    /// Creates a size after checking `nx, ny ≥ 16`, `nz ≥ 8` and at most 1024 × 1024 × 1024.
    public init(nx: Int, ny: Int, nz: Int) throws {
        guard nx >= Self.minimumInPlane, ny >= Self.minimumInPlane, nz >= Self.minimumSlices else {
            throw PhantomError.invalidSize("\(nx)×\(ny)×\(nz) voxels; need at least \(Self.minimumInPlane)×\(Self.minimumInPlane)×\(Self.minimumSlices)")
        }
        guard nx <= 1024, ny <= 1024, nz <= 1024 else {
            throw PhantomError.invalidSize("\(nx)×\(ny)×\(nz) voxels; at most 1024 per axis")
        }
        self.nx = nx; self.ny = ny; self.nz = nz
    }

    private init(unchecked nx: Int, _ ny: Int, _ nz: Int) { self.nx = nx; self.ny = ny; self.nz = nz }

    /// 64 × 64 × 40 voxels (thorax: 8.4 mm in-plane, 7 mm slices): unit tests.
    public static let small = PhantomSize(unchecked: 64, 64, 40)
    /// 128 × 128 × 64 voxels (thorax: 4.2 mm in-plane, 4.4 mm slices): demo and default.
    public static let standard = PhantomSize(unchecked: 128, 128, 64)
    /// 256 × 256 × 120 voxels (thorax: 2.1 mm in-plane, 2.3 mm slices): benchmarks.
    public static let large = PhantomSize(unchecked: 256, 256, 120)

    /// Parses `small`, `standard`/`default`, `large` or `NXxNYxNZ` (e.g. `96x96x48`).
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "small": self = .small
        case "standard", "default": self = .standard
        case "large": self = .large
        default:
            let parts = text.lowercased().split(separator: "x").map { Int($0) }
            guard parts.count == 3, let nx = parts[0], let ny = parts[1], let nz = parts[2] else {
                throw PhantomError.invalidSize("'\(text)' is not small, standard, large or NXxNYxNZ")
            }
            try self.init(nx: nx, ny: ny, nz: nz)
        }
    }

    public var description: String { "\(nx)x\(ny)x\(nz)" }
}
