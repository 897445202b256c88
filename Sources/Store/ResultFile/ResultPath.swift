/// Absolute HDF5 paths of result arrays and sparse matrices ("/plan/weights").
enum ResultPath {
    /// The components of `path`; throws unless it is absolute with non-empty components other
    /// than "." and "..", and not one of the places with a fixed meaning (`/segmentation/…`,
    /// `/dose/total`, `/dose/uncertainty`).
    static func components(_ path: String, file: String) throws -> [String] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard path.hasPrefix("/"), parts.count >= 2,
              parts.dropFirst().allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw StoreError.invalid(file: file, object: path, reason: "not a valid absolute path (\"/group/name\")")
        }
        let names = Array(parts.dropFirst())
        guard names[0] != "segmentation", names != ["dose", "total"], names != ["dose", "uncertainty"] else {
            throw StoreError.invalid(file: file, object: path, reason: "reserved for segmentation masks and dose volumes")
        }
        return names
    }

    /// Runs `body` with the parent group of `components` below `root`, creating missing groups;
    /// groups opened here are closed afterwards.
    static func withParent<R>(of components: [String], in root: H5Group, _ body: (H5Group) throws -> R) throws -> R {
        var opened: [H5Group] = []
        defer { opened.reversed().forEach { $0.close() } }
        var group = root
        for name in components.dropLast() {
            group = try group.openOrCreateGroup(name)
            opened.append(group)
        }
        return try body(group)
    }
}
