import Core

/// A synthetic CT case with exact ground truth: the CT, its structures and a planning isocentre.
///
/// Masks are evaluated at voxel centres from analytic shapes, so they are exact for the grid
/// (no partial-volume ambiguity). The CT carries optional noise and blur; the masks do not.
public struct Phantom: Sendable {
    /// Which generator made the phantom (`water-cylinder`, `water-box`, `thorax`).
    public let kind: String
    /// CT numbers in HU, clamped to [-1024, 3071].
    public let ct: CTVolume
    /// Ground-truth structures in a stable order (see ``PhantomFactory`` for each kind's list).
    public let structures: [Structure]
    /// Planning isocentre in mm (LPS): centre of mass of the PTV voxel centres (thorax) or the
    /// centre of the water (water phantoms).
    public let isocentreMM: SIMD3<Double>
    /// Seed the phantom was generated from (noise and anatomical variation).
    public let seed: UInt64

    /// Creates a phantom; all masks must be on the CT grid.
    public init(kind: String, ct: CTVolume, structures: [Structure], isocentreMM: SIMD3<Double>, seed: UInt64) {
        precondition(structures.allSatisfy { $0.mask.grid == ct.grid }, "every structure mask must be on the CT grid")
        self.kind = kind
        self.ct = ct
        self.structures = structures
        self.isocentreMM = isocentreMM
        self.seed = seed
    }

    /// Geometry shared by the CT and all masks.
    public var grid: Grid { ct.grid }

    /// Names of the structures, in order.
    public var structureNames: [String] { structures.map(\.name) }

    /// The structure called `name`, or nil when the phantom has none of that name.
    public func structure(named name: String) -> Structure? {
        structures.first { $0.name == name }
    }

    /// The mask of structure `name`, or nil when the phantom has none of that name.
    public func mask(named name: String) -> MaskVolume? {
        structure(named: name)?.mask
    }
}
