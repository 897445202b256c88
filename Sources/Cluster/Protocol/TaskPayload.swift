import Core

/// The data of one task or task result: named typed fields, encoded explicitly (sorted by name) so that a
/// worker needs nothing but the message. Job kinds put their slab volumes, parameters and summaries here.
///
/// A field may be marked *shared* (``setShared(_:_:key:)``): the same array goes to many tasks (a patient model in
/// every beamlet batch). It travels with its content key, and once a worker holds it, by key alone: the worker's
/// ``PayloadCache`` supplies the array, or the worker answers with a miss and the coordinator resends it.
public struct TaskPayload: Sendable, Equatable {
    /// The fields by name.
    public private(set) var fields: [String: WireArray]
    /// Content keys (``WireArray/contentKey``) of the shared fields, by field name.
    public private(set) var sharedKeys: [String: String] = [:]
    /// Fields that arrived by content key only (their data is not in `fields` until a cache resolves them).
    public private(set) var references: [String: String] = [:]

    /// A payload holding `fields`.
    public init(_ fields: [String: WireArray] = [:]) { self.fields = fields }

    /// Sets (or replaces) field `name`; the field is no longer shared.
    public subscript(name: String) -> WireArray? {
        get { fields[name] }
        set {
            fields[name] = newValue
            sharedKeys[name] = nil
            references[name] = nil
        }
    }

    /// Sets field `name` to `value` and marks it shared under `key`, which must be `value.contentKey` (computed
    /// once by the caller for an array that many payloads share).
    public mutating func setShared(_ name: String, _ value: WireArray, key: String) {
        fields[name] = value
        sharedKeys[name] = key
        references[name] = nil
    }

    /// The same payload with its references filled in from `arrays` (by content key) and every field plain.
    func resolved(_ arrays: [String: WireArray]) -> TaskPayload {
        var plain = TaskPayload(fields)
        for (name, key) in references { plain.fields[name] = arrays[key] }
        return plain
    }

    /// The same fields, none of them shared (sent in full, not cached).
    var unshared: TaskPayload { TaskPayload(fields) }

    /// Total size of the field data in bytes (the measure recorded in task timings).
    public var byteCount: Int { fields.values.reduce(0) { $0 + $1.byteCount } }

    /// Field `name`, or `missingField`.
    public func field(_ name: String) throws -> WireArray {
        guard let value = fields[name] else { throw WireError.missingField(name) }
        return value
    }

    public func uint8s(_ name: String) throws -> [UInt8] {
        if case .uint8(let v) = try field(name) { return v }
        throw mismatch(name, "uint8")
    }
    public func int16s(_ name: String) throws -> [Int16] {
        if case .int16(let v) = try field(name) { return v }
        throw mismatch(name, "int16")
    }
    public func int32s(_ name: String) throws -> [Int32] {
        if case .int32(let v) = try field(name) { return v }
        throw mismatch(name, "int32")
    }
    public func int64s(_ name: String) throws -> [Int64] {
        if case .int64(let v) = try field(name) { return v }
        throw mismatch(name, "int64")
    }
    public func float32s(_ name: String) throws -> [Float] {
        if case .float32(let v) = try field(name) { return v }
        throw mismatch(name, "float32")
    }
    public func float64s(_ name: String) throws -> [Double] {
        if case .float64(let v) = try field(name) { return v }
        throw mismatch(name, "float64")
    }
    public func text(_ name: String) throws -> String {
        if case .text(let v) = try field(name) { return v }
        throw mismatch(name, "text")
    }

    /// A single int64 field.
    public func int64(_ name: String) throws -> Int64 {
        let values = try int64s(name)
        guard values.count == 1 else { throw WireError.malformed("field \(name) holds \(values.count) values, expected 1") }
        return values[0]
    }

    /// Stores `grid` as field `name` (float64 [nx, ny, nz, spacing x y z, origin x y z]).
    public mutating func setGrid(_ grid: Grid, as name: String) {
        fields[name] = .float64([Double(grid.nx), Double(grid.ny), Double(grid.nz),
                                 grid.spacingMM.x, grid.spacingMM.y, grid.spacingMM.z,
                                 grid.originMM.x, grid.originMM.y, grid.originMM.z])
    }

    /// The grid stored by `setGrid(_:as:)`; throws when the field is missing or invalid.
    public func grid(_ name: String) throws -> Grid {
        let v = try float64s(name)
        guard v.count == 9, v[0...2].allSatisfy({ $0 >= 1 && $0 <= 1e9 && $0 == $0.rounded() }) else {
            throw WireError.malformed("field \(name) is not a grid")
        }
        return try Grid(nx: Int(v[0]), ny: Int(v[1]), nz: Int(v[2]), spacingMM: SIMD3(v[3], v[4], v[5]),
                        originMM: SIMD3(v[6], v[7], v[8]))
    }

    private func mismatch(_ name: String, _ expected: String) -> WireError {
        .typeMismatch(field: name, expected: expected, found: fields[name]?.typeName ?? "nothing")
    }

    /// Field count (UInt32), then for each field in name order: name, element type, count, elements. A shared
    /// field is element type 8, its content key, then the array (type, count, elements); a shared field named in
    /// `referencing` (or one that arrived as a reference) is element type 9 and its content key alone.
    func encode(into writer: inout ByteWriter, referencing: Set<String> = []) {
        let names = Set(fields.keys).union(references.keys).sorted()
        writer.write(UInt32(names.count))
        for name in names {
            writer.write(name)
            if let key = references[name] ?? (referencing.contains(name) ? sharedKeys[name] : nil) {
                writer.write(Self.referenceCode)
                writer.write(key)
            } else if let key = sharedKeys[name], let value = fields[name] {
                writer.write(Self.sharedCode)
                writer.write(key)
                value.encode(into: &writer)
            } else if let value = fields[name] {
                value.encode(into: &writer)
            }
        }
    }

    /// Element type code of a shared field sent with its data.
    static let sharedCode: UInt8 = 8
    /// Element type code of a shared field sent by content key alone.
    static let referenceCode: UInt8 = 9

    static func decode(from reader: inout ByteReader) throws -> TaskPayload {
        let count = try reader.read(UInt32.self, "payload field count")
        var payload = TaskPayload()
        var names = Set<String>()
        for i in 0..<count {
            let name = try reader.readString("name of payload field \(i)")
            guard names.insert(name).inserted else { throw WireError.malformed("duplicate payload field \(name)") }
            let code = try reader.read(UInt8.self, "element type of \(name)")
            switch code {
            case sharedCode:
                let key = try readKey(from: &reader, field: name)
                payload.setShared(name, try WireArray.decode(from: &reader, field: name), key: key)
            case referenceCode:
                payload.references[name] = try readKey(from: &reader, field: name)
            default:
                payload.fields[name] = try WireArray.decode(code: code, from: &reader, field: name)
            }
        }
        return payload
    }

    /// A content key: 64 lowercase hex digits.
    private static func readKey(from reader: inout ByteReader, field: String) throws -> String {
        let key = try reader.readString("content key of \(field)")
        guard key.utf8.count == 64, key.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw WireError.malformed("field \(field) has an invalid content key")
        }
        return key
    }
}
