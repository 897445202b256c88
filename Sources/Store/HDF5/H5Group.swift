import CHDF5

#if canImport(Glibc)
import Glibc
#endif

/// What a link inside a group points to.
enum H5ChildKind: Sendable {
    case group, dataset, other
}

/// Storage layout of a new dataset.
enum H5Layout: Sendable {
    /// One contiguous block (1-D arrays, sparse matrices: fast, uncompressed).
    case contiguous
    /// Chunked with byte shuffle and deflate level 4 (volumes). Chunk dimensions are clipped to the shape.
    case chunkedCompressed(chunk: [Int])
    /// Chunked without filters and without writing data (allocation is deferred; test fixtures).
    case chunked(chunk: [Int])
}

/// An open HDF5 group (or, as ``H5File``, the root group of an open file).
class H5Group: H5Object {
    /// True when a link `name` (one path component) exists in this group.
    func contains(_ name: String) -> Bool {
        H5Lexists(id, name, rt_h5p_default()) > 0
    }

    /// Refuses a child reached through a soft or external link: an external link would read another file (possibly
    /// another site's case, or a device that never answers), a soft link aliases an object; our files hold neither.
    func requireHardLink(_ name: String) throws {
        var info = H5L_info_t()
        try check(H5Lget_info(id, name, &info, rt_h5p_default()), "get link info", object: childPath(name))
        guard info.type == H5L_TYPE_HARD else {
            let kind = info.type == H5L_TYPE_EXTERNAL ? "an external" : info.type == H5L_TYPE_SOFT ? "a soft" : "a user-defined"
            throw invalid("is \(kind) link; only objects stored in this file are read", object: childPath(name))
        }
    }

    /// Names of the links in this group, in name order.
    func childNames() throws -> [String] {
        var info = H5G_info_t()
        try check(H5Gget_info(id, &info), "get group info")
        var names: [String] = []
        for index in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, rt_h5p_default())
            guard length >= 0 else { throw H5Library.failure(file: file, object: path, operation: "get link name #\(index)") }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            guard H5Lget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, rt_h5p_default()) >= 0 else {
                throw H5Library.failure(file: file, object: path, operation: "get link name #\(index)")
            }
            names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// Whether child `name` is a group or a dataset.
    func childKind(_ name: String) throws -> H5ChildKind {
        try requireHardLink(name)
        let object = try checkID(H5Oopen(id, name, rt_h5p_default()), "open object", object: childPath(name))
        defer { H5Oclose(object) }
        switch H5Iget_type(object) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        default: return .other
        }
    }

    /// Opens child group `name`; a missing group is a ``StoreError/missing(file:object:)``.
    func openGroup(_ name: String) throws -> H5Group {
        guard contains(name) else { throw StoreError.missing(file: file, object: childPath(name)) }
        try requireHardLink(name)
        let gid = try checkID(H5Gopen2(id, name, rt_h5p_default()), "open group", object: childPath(name))
        return H5Group(id: gid, file: file, path: childPath(name), closer: H5Gclose)
    }

    /// Creates child group `name`.
    func createGroup(_ name: String) throws -> H5Group {
        let gid = try checkID(H5Gcreate2(id, name, rt_h5p_default(), rt_h5p_default(), rt_h5p_default()), "create group", object: childPath(name))
        return H5Group(id: gid, file: file, path: childPath(name), closer: H5Gclose)
    }

    /// Opens child group `name`, creating it when absent.
    func openOrCreateGroup(_ name: String) throws -> H5Group {
        contains(name) ? try openGroup(name) : try createGroup(name)
    }

    /// Opens child dataset `name`; a missing dataset is a ``StoreError/missing(file:object:)``.
    func openDataset(_ name: String) throws -> H5Dataset {
        guard contains(name) else { throw StoreError.missing(file: file, object: childPath(name)) }
        try requireHardLink(name)
        let did = try checkID(H5Dopen2(id, name, rt_h5p_default()), "open dataset", object: childPath(name))
        let dataset = H5Dataset(id: did, file: file, path: childPath(name), closer: H5Dclose)
        do {
            try dataset.requireOwnStorage()
        } catch {
            dataset.close()
            throw error
        }
        return dataset
    }

    /// Creates dataset `name` with file type `fileType` (a library-owned type id) and `shape`.
    func createDataset(_ name: String, fileType: hid_t, shape: [Int], layout: H5Layout) throws -> H5Dataset {
        let object = childPath(name)
        var dims = shape.map { hsize_t($0) }
        let space = try checkID(H5Screate_simple(Int32(dims.count), &dims, nil), "create dataspace", object: object)
        defer { H5Sclose(space) }
        let plist = try checkID(H5Pcreate(rt_h5p_dataset_create()), "create property list", object: object)
        defer { H5Pclose(plist) }
        switch layout {
        case .contiguous:
            break
        case .chunkedCompressed(let chunk), .chunked(let chunk):
            var chunkDims = zip(chunk, shape).map { hsize_t(max(1, min($0, $1))) }
            try check(H5Pset_chunk(plist, Int32(chunkDims.count), &chunkDims), "set chunk size", object: object)
            if case .chunkedCompressed = layout {
                try check(H5Pset_shuffle(plist), "set shuffle filter", object: object)
                try check(H5Pset_deflate(plist, 4), "set deflate filter", object: object)
            }
        }
        let did = try checkID(H5Dcreate2(id, name, fileType, space, rt_h5p_default(), plist, rt_h5p_default()), "create dataset", object: object)
        return H5Dataset(id: did, file: file, path: object, closer: H5Dclose)
    }
}

