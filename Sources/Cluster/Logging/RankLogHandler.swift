import Foundation
import Logging

/// A swift-log handler for cluster runs: one line per entry on stderr,
/// `time level rank job task message [other metadata]`, with `-` for a missing job or task id, so logs of all
/// ranks interleaved by mpirun stay greppable by job and task.
public struct RankLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let rank: Int

    /// A handler for `rank` that prints entries at `level` and above.
    public init(rank: Int, level: Logger.Level = .info) {
        self.rank = rank
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        FileHandle.standardError.write(Data(Self.format(event: event, rank: rank, handlerMetadata: metadata, date: Date()).utf8))
    }

    /// The line printed for `event` (with a trailing newline).
    static func format(event: LogEvent, rank: Int, handlerMetadata: Logger.Metadata, date: Date) -> String {
        var all = handlerMetadata
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        let job = all.removeValue(forKey: "job").map { "\($0)" } ?? "-"
        let task = all.removeValue(forKey: "task").map { "\($0)" } ?? "-"
        all.removeValue(forKey: "rank")
        let rest = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true))
        return "\(time) \(event.level) rank=\(rank) job=\(job) task=\(task) \(event.message)" + (rest.isEmpty ? "" : " [\(rest)]") + "\n"
    }
}
