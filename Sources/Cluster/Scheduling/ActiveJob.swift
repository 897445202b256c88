import Foundation
import Registry

/// The coordinator's bookkeeping of one job in flight: its run, the current phase's tasks (sent, pending,
/// results in task order), progress, timings and lease renewal time.
final class ActiveJob {
    let record: JobRecord
    let run: any JobRun
    let kind: String
    /// SHA-256 of the case file the job runs on, checked against the registry at its start.
    let caseSHA256: String
    /// Asks the registry whether the job was cancelled (between stages and inside the kind's long loops).
    let cancellation: JobCancellation
    let started: ContinuousClock.Instant
    var phase = -1
    /// Task inputs of the current phase not yet dispatched, in task order. They are encoded only when sent (for
    /// the rank they go to): inputs that share arrays (e.g. one patient model in every beamlet batch) then cost
    /// memory once, not per task.
    private var undispatched: [TaskPayload?] = []
    private var nextUndispatched = 0
    /// Results of the current phase by task index.
    private var results: [TaskPayload?] = []
    private var missing = 0
    var tasksDone = 0
    var tasksTotal = 0
    var reportedProgress = (done: -1, total: -1)
    var timings: [TaskTiming] = []
    var lastRenewal: ContinuousClock.Instant

    init(record: JobRecord, run: any JobRun, caseSHA256: String, cancellation: JobCancellation = .never, now: ContinuousClock.Instant) {
        self.record = record
        self.run = run
        self.caseSHA256 = caseSHA256
        self.cancellation = cancellation
        self.kind = record.kind
        self.started = now
        self.lastRenewal = now
    }

    var id: Int64 { record.id }
    var hasUndispatched: Bool { nextUndispatched < undispatched.count }
    var phaseComplete: Bool { missing == 0 }

    /// When the current phase is collective and not yet dispatched: the coordinator's sequence number of the moment
    /// it became ready (collective phases of several jobs run in that order).
    private(set) var collectiveReady: Int?

    /// Starts phase `phase + 1` with `tasks`; `collectiveReady` marks a collective phase (all tasks at once).
    func beginPhase(_ tasks: [TaskPayload], collectiveReady: Int? = nil) {
        phase += 1
        self.collectiveReady = collectiveReady
        undispatched = tasks
        nextUndispatched = 0
        results = Array(repeating: nil, count: tasks.count)
        missing = tasks.count
        tasksTotal += tasks.count
    }

    /// The next task to send.
    func takeTask() -> (address: TaskAddress, input: TaskPayload) {
        let index = nextUndispatched
        let input = undispatched[index]!
        undispatched[index] = nil
        nextUndispatched += 1
        return (TaskAddress(jobID: id, phase: phase, index: index), input)
    }

    /// Every task of the collective phase, in member order.
    func takeCollective() -> [(address: TaskAddress, input: TaskPayload)] {
        collectiveReady = nil
        var tasks: [(address: TaskAddress, input: TaskPayload)] = []
        while hasUndispatched { tasks.append(takeTask()) }
        return tasks
    }

    /// Records the result of task `index` of the current phase; false when it is not expected (duplicate).
    func record(index: Int, output: TaskPayload) -> Bool {
        guard results.indices.contains(index), results[index] == nil else { return false }
        results[index] = output
        missing -= 1
        tasksDone += 1
        return true
    }

    /// The results of the completed phase in task order.
    func phaseResults() -> [TaskPayload] { results.map { $0! } }
}
