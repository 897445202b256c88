import CHDF5

/// The stored element type of a dataset.
struct H5TypeInfo: Sendable, Equatable, CustomStringConvertible {
    let typeClass: H5T_class_t
    let size: Int
    let isSigned: Bool

    /// True when values of this stored type read as `T` without conversion.
    func matches<T: H5Scalar>(_ type: T.Type) -> Bool {
        typeClass == T.typeClass && size == MemoryLayout<T>.size && isSigned == T.isSigned
    }

    var description: String {
        switch typeClass {
        case H5T_INTEGER: return "\(isSigned ? "int" : "uint")\(size * 8)"
        case H5T_FLOAT: return "float\(size * 8)"
        case H5T_STRING: return "string"
        case H5T_COMPOUND: return "compound"
        case H5T_ENUM: return "enum (\(size) bytes)"
        default: return "HDF5 type class \(typeClass.rawValue) (\(size) bytes)"
        }
    }
}

/// An open HDF5 dataset.
final class H5Dataset: H5Object {
    /// The stored element type.
    func typeInfo() throws -> H5TypeInfo {
        let type = try checkID(H5Dget_type(id), "get type")
        defer { H5Tclose(type) }
        let typeClass = H5Tget_class(type)
        let size = H5Tget_size(type)
        let signed = typeClass == H5T_FLOAT || (typeClass == H5T_INTEGER && H5Tget_sign(type) == H5T_SGN_2)
        return H5TypeInfo(typeClass: typeClass, size: size, isSigned: signed)
    }

    /// Dimensions, slowest-varying first (`[z, y, x]` for volumes).
    func shape() throws -> [Int] {
        let space = try checkID(H5Dget_space(id), "get dataspace")
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw H5Library.failure(file: file, object: path, operation: "get rank") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0 { try check(H5Sget_simple_extent_dims(space, &dims, nil), "get dimensions") }
        return try dims.map { d in
            guard d <= hsize_t(Int.max) else { throw invalid("dimension \(d) is too large") }
            return Int(d)
        }
    }

    /// Throws unless the stored type is exactly `T` (class, size and signedness).
    func requireType<T: H5Scalar>(_ type: T.Type) throws {
        let info = try typeInfo()
        guard info.matches(type) else { throw invalid("stored as \(info), expected \(T.typeName)") }
    }

    /// Number of elements of `shape`, or an error when it overflows or exceeds `limit`.
    func elementCount(_ shape: [Int], limit: Int) throws -> Int {
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw StoreError.tooLarge(file: file, object: path, elements: Int.max, limit: limit) }
            count = product
        }
        guard count <= limit else { throw StoreError.tooLarge(file: file, object: path, elements: count, limit: limit) }
        return count
    }

    /// Reads the whole dataset as `T` (HDF5 converts compatible stored types), after checking
    /// the element count against `limit` from the dataspace.
    func read<T: H5Scalar>(_ type: T.Type, limit: Int) throws -> [T] {
        let count = try elementCount(try shape(), limit: limit)
        guard count > 0 else { return [] }
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try check(H5Dread(id, T.nativeType, rt_h5s_all(), rt_h5s_all(), rt_h5p_default(), buffer.baseAddress), "read")
            initialized = count
        }
    }

    /// Reads rows `range` of the first (slowest) axis, all of the other axes.
    func readRows<T: H5Scalar>(_ type: T.Type, _ range: Range<Int>, limit: Int) throws -> [T] {
        let fullShape = try shape()
        guard let first = fullShape.first, range.lowerBound >= 0, range.upperBound <= first, !range.isEmpty else {
            throw invalid("requested slices \(range) outside 0..<\(fullShape.first ?? 0)")
        }
        var counts = fullShape.map { hsize_t($0) }
        counts[0] = hsize_t(range.count)
        let count = try elementCount(counts.map { Int($0) }, limit: limit)
        var starts = [hsize_t](repeating: 0, count: fullShape.count)
        starts[0] = hsize_t(range.lowerBound)
        let fileSpace = try checkID(H5Dget_space(id), "get dataspace")
        defer { H5Sclose(fileSpace) }
        try check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &starts, nil, &counts, nil), "select hyperslab")
        let memSpace = try checkID(H5Screate_simple(Int32(counts.count), &counts, nil), "create dataspace")
        defer { H5Sclose(memSpace) }
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try check(H5Dread(id, T.nativeType, memSpace, fileSpace, rt_h5p_default(), buffer.baseAddress), "hyperslab read")
            initialized = count
        }
    }

    /// Writes the whole dataset from `values` (count must equal the dataspace's).
    func write<T: H5Scalar>(_ values: [T]) throws {
        guard !values.isEmpty else { return }
        try values.withUnsafeBufferPointer { buffer in
            try check(H5Dwrite(id, T.nativeType, rt_h5s_all(), rt_h5s_all(), rt_h5p_default(), buffer.baseAddress), "write")
        }
    }
}

extension H5Dataset {
    /// Refuses a dataset whose data lives outside this file: a virtual dataset (mapped from other files) or external
    /// raw storage (any file the process can read, or a FIFO that never answers).
    func requireOwnStorage() throws {
        let plist = try checkID(H5Dget_create_plist(id), "get creation properties")
        defer { H5Pclose(plist) }
        if H5Pget_layout(plist) == H5D_VIRTUAL {
            throw invalid("is a virtual dataset (its data would come from other files); only data stored in this file is read")
        }
        let external = H5Pget_external_count(plist)
        guard external == 0 else {
            throw invalid(external < 0 ? "external storage cannot be inspected"
                          : "stores its data in \(external) external file(s); only data stored in this file is read")
        }
    }
}
