import CHDF5

/// Attribute access shared by files, groups and datasets.
extension H5Object {
    /// Largest attribute (in elements) that is read; real attributes are a few values.
    static let maxAttributeElements = 1 << 20

    /// True when the object carries an attribute `name`.
    func hasAttribute(_ name: String) -> Bool {
        H5Aexists(id, name) > 0
    }

    /// Names of all attributes, in name order.
    func attributeNames() throws -> [String] {
        var info = H5O_info_t()
        try check(H5Oget_info2(id, &info, UInt32(H5O_INFO_NUM_ATTRS)), "get object info")
        var names: [String] = []
        for index in 0..<info.num_attrs {
            let attr = try checkID(
                H5Aopen_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, index, rt_h5p_default(), rt_h5p_default()),
                "open attribute #\(index)")
            defer { H5Aclose(attr) }
            let length = H5Aget_name(attr, 0, nil)
            guard length >= 0 else { throw H5Library.failure(file: file, object: path, operation: "get attribute name") }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            guard H5Aget_name(attr, buffer.count, &buffer) >= 0 else {
                throw H5Library.failure(file: file, object: path, operation: "get attribute name")
            }
            names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names.sorted()
    }

    /// Reads attribute `name` (string, integer or float; scalar or one-dimensional).
    func readAttribute(_ name: String) throws -> AttributeValue {
        let object = "\(path) attribute \(name)"
        guard hasAttribute(name) else { throw StoreError.missing(file: file, object: object) }
        let attr = try checkID(H5Aopen(id, name, rt_h5p_default()), "open attribute", object: object)
        defer { H5Aclose(attr) }
        let type = try checkID(H5Aget_type(attr), "get attribute type", object: object)
        defer { H5Tclose(type) }
        let space = try checkID(H5Aget_space(attr), "get attribute dataspace", object: object)
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        let count = Int(H5Sget_simple_extent_npoints(space))
        guard rank >= 0, rank <= 1, count >= 0, count <= Self.maxAttributeElements else {
            throw invalid("attribute must be a scalar or a short vector (rank \(rank), \(count) elements)", object: object)
        }
        let typeClass = H5Tget_class(type)
        switch typeClass {
        case H5T_STRING:
            guard count == 1 else { throw invalid("expected one string, found \(count)", object: object) }
            return .string(try readStringAttribute(attr, fileType: type, object: object))
        case H5T_INTEGER:
            var values = [Int64](repeating: 0, count: count)
            if count > 0 { try check(H5Aread(attr, rt_h5t_native_int64(), &values), "read attribute", object: object) }
            let ints = values.map { Int($0) }
            return rank == 0 ? .int(ints.first ?? 0) : .ints(ints)
        case H5T_FLOAT:
            var values = [Double](repeating: 0, count: count)
            if count > 0 { try check(H5Aread(attr, rt_h5t_native_double(), &values), "read attribute", object: object) }
            return rank == 0 ? .double(values.first ?? 0) : .doubles(values)
        default:
            throw invalid("unsupported attribute type class \(typeClass.rawValue) (expected string, integer or float)", object: object)
        }
    }

    private func readStringAttribute(_ attr: hid_t, fileType: hid_t, object: String) throws -> String {
        if H5Tis_variable_str(fileType) > 0 {
            let memType = try checkID(H5Tcopy(rt_h5t_c_s1()), "copy string type", object: object)
            defer { H5Tclose(memType) }
            try check(H5Tset_size(memType, rt_h5t_variable()), "set string size", object: object)
            try check(H5Tset_cset(memType, H5Tget_cset(fileType)), "set string character set", object: object)
            var pointer: UnsafeMutablePointer<CChar>? = nil
            try check(H5Aread(attr, memType, &pointer), "read string attribute", object: object)
            guard let pointer else { return "" }
            defer { H5free_memory(pointer) }
            return String(cString: pointer)
        }
        let size = H5Tget_size(fileType)
        guard size > 0, size <= Self.maxAttributeElements else { throw invalid("string of \(size) bytes", object: object) }
        let memType = try checkID(H5Tcopy(fileType), "copy string type", object: object)
        defer { H5Tclose(memType) }
        var bytes = [UInt8](repeating: 0, count: size)
        try check(H5Aread(attr, memType, &bytes), "read string attribute", object: object)
        let text = bytes.prefix { $0 != 0 }
        return String(decoding: text, as: UTF8.self).trimmingTrailing(" ")
    }

