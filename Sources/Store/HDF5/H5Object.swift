import CHDF5

/// HDF5 error handling: the library's own error printing is turned off and failures become
/// ``StoreError``s carrying the library's innermost message.
enum H5Library {
    /// Silences HDF5's automatic error printing. In the thread-safe build the setting belongs to
    /// the calling thread, so every file open or create calls this (it only stores two pointers).
    static func prepare() {
        rt_h5_silence_errors()
    }

    /// An ``StoreError/hdf5(file:object:operation:detail:)`` with the deepest message of the
    /// calling thread's HDF5 error stack (e.g. "truncated file: eof = 1500, ...").
    static func failure(file: String, object: String, operation: String) -> StoreError {
        var messages: [String] = []
        _ = withUnsafeMutablePointer(to: &messages) { pointer in
            H5Ewalk2(hid_t(H5E_DEFAULT), H5E_WALK_DOWNWARD, { _, error, data in
                if let text = error?.pointee.desc, let data {
                    data.assumingMemoryBound(to: [String].self).pointee.append(String(cString: text))
                }
                return 0
            }, pointer)
        }
        return .hdf5(file: file, object: object, operation: operation, detail: messages.last ?? "")
    }
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

    /// Throws a ``StoreError/hdf5(file:object:operation:detail:)`` when `status` is negative.
    func check(_ status: herr_t, _ operation: String, object: String? = nil) throws {
        if status < 0 { throw H5Library.failure(file: file, object: object ?? path, operation: operation) }
    }

    /// Returns `id` or throws when it is negative (an HDF5 failure).
    func checkID(_ id: hid_t, _ operation: String, object: String? = nil) throws -> hid_t {
        if id < 0 { throw H5Library.failure(file: file, object: object ?? path, operation: operation) }
        return id
    }

    /// An error naming this object (or `object`) and the reason.
    func invalid(_ reason: String, object: String? = nil) -> StoreError {
        .invalid(file: file, object: object ?? path, reason: reason)
    }
}