/// An open HDF5 file; as a group it is the root group "/".
final class H5File: H5Group {
    /// Opens an existing file. A missing file is an I/O error, a file without the HDF5
    /// signature ``StoreError/notHDF5(file:)``, a damaged or truncated one an HDF5 error.
    static func open(_ path: String, writable: Bool = false) throws -> H5File {
        H5Library.prepare()
        var isDirectory = false
        guard fileExists(path, isDirectory: &isDirectory), !isDirectory else {
            throw StoreError.io(file: path, reason: "no such file")
        }
        guard H5Fis_hdf5(path) > 0 else { throw StoreError.notHDF5(file: path) }
        let fapl = try strongCloseAccessList(path)
        defer { H5Pclose(fapl) }
        let fid = H5Fopen(path, writable ? rt_h5f_acc_rdwr() : rt_h5f_acc_rdonly(), fapl)
        guard fid >= 0 else { throw H5Library.failure(file: path, object: "/", operation: "file open") }
        closeOnExec(fid, fapl: fapl)
        return H5File(id: fid, file: path, path: "/", closer: H5Fclose)
    }

    /// Creates a new file; fails when `path` exists.
    static func create(_ path: String) throws -> H5File {
        H5Library.prepare()
        let fapl = try strongCloseAccessList(path)
        defer { H5Pclose(fapl) }
        let fid = H5Fcreate(path, rt_h5f_acc_excl(), rt_h5p_default(), fapl)
        guard fid >= 0 else { throw H5Library.failure(file: path, object: "/", operation: "file create") }
        closeOnExec(fid, fapl: fapl)
        return H5File(id: fid, file: path, path: "/", closer: H5Fclose)
    }

    /// Marks the file's descriptor close-on-exec. libhdf5 opens files without `O_CLOEXEC` and holds an `flock` on
    /// them while open; a process started later (mpirun, a test's child) would otherwise inherit the descriptor and
    /// keep the file locked after it is closed here. Only for the default sec2 driver, whose handle is its `int`
    /// descriptor (a driver chosen through the environment hands back something else).
    private static func closeOnExec(_ fid: hid_t, fapl: hid_t) {
        let access = H5Fget_access_plist(fid)
        guard access >= 0 else { return }
        defer { H5Pclose(access) }
        guard H5Pget_driver(access) == rt_h5fd_sec2() else { return }
        var handle: UnsafeMutableRawPointer?
        guard H5Fget_vfd_handle(fid, fapl, &handle) >= 0, let handle else { return }
        let fd = handle.load(as: Int32.self)
        let flags = fcntl(fd, F_GETFD)
        if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
    }

    /// Closing the file closes every object still open in it, so that the file is complete on disk
    /// (and unlocked) as soon as ``close()`` returns.
    private static func strongCloseAccessList(_ path: String) throws -> hid_t {
        let fapl = H5Pcreate(rt_h5p_file_access())
        guard fapl >= 0, H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0 else {
            if fapl >= 0 { H5Pclose(fapl) }
            throw H5Library.failure(file: path, object: "/", operation: "file access property list")
        }
        return fapl
    }

    /// Flushes and closes the file, reporting a failure (e.g. disk full) instead of ignoring it.
    func closeChecked() throws {
        try check(H5Fflush(id, H5F_SCOPE_GLOBAL), "flush")
        close()
    }
}
