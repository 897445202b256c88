import CHDF5

/// A Swift scalar with a native HDF5 memory type; the element types of every dataset we read or write.
protocol H5Scalar: Sendable {
    /// The native HDF5 memory type (owned by the library, never closed).
    static var nativeType: hid_t { get }
    /// The HDF5 type class a stored dataset must have to be read as this type.
    static var typeClass: H5T_class_t { get }
    /// True for signed integers and floating-point types.
    static var isSigned: Bool { get }
    /// Name used in messages ("int16", "float32").
    static var typeName: String { get }
}

extension Int8: H5Scalar {
    static var nativeType: hid_t { rt_h5t_native_int8() }
    static var typeClass: H5T_class_t { H5T_INTEGER }
    static var isSigned: Bool { true }
    static var typeName: String { "int8" }
}
extension UInt8: H5Scalar {
    static var nativeType: hid_t { rt_h5t_native_uint8() }
    static var typeClass: H5T_class_t { H5T_INTEGER }
    static var isSigned: Bool { false }
    static var typeName: String { "uint8" }
}
extension Int16: H5Scalar {
    static var nativeType: hid_t { rt_h5t_native_int16() }
    static var typeClass: H5T_class_t { H5T_INTEGER }
    static var isSigned: Bool { true }
    static var typeName: String { "int16" }
}
extension UInt16: H5Scalar {
    static var nativeType: hid_t { rt_h5t_native_uint16() }
    static var typeClass: H5T_class_t { H5T_INTEGER }
    static var isSigned: Bool { false }
    static var typeName: String { "uint16" }
}
extension Int32: H5Scalar {
    static var nativeType: hid_t { rt_h5t_native_int32() }
    static var typeClass: H5T_class_t { H5T_INTEGER }
    static var isSigned: Bool { true }
    static var typeName: String { "int32" }
}
extension Int64: H5Scalar {
    static var nativeType: hid_t { rt_h5t_native_int64() }
    static var typeClass: H5T_class_t { H5T_INTEGER }
    static var isSigned: Bool { true }
    static var typeName: String { "int64" }
}
extension Float: H5Scalar {
    static var nativeType: hid_t { rt_h5t_native_float() }
    static var typeClass: H5T_class_t { H5T_FLOAT }
    static var isSigned: Bool { true }
    static var typeName: String { "float32" }
}
extension Double: H5Scalar {
    static var nativeType: hid_t { rt_h5t_native_double() }
    static var typeClass: H5T_class_t { H5T_FLOAT }
    static var isSigned: Bool { true }
    static var typeName: String { "float64" }
}
