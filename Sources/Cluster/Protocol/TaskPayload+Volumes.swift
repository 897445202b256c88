import Core

/// Volumes in payloads: the voxels under `name` (typed) and their grid under `name.grid`.
extension TaskPayload {
    public mutating func setVolume(_ volume: Volume<UInt8>, as name: String) {
        self[name] = .uint8(volume.voxels)
        setGrid(volume.grid, as: name + ".grid")
    }

    public mutating func setVolume(_ volume: Volume<Int16>, as name: String) {
        self[name] = .int16(volume.voxels)
        setGrid(volume.grid, as: name + ".grid")
    }

    public mutating func setVolume(_ volume: Volume<Int32>, as name: String) {
        self[name] = .int32(volume.voxels)
        setGrid(volume.grid, as: name + ".grid")
    }

    /// The uint8 volume stored under `name`; throws when missing, mistyped or not matching its grid.
    public func maskVolume(_ name: String) throws -> Volume<UInt8> { try Volume(grid: grid(name + ".grid"), voxels: uint8s(name)) }

    /// The int16 volume stored under `name`.
    public func int16Volume(_ name: String) throws -> Volume<Int16> { try Volume(grid: grid(name + ".grid"), voxels: int16s(name)) }

    /// The int32 volume stored under `name`.
    public func int32Volume(_ name: String) throws -> Volume<Int32> { try Volume(grid: grid(name + ".grid"), voxels: int32s(name)) }

    /// Names of the fields `prefix<name>` that hold volumes (have a `.grid` companion), without the prefix, sorted.
    public func volumeNames(prefix: String) -> [String] {
        fields.keys.filter { $0.hasPrefix(prefix) && !$0.hasSuffix(".grid") && fields[$0 + ".grid"] != nil }
            .map { String($0.dropFirst(prefix.count)) }.sorted()
    }
}