    /// Reads a numeric attribute of exactly `count` values (float32, float64 or integer).
    func readDoubles(_ name: String, count: Int) throws -> [Double] {
        let object = "\(path) attribute \(name)"
        switch try readAttribute(name) {
        case .doubles(let v) where v.count == count: return v
        case .ints(let v) where v.count == count: return v.map(Double.init)
        case .double(let v) where count == 1: return [v]
        case .int(let v) where count == 1: return [Double(v)]
        case let other: throw invalid("expected \(count) numbers, found \(other)", object: object)
        }
    }

    /// Reads a string attribute.
    func readString(_ name: String) throws -> String {
        guard case .string(let s) = try readAttribute(name) else {
            throw invalid("expected a string", object: "\(path) attribute \(name)")
        }
        return s
    }

    /// Reads an integer attribute, scalar or one-element vector (an integral float is accepted).
    func readInt(_ name: String) throws -> Int {
        let value = try readAttribute(name)
        let number: Double?
        switch value {
        case .int(let v): return v
        case .ints(let v) where v.count == 1: return v[0]
        case .double(let v): number = v
        case .doubles(let v) where v.count == 1: number = v[0]
        default: number = nil
        }
        guard let number, number.rounded() == number, abs(number) < 1e15 else {
            throw invalid("expected an integer, found \(value)", object: "\(path) attribute \(name)")
        }
        return Int(number)
    }

    /// Writes (or replaces) attribute `name`. Strings are variable-length UTF-8 scalars,
    /// integers int64 and doubles float64.
    func writeAttribute(_ name: String, _ value: AttributeValue) throws {
        let object = "\(path) attribute \(name)"
        if hasAttribute(name) { try check(H5Adelete(id, name), "delete attribute", object: object) }
        switch value {
        case .string(let s):
            let type = try checkID(H5Tcopy(rt_h5t_c_s1()), "copy string type", object: object)
            defer { H5Tclose(type) }
            try check(H5Tset_size(type, rt_h5t_variable()), "set string size", object: object)
            try check(H5Tset_cset(type, H5T_CSET_UTF8), "set string character set", object: object)
            let space = try checkID(H5Screate(H5S_SCALAR), "create dataspace", object: object)
            defer { H5Sclose(space) }
            let attr = try checkID(H5Acreate2(id, name, type, space, rt_h5p_default(), rt_h5p_default()), "create attribute", object: object)
            defer { H5Aclose(attr) }
            try s.withCString { chars in
                var pointer: UnsafePointer<CChar>? = chars
                try check(H5Awrite(attr, type, &pointer), "write attribute", object: object)
            }
        case .int(let v): try writeNumeric(name, [Int64(v)], scalar: true, object: object)
        case .ints(let v): try writeNumeric(name, v.map(Int64.init), scalar: false, object: object)
        case .double(let v): try writeNumeric(name, [v], scalar: true, object: object)
        case .doubles(let v): try writeNumeric(name, v, scalar: false, object: object)
        }
    }

    private func writeNumeric<T: H5Scalar>(_ name: String, _ values: [T], scalar: Bool, object: String) throws {
        var dims = [hsize_t(values.count)]
        let space = try checkID(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dims, nil), "create dataspace", object: object)
        defer { H5Sclose(space) }
        let fileType = T.typeClass == H5T_FLOAT ? rt_h5t_ieee_f64le() : rt_h5t_std_i64le()
        let attr = try checkID(H5Acreate2(id, name, fileType, space, rt_h5p_default(), rt_h5p_default()), "create attribute", object: object)
        defer { H5Aclose(attr) }
        guard !values.isEmpty else { return }
        try values.withUnsafeBufferPointer { buffer in
            try check(H5Awrite(attr, T.nativeType, buffer.baseAddress), "write attribute", object: object)
        }
    }
}

extension String {
    /// The string without trailing copies of `character` (HDF5 space-padded fixed strings).
    func trimmingTrailing(_ character: Character) -> String {
        var s = Substring(self)
        while s.last == character { s = s.dropLast() }
        return String(s)
    }
}
