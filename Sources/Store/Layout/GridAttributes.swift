import Core

/// The geometry attributes of a volume or group: `spacing_mm` and `origin_mm` as [x, y, z]
/// (float32 or float64 accepted on reading, float64 written) and `array_order` = "zyx".
enum GridAttributes {
    /// Writes `spacing_mm`, `origin_mm` and `array_order` on `object`.
    static func write(_ grid: Grid, on object: H5Object) throws {
        try object.writeAttribute("spacing_mm", .doubles([grid.spacingMM.x, grid.spacingMM.y, grid.spacingMM.z]))
        try object.writeAttribute("origin_mm", .doubles([grid.originMM.x, grid.originMM.y, grid.originMM.z]))
        try object.writeAttribute("array_order", .string("zyx"))
    }

    /// Reads the grid of a `[z, y, x]`-shaped array from the first of `sources` that carries the
    /// attributes; when several carry them they must agree (relative tolerance 1e-6).
    /// `object` names the array in messages about its dimensions.
    static func read(shape: [Int], from sources: [H5Object], file: String, object: String) throws -> Grid {
        let spacing = try vector("spacing_mm", from: sources, file: file)
        let origin = try vector("origin_mm", from: sources, file: file)
        for source in sources where source.hasAttribute("array_order") {
            let order = try source.readString("array_order")
            guard order == "zyx" else {
                throw source.invalid("array_order is \"\(order)\", only \"zyx\" is supported", object: "\(source.path) attribute array_order")
            }
        }
        guard spacing.value.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw StoreError.invalid(file: file, object: spacing.object, reason: "spacing must be finite and positive, found \(spacing.value) mm")
        }
        guard origin.value.allSatisfy(\.isFinite) else {
            throw StoreError.invalid(file: file, object: origin.object, reason: "origin must be finite, found \(origin.value) mm")
        }
        if let problem = StoreLimits.geometryProblem(spacingMM: spacing.value, originMM: []) {
            throw StoreError.invalid(file: file, object: spacing.object, reason: problem)
        }
        if let problem = StoreLimits.geometryProblem(spacingMM: [], originMM: origin.value) {
            throw StoreError.invalid(file: file, object: origin.object, reason: problem)
        }
        do {
            return try Grid(nx: shape[2], ny: shape[1], nz: shape[0],
                            spacingMM: SIMD3(spacing.value[0], spacing.value[1], spacing.value[2]),
                            originMM: SIMD3(origin.value[0], origin.value[1], origin.value[2]))
        } catch {
            throw StoreError.invalid(file: file, object: object, reason: "\(error)")
        }
    }

    private static func vector(_ name: String, from sources: [H5Object], file: String) throws -> (value: [Double], object: String) {
        var found: (value: [Double], object: String)?
        for source in sources where source.hasAttribute(name) {
            let object = "\(source.path) attribute \(name)"
            let value = try source.readDoubles(name, count: 3)
            if let first = found {
                let agree = zip(first.value, value).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) || abs($0 - $1) <= 1e-6 * max(1, abs($0)) }
                guard agree else {
                    throw StoreError.invalid(file: file, object: object, reason: "\(value) disagrees with \(first.object) \(first.value)")
                }
            } else {
                found = (value, object)
            }
        }
        guard let found else {
            throw StoreError.missing(file: file, object: "\(sources.first?.path ?? "/") attribute \(name)")
        }
        return found
    }
}
