/// Where and how long one task ran, kept in the result file as a row of `/timings/tasks`.
public struct TaskTiming: Sendable, Equatable {
    public var phase: Int
    public var index: Int
    public var rank: Int
    /// Compute time measured on the executing rank.
    public var seconds: Double
    /// Time from dispatch to the reply's arrival on the coordinator (compute + messaging + queueing).
    public var roundTripSeconds: Double
    /// Encoded task message size.
    public var bytesIn: Int
    /// Encoded reply size.
    public var bytesOut: Int

    /// Column names of `/timings/tasks`, in order (stored as the root attribute `timings_tasks_columns`).
    public static let columns = ["phase", "task", "rank", "seconds", "round_trip_seconds", "bytes_in", "bytes_out"]

    /// The row of this timing, in `columns` order.
    var row: [Double] { [Double(phase), Double(index), Double(rank), seconds, roundTripSeconds, Double(bytesIn), Double(bytesOut)] }
}
