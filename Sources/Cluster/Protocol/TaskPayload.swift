import Core

/// The data of one task or task result: named typed fields, encoded explicitly (sorted by name) so that a
/// worker needs nothing but the message. Job kinds put their slab volumes, parameters and summaries here.
public struct TaskPayload: Sendable, Equatable {
    /// The fields by name.
    public private(set) var fields: [String: WireArray]

    /// A payload holding `fields`.
    public init(_ fields: [String: WireArray] = [:]) { self.fields = fields }

    /// Sets (or replaces) field `name`.
    public subscript(name: String) -> WireArray? {
        get { fields[name] }
        set { fields[name] = newValue }
    }

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

    /// Field count (UInt32), then for each field in name order: name, element type, count, elements.
    func encode(into writer: inout ByteWriter) {
        writer.write(UInt32(fields.count))
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            writer.write(name)
            value.encode(into: &writer)
        }
    }

    static func decode(from reader: inout ByteReader) throws -> TaskPayload {
        let count = try reader.read(UInt32.self, "payload field count")
        var fields: [String: WireArray] = [:]
        for i in 0..<count {
            let name = try reader.readString("name of payload field \(i)")
            guard fields[name] == nil else { throw WireError.malformed("duplicate payload field \(name)") }
            fields[name] = try WireArray.decode(from: &reader, field: name)
        }
        return TaskPayload(fields)
    }
}
