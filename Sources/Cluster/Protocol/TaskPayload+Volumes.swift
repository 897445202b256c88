import Core

/// Volumes in payloads: the voxels under `name` (typed) and their grid under `name.grid`.
extension TaskPayload {
    /// Stores an int16 volume (a CT) under `name` and its grid under `name.grid`.
    public mutating func setVolume(_ volume: Volume<Int16>, as name: String) {
        self[name] = .int16(volume.voxels)
        setGrid(volume.grid, as: name + ".grid")
    }

    /// The int16 volume stored under `name`; throws when missing, mistyped or not matching its grid.
    public func int16Volume(_ name: String) throws -> Volume<Int16> { try Volume(grid: grid(name + ".grid"), voxels: int16s(name)) }

    /// Names of the fields `prefix<name>` that hold volumes (have a `.grid` companion), without the prefix, sorted.
    public func volumeNames(prefix: String) -> [String] {
        fields.keys.filter { $0.hasPrefix(prefix) && !$0.hasSuffix(".grid") && fields[$0 + ".grid"] != nil }
            .map { String($0.dropFirst(prefix.count)) }.sorted()
    }
}
