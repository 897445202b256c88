import CHDF5
import Core

/// A planning case: the CT in Hounsfield units with its geometry and the clinical structures.
///
/// HDF5 layout (schema 1): `/ct/hu` int16 `[z][y][x]` (chunked by slab, shuffle + deflate 4);
/// attributes `spacing_mm`, `origin_mm` ([x, y, z] float64, origin = centre of voxel [0,0,0],
/// LPS), `orientation` and `array_order` = "zyx" on `/ct` and on the root; root `schema` = 1
/// (a file without it is version 1), optional `frame_of_reference_uid` and the optional DICOM
/// identity attributes of ``CTSeriesIdentity``; `/structures/<name>`
/// uint8 masks with optional `voi_type`, `overlap_priority`, `objectives_json`. Readers ignore
/// attributes and datasets they do not know (e.g. `/ct/red`).
public struct CaseFile: Sendable, Equatable {
    /// The case layout version this code writes and the newest it reads.
    public static let schemaVersion = 1

    /// The CT in Hounsfield units.
    public let ct: CTVolume
    /// Structures on the CT grid, in name order.
    public let structures: [Structure]
    /// Patient orientation, e.g. "HFS" (head first supine).
    public let orientation: String
    /// DICOM Frame of Reference UID, when known.
    public let frameOfReferenceUID: String?
    /// Patient, study and slice UIDs of the CT series the case was imported from, when known.
    public let seriesIdentity: CTSeriesIdentity?

    /// A case; throws when a structure's grid differs from the CT's, or a name breaks ``StructureName``'s rule
    /// (1…64 printable characters without "/", "\\", control or format characters, no surrounding whitespace),
    /// or is used twice, or `orientation` is not one of ``patientPositions``. Structures are sorted by name. Errors
    /// name `source`, the file the case was read or imported from.
    public init(ct: CTVolume, structures: [Structure] = [], orientation: String = "HFS", frameOfReferenceUID: String? = nil,
                seriesIdentity: CTSeriesIdentity? = nil, source: String = "(case in memory)") throws {
        let g = ct.grid
        if let problem = StoreLimits.geometryProblem(spacingMM: [g.spacingMM.x, g.spacingMM.y, g.spacingMM.z],
                                                     originMM: [g.originMM.x, g.originMM.y, g.originMM.z]) {
            throw StoreError.invalid(file: source, object: "/ct", reason: problem)
        }
        if let problem = CaseFile.orientationProblem(orientation) {
            throw StoreError.invalid(file: source, object: "/ attribute orientation", reason: problem)
        }
        for (name, uid) in [("frame_of_reference_uid", frameOfReferenceUID)] + (seriesIdentity?.namedUIDs ?? []) {
            guard let uid, !uid.isEmpty else { continue }
            guard CaseFile.isDICOMUID(uid) else {
                throw StoreError.invalid(file: source, object: "/ attribute \(name)",
                                         reason: "\"\(uid.prefix(80))\" is not a DICOM UID (digits and dots, at most 64 characters)")
            }
        }
        if let identity = seriesIdentity {
            for (name, value, nameGroups) in [("patient_id", identity.patientID, false), ("patient_name", identity.patientName, true)] {
                if let problem = CaseFile.patientFieldProblem(value, nameGroups: nameGroups) {
                    throw StoreError.invalid(file: source, object: "/ attribute \(name)", reason: problem)
                }
            }
        }
        var seen = Set<String>()
        for s in structures {
            try CaseFile.checkName(s.name, file: source)
            guard seen.insert(s.name).inserted else {
                throw StoreError.invalid(file: source, object: "/structures/\(s.name)", reason: "structure name used twice")
            }
            guard s.mask.grid == ct.grid else {
                throw StoreError.invalid(file: source, object: "/structures/\(s.name)",
                                         reason: "mask grid \(s.mask.grid) differs from CT grid \(ct.grid)")
            }
        }
        self.ct = ct
        self.structures = structures.sorted { $0.name < $1.name }
        self.orientation = orientation
        self.frameOfReferenceUID = frameOfReferenceUID
        self.seriesIdentity = seriesIdentity
    }

    /// The structure called `name`, if any.
    public func structure(named name: String) -> Structure? {
        structures.first { $0.name == name }
    }

    /// The Patient Position defined terms of DICOM (PS3.3 C.7.3.1.1.2), the only values `orientation` takes: head or
    /// feet first, supine, prone, decubitus right or left; the last eight are the later-added left/right/anterior/
    /// posterior-first terms.
    public static let patientPositions = ["HFS", "HFP", "FFS", "FFP", "HFDR", "HFDL", "FFDR", "FFDL",
                                          "LFS", "LFP", "RFS", "RFP", "AFDR", "AFDL", "PFDR", "PFDL"]

    /// Why `orientation` is not one of ``patientPositions``, or nil when it is.
    public static func orientationProblem(_ orientation: String) -> String? {
        guard !patientPositions.contains(orientation) else { return nil }
        let shown = String(orientation.prefix(20)).debugDescription + (orientation.count > 20 ? "… (\(orientation.utf8.count) bytes)" : "")
        return "\(shown) is not a DICOM patient position (\(patientPositions.joined(separator: ", ")))"
    }

    /// True for the character syntax of a DICOM UID (PS3.5 § 9.1): 1–64 characters, components of digits separated
    /// by single dots. (Leading zeros inside a component, which the standard forbids, occur in real series and pass.)
    static func isDICOMUID(_ uid: String) -> Bool {
        guard (1...64).contains(uid.utf8.count) else { return false }
        return uid.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { c in
            !c.isEmpty && c.utf8.allSatisfy { (48...57).contains($0) }
        }
    }

    /// Why `value` cannot be written as a DICOM Patient ID (LO) or Patient's Name (PN, `nameGroups`) value, or nil: at
    /// most 64 characters (for a name, per `=`-separated component group), no backslash (it would split the value)
    /// and no control characters other than ESC (ISO 2022 character set switches).
    static func patientFieldProblem(_ value: String, nameGroups: Bool) -> String? {
        let shown = String(value.prefix(80)).debugDescription
        if value.contains("\\") { return "\(shown) contains a backslash, the DICOM value separator" }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\u{1B}" }) {
            return "\(shown) contains control characters"
        }
        let parts = nameGroups ? value.split(separator: "=", omittingEmptySubsequences: false) : [Substring(value)]
        if parts.contains(where: { $0.count > 64 }) { return "\(shown) is longer than the 64 characters DICOM allows" }
        return nil
    }

    /// Throws unless `name` follows ``StructureName`` (Core), the rule job specs use too.
    static func checkName(_ name: String, file: String) throws {
        if let problem = StructureName.problem(name) {
            throw StoreError.invalid(file: file, object: "/structures/" + StructureName.shown(name).dropFirst().dropLast(), reason: problem)
        }
    }
}
