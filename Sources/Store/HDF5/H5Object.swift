import CHDF5

/// Process-wide HDF5 set-up: the library's own error printing is turned off once; every
/// failure is reported as a ``StoreError`` instead.
enum H5Library {
    private static let silenced: Void = { rt_h5_silence_errors() }()

    /// Runs the one-time set-up (cheap after the first call).
    static func prepare() { _ = silenced }
}

/// An open HDF5 file, group or dataset. The identifier is closed exactly once: by ``close()``
/// (callers use `defer { x.close() }`) or, as a fallback, when the object is deallocated.
/// Raw identifiers are only used inside methods, while `self` is alive.
class H5Object {
    /// The HDF5 identifier.
    let id: hid_t
    /// File path, for messages.
    let file: String
    /// Path of the object inside the file ("/ct/hu"), for messages.
    let path: String
    private let closer: (hid_t) -> herr_t
    private var isOpen = true

    init(id: hid_t, file: String, path: String, closer: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.file = file
        self.path = path
        self.closer = closer
    }

    deinit { close() }

    /// Closes the identifier; later calls do nothing.
    func close() {
        guard isOpen else { return }
        isOpen = false
        _ = closer(id)
    }

    /// Path of a child object or attribute, for messages.
    func childPath(_ name: String) -> String {
        path == "/" ? "/" + name : path + "/" + name
    }

    /// Throws a ``StoreError/hdf5(file:object:operation:)`` when `status` is negative.
    func check(_ status: herr_t, _ operation: String, object: String? = nil) throws {
        if status < 0 { throw StoreError.hdf5(file: file, object: object ?? path, operation: operation) }
    }

    /// Returns `id` or throws when it is negative (an HDF5 failure).
    func checkID(_ id: hid_t, _ operation: String, object: String? = nil) throws -> hid_t {
        if id < 0 { throw StoreError.hdf5(file: file, object: object ?? path, operation: operation) }
        return id
    }

    /// An error naming this object (or `object`) and the reason.
    func invalid(_ reason: String, object: String? = nil) -> StoreError {
        .invalid(file: file, object: object ?? path, reason: reason)
    }
}
