/// Which task of which job a message is about: job id, phase number and task index within the phase.
public struct TaskAddress: Hashable, Sendable, CustomStringConvertible {
    public var jobID: Int64
    public var phase: Int
    public var index: Int

    public init(jobID: Int64, phase: Int, index: Int) {
        self.jobID = jobID
        self.phase = phase
        self.index = index
    }

    public var description: String { "job \(jobID) phase \(phase) task \(index)" }

    func encode(into writer: inout ByteWriter) {
        writer.write(jobID)
        writer.write(UInt32(truncatingIfNeeded: phase))
        writer.write(UInt32(truncatingIfNeeded: index))
    }

    static func decode(from reader: inout ByteReader) throws -> TaskAddress {
        let job = try reader.read(Int64.self, "job id")
        let phase = try reader.read(UInt32.self, "phase")
        let index = try reader.read(UInt32.self, "task index")
        return TaskAddress(jobID: job, phase: Int(phase), index: Int(index))
    }
}
