/// One `selftest` task as it travels: the explicit mapping onto payload fields (listed in Protocol.md).
///
/// Input: `task` int64 [index], `slab` int16 voxels (empty for empty tasks), `iterations` int64 [n],
/// `payload` uint8, and `inject` text ("fail" or "crash") on the one task that injects a failure.
/// Result: `checksum` int64 [bit pattern], `stencil_sum` float64 [1], `payload` uint8 (the echo).
struct SelftestTask {
    /// What a task is told to break.
    enum Injection: String { case failure = "fail", crash }

    var index: Int
    var voxels: [Int16]
    var iterations: Int
    var payload: [UInt8]
    var injection: Injection?

    init(index: Int, voxels: [Int16], iterations: Int, payload: [UInt8], injection: Injection?) {
        self.index = index
        self.voxels = voxels
        self.iterations = iterations
        self.payload = payload
        self.injection = injection
    }

    init(decoding input: TaskPayload) throws {
        index = Int(try input.int64("task"))
        iterations = Int(try input.int64("iterations"))
        guard index >= 0, iterations >= 0 else { throw WireError.malformed("negative selftest task index or iterations") }
        voxels = try input.int16s("slab")
        payload = try input.uint8s("payload")
        if input["inject"] == nil {
            injection = nil
        } else {
            let text = try input.text("inject")
            guard let known = Injection(rawValue: text) else { throw WireError.malformed("unknown selftest injection '\(text)'") }
            injection = known
        }
    }

    var encoded: TaskPayload {
        var fields: [String: WireArray] = ["task": .int64([Int64(index)]), "slab": .int16(voxels),
                                           "iterations": .int64([Int64(iterations)]), "payload": .uint8(payload)]
        if let injection { fields["inject"] = .text(injection.rawValue) }
        return TaskPayload(fields)
    }

    /// The result payload of a task.
    static func result(checksum: UInt64, stencilSum: Double, payload: [UInt8]) -> TaskPayload {
        TaskPayload(["checksum": .int64([Int64(bitPattern: checksum)]), "stencil_sum": .float64([stencilSum]),
                     "payload": .uint8(payload)])
    }

    /// Checksum, stencil sum and echoed payload of a result.
    static func decodeResult(_ output: TaskPayload) throws -> (checksum: UInt64, stencilSum: Double, payload: [UInt8]) {
        let sums = try output.float64s("stencil_sum")
        guard sums.count == 1 else { throw WireError.malformed("field stencil_sum holds \(sums.count) values, expected 1") }
        return (UInt64(bitPattern: try output.int64("checksum")), sums[0], try output.uint8s("payload"))
    }
}
