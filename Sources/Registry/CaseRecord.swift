import Core
import Foundation
import GRDB

/// A registered patient case: where its HDF5 case file lives in the store, its checksum, CT grid size
/// and spacing, and the names of the structures (contours) it carries. Row of table `cases`.
public struct CaseRecord: Hashable, Sendable {
    /// Case id (identifier grammar, see `Identifier`).
    public let id: String
    /// Treating site or hospital (identifier grammar).
    public let site: String
    /// When the case was registered.
    public let created: Date
    /// Path of the case file relative to the store root.
    public let casePath: String
    /// SHA-256 of the case file, 64 lowercase hex digits.
    public let sha256: String
    /// CT grid size in voxels.
    public let nx: Int, ny: Int, nz: Int
    /// Voxel spacing (x, y, z) in mm.
    public let spacingMM: SIMD3<Double>
    /// Structure names present in the case file, in file order.
    public let structures: [String]

    public init(
        id: String, site: String, created: Date, casePath: String, sha256: String,
        nx: Int, ny: Int, nz: Int, spacingMM: SIMD3<Double>, structures: [String]
    ) {
        self.id = id
        self.site = site
        self.created = created
        self.casePath = casePath
        self.sha256 = sha256
        self.nx = nx
        self.ny = ny
        self.nz = nz
        self.spacingMM = spacingMM
        self.structures = structures
    }

    /// A case whose size and spacing are those of the CT `grid` (the origin is not registered).
    public init(id: String, site: String, created: Date, casePath: String, sha256: String, grid: Grid, structures: [String]) {
        self.init(id: id, site: site, created: created, casePath: casePath, sha256: sha256,
                  nx: grid.nx, ny: grid.ny, nz: grid.nz, spacingMM: grid.spacingMM, structures: structures)
    }

    /// Throws the `RegistryError` that `Registry.addCase` would raise for this record's fields
    /// (everything except duplicates), so a caller can check before copying files into the store.
    public func validate() throws {
        try Identifier.validate(id, as: .caseID)
        try Identifier.validate(site, as: .site)
        try FieldValidation.checkStorePath(casePath, field: "case path")
        try FieldValidation.checkSHA256(sha256, field: "case sha256")
        for (axis, n) in [("nx", nx), ("ny", ny), ("nz", nz)] {
            try FieldValidation.checkRange(n, 1...1_000_000, field: "case grid \(axis)")
        }
        for (axis, s) in [("x", spacingMM.x), ("y", spacingMM.y), ("z", spacingMM.z)] where !(s.isFinite && s > 0) {
            throw RegistryError.invalidValue(field: "case spacing \(axis) (mm)", reason: "\(s) is not a finite positive number")
        }
        for name in structures {
            if let problem = StructureName.problem(name) { throw RegistryError.invalidValue(field: "structure name", reason: problem) }
        }
        if Set(structures).count != structures.count {
            throw RegistryError.invalidValue(field: "structures", reason: "names repeat in \(structures)")
        }
    }
}

extension CaseRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cases"

    enum TableColumns {
        static let id = Column("id"), site = Column("site"), created = Column("created")
    }

    public init(row: Row) throws {
        let stored = StoredRow(row, table: Self.databaseTableName)
        let json: String = try stored("structures")
        do {
            structures = try JSONDecoder().decode([String].self, from: Data(json.utf8))
        } catch {
            throw stored.failure("structures", "stored JSON is not a list of names: \(error)")
        }
        id = try stored("id")
        site = try stored("site")
        created = try stored("created")
        casePath = try stored("case_path")
        sha256 = try stored("sha256")
        nx = try stored("nx")
        ny = try stored("ny")
        nz = try stored("nz")
        spacingMM = SIMD3(try stored("spacing_x_mm"), try stored("spacing_y_mm"), try stored("spacing_z_mm"))
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["site"] = site
        container["created"] = created
        container["case_path"] = casePath
        container["sha256"] = sha256
        container["nx"] = nx
        container["ny"] = ny
        container["nz"] = nz
        container["spacing_x_mm"] = spacingMM.x
        container["spacing_y_mm"] = spacingMM.y
        container["spacing_z_mm"] = spacingMM.z
        container["structures"] = String(decoding: try JSONEncoder().encode(structures), as: UTF8.self)
    }
}
