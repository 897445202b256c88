import Core
import Foundation
import Jobs
import Logging
import Registry
import Store

extension Coordinator {
    /// Claims the next queued job (priority, then round-robin over sites, then oldest) and starts its run;
    /// false when the queue is empty. A job whose kind is missing or whose input is bad fails at once.
    func claimJob() throws -> Bool {
        guard let claim = try registry.claimNextJob(owner: options.owner, leaseSeconds: options.leaseSeconds,
                                                    rotatingAfterSite: previousSite) else {
            queueMayHaveJobs = false
            return false
        }
        previousSite = claim.site
        summary.jobsClaimed += 1
        let record = claim.job
        logger.info("claimed \(record.kind) job on case \(record.caseID), attempt \(record.attempts) of \(record.maxAttempts)",
                    metadata: ["job": "\(record.id)"])
        let run: any JobRun
        let first: JobStep
        let caseRecord: CaseRecord
        let cancellation = cancellation(of: record.id)
        do {
            let plugin = try catalog.plugin(record.kind)
            caseRecord = try registry.caseRecord(id: record.caseID)
            let casePath = dataRoot.appendingPathComponent(caseRecord.casePath).path
            try Self.checkFingerprint(of: casePath, registered: caseRecord.sha256, caseID: caseRecord.id)
            run = try plugin.start(JobContext(job: record, caseFilePath: casePath, ranks: pool.worldSize,
                                              kernelCacheDirectory: dataRoot.appendingPathComponent("store/kernels", isDirectory: true),
                                              workersReadCaseFile: pool.workersShareFiles, cancellation: cancellation))
            try cancellation.check()
            first = try run.firstStep()
        } catch let stopped as JobCancelled {
            noteDropped(record.id, reason: stopped.reason)
            return true
        } catch {
            try markFailed(record.id, error: String(describing: error))
            return true
        }
        let job = ActiveJob(record: record, run: run, caseSHA256: caseRecord.sha256, cancellation: cancellation, now: clock.now)
        active.append(job)
        try apply(first, to: job)
        return true
    }

    /// Throws unless the case file at `path` still has the SHA-256 the registry recorded when it was added (the
    /// store's files are the registry's record; one replaced by hand or by another program is not silently used).
    /// libcrypto hashes the 35 MB case of a 512×512×160 CT in about 0.03 s.
    static func checkFingerprint(of path: String, registered: String, caseID: String) throws {
        let found: String
        do {
            found = try SHA256.hex(ofFile: URL(fileURLWithPath: path))
        } catch {
            throw SchedulerError.caseUnavailable("case \(caseID): cannot read its file \(path): \(error.localizedDescription)")
        }
        guard found == registered else {
            throw SchedulerError.caseUnavailable("case \(caseID): its file \(path) has changed since it was added (SHA-256 \(found), "
                + "registered \(registered)); add the case again under a new id")
        }
    }

    /// Asks the registry (at most once per poll period) whether job `id` was cancelled or this run lost it: the
    /// coordinator checks between a job's stages, the job's kind inside its long coordinator-side steps.
    func cancellation(of id: Int64) -> JobCancellation {
        let (registry, owner) = (registry, options.owner)
        return JobCancellation(minimumInterval: .seconds(options.pollSeconds)) {
            // A registry that cannot be read here is reported by the next poll; the stage goes on.
            guard let current = try? registry.job(id: id) else { return nil }
            return Self.stopReason(current, owner: owner)
        }
    }

    /// Why this run (lease owner `owner`) must stop working on `job`, or nil while it is running under its lease.
    static func stopReason(_ job: JobRecord, owner: String) -> String? {
        guard job.state != .running || job.leaseOwner != owner else { return nil }
        return "job is \(job.state) (lease owner \(job.leaseOwner ?? "none"))"
    }

    /// Feeds a completed phase to the job's run and applies what it asks for next; a job cancelled meanwhile (seen
    /// before the step or by the kind's own checks inside it) is dropped.
    func advance(_ job: ActiveJob, results: [TaskPayload]) throws {
        let step: JobStep
        do {
            try job.cancellation.check()
            step = try job.run.nextStep(after: results)
        } catch let stopped as JobCancelled {
            return drop(job, reason: stopped.reason)
        } catch {
            return try fail(job, error: String(describing: error))
        }
        try apply(step, to: job)
    }

    /// Starts the step's phase (empty phases complete at once) or finishes the job.
    private func apply(_ step: JobStep, to job: ActiveJob) throws {
        switch step {
        case .tasks(let tasks):
            job.beginPhase(tasks)
            logger.debug("phase \(job.phase): \(tasks.count) tasks", metadata: ["job": "\(job.id)"])
            try storeProgress(job)
            if tasks.isEmpty { try advance(job, results: []) }
        case .collective(let build):
            let members = pool.workerCount
            let tasks: [TaskPayload]
            do {
                tasks = try build(members)
                guard tasks.count == members else {
                    throw SchedulerError.invalidCollective("the job gave \(tasks.count) tasks to a collective phase of \(members) members")
                }
            } catch let stopped as JobCancelled {
                return drop(job, reason: stopped.reason)
            } catch {
                return try fail(job, error: String(describing: error))
            }
            collectiveSequence += 1
            job.beginPhase(CollectiveTasks.marked(tasks), collectiveReady: collectiveSequence)
            logger.debug("phase \(job.phase): collective of \(members) members", metadata: ["job": "\(job.id)"])
            try storeProgress(job)
        case .finished(let outcome):
            try finish(job, outcome: outcome)
        }
    }

    /// Writes the result file atomically, then marks the job succeeded (a job cancelled before the write gets no
    /// file; the file is removed again if the job was cancelled during the write).
    private func finish(_ job: ActiveJob, outcome: JobOutcome) throws {
        try storeProgress(job)
        guard active.contains(where: { $0 === job }) else { return }
        do {
            try job.cancellation.check()
        } catch let stopped as JobCancelled {
            return drop(job, reason: stopped.reason)
        }
        remove(job)
        let wallSeconds = (clock.now - job.started).seconds
        var result = outcome.result
        result.attributes.merge(provenance(of: job, wallSeconds: wallSeconds)) { _, coordinator in coordinator }
        result.attributes["timings_tasks_columns"] = .string(TaskTiming.columns.joined(separator: ","))
        let rows = job.timings.sorted { ($0.phase, $0.index) < ($1.phase, $1.index) }.flatMap(\.row)
        result.arrays["/timings/tasks"] = try ResultArray(shape: [job.timings.count, TaskTiming.columns.count], values: .float64(rows))
        let relative = "store/results/job-\(job.id)/result.h5"
        let file = dataRoot.appendingPathComponent(relative)
        if let foreign = foreignResults(in: file.deletingLastPathComponent(), for: job.record) {
            return try markFailed(job.id, error: foreign)
        }
        let digest: String
        do {
            let writeStart = clock.now
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try result.write(to: file.path)
            logger.debug("result file written in \(String(format: "%.3f", (clock.now - writeStart).seconds)) s", metadata: ["job": "\(job.id)"])
        } catch {
            return try markFailed(job.id, error: "cannot write the result file: \(error)")
        }
        do {
            digest = try resultDigest(file)
        } catch {
            // A result without its digest is never recorded: it must not stay behind for a later attempt to adopt.
            try? FileManager.default.removeItem(at: file)
            return try markFailed(job.id, error: "cannot compute the SHA-256 of the written result file \(relative): \(error); result removed")
        }
        do {
            try registry.markSucceeded(jobID: job.id, owner: options.owner, resultPath: relative, resultSHA256: digest)
        } catch let error as RegistryError where error.isLostLease {
            try? FileManager.default.removeItem(at: file)
            summary.jobsDropped += 1
            logger.notice("stopped working on the job: \(error); result removed", metadata: ["job": "\(job.id)"])
            return
        }
        let computeSeconds = job.timings.reduce(0) { $0 + $1.seconds }
        _ = try? registry.addNote(jobID: job.id, message: String(
            format: "%@; %@ in %@ on %@; wall %.3f s, task compute %.3f s", outcome.summary, counted(job.timings.count, "task"),
            counted(job.phase + 1, "phase"), counted(pool.worldSize, "rank"), wallSeconds, computeSeconds))
        summary.jobsSucceeded += 1
        logger.info("succeeded in \(String(format: "%.3f", wallSeconds)) s: \(outcome.summary)", metadata: ["job": "\(job.id)"])
    }

    /// Why the job's result directory must not receive its result, or nil when it is missing, empty or holds only
    /// what an earlier attempt of this very job left (a `result.h5` whose `job_id` and `job_submitted_at` are the
    /// job's, after a crash before the registry recorded it; temporaries of interrupted writes). Anything else comes
    /// from another job with the same id, e.g. of a registry restored from an older backup, and is never overwritten.
    private func foreignResults(in directory: URL, for record: JobRecord) -> String? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return nil }
        let own = names.filter { name in
            if name.hasPrefix(".result.h5.tmp-") { return true }
            guard name == "result.h5", record.attempts > 1,
                  let earlier = try? ResultFile.readAttributes(path: directory.appendingPathComponent(name).path) else { return false }
            return earlier["job_id"] == .int(Int(record.id)) && earlier["job_submitted_at"] == .double(record.submittedAt.timeIntervalSince1970)
        }
        let others = names.filter { !own.contains($0) }.sorted()
        guard !others.isEmpty else { return nil }
        return "the result directory \(directory.path) already holds \(others.prefix(5).joined(separator: ", "))"
            + (others.count > 5 ? " and \(others.count - 5) more" : "")
            + " from another job numbered \(record.id) (was the registry replaced or restored from an older copy?);"
            + " it is not overwritten: move it away, then submit the job again"
    }

    /// Root attributes recording where a result came from.
    private func provenance(of job: ActiveJob, wallSeconds: Double) -> [String: AttributeValue] {
        var attributes: [String: AttributeValue] = [
            "software_version": .string(options.softwareVersion),
            "job_id": .int(Int(job.id)),
            "job_submitted_at": .double(job.record.submittedAt.timeIntervalSince1970),
            "case_id": .string(job.record.caseID),
            "case_sha256": .string(job.caseSHA256),
            "kind": .string(job.kind),
            "spec": .string(job.record.spec),
            "attempt": .int(job.record.attempts),
            "ranks": .int(pool.worldSize),
            "wall_seconds": .double(wallSeconds),
        ]
        if let spec = try? JobSpec.parse(yaml: job.record.spec) {
            attributes["seed"] = Int(exactly: spec.seed).map(AttributeValue.int) ?? .string(String(spec.seed))
        }
        return attributes
    }

    /// Fails a job in flight with `error` and forgets it; its outstanding replies will be discarded.
    func fail(_ job: ActiveJob, error: String) throws {
        remove(job)
        try markFailed(job.id, error: error)
    }

    private func markFailed(_ id: Int64, error: String) throws {
        logger.error("job failed: \(error)", metadata: ["job": "\(id)"])
        do {
            try registry.markFailed(jobID: id, owner: options.owner, error: error)
            summary.jobsFailed += 1
        } catch let error as RegistryError where error.isLostLease {
            summary.jobsDropped += 1
            logger.notice("stopped working on the job: \(error)", metadata: ["job": "\(id)"])
        }
    }

    func remove(_ job: ActiveJob) {
        active.removeAll { $0 === job }
    }

    /// Periodic registry work: drop jobs that were cancelled (or lost their lease), renew leases due for it,
    /// store progress; and allow claiming again (new jobs may have been queued).
    func pollRegistry() throws {
        queueMayHaveJobs = true
        let now = clock.now
        let renewEvery = Duration.seconds(options.leaseSeconds / 3)
        for job in active {
            if let reason = Self.stopReason(try registry.job(id: job.id), owner: options.owner) {
                drop(job, reason: reason)
                continue
            }
            if now - job.lastRenewal >= renewEvery {
                do {
                    try registry.renewLease(jobID: job.id, owner: options.owner, leaseSeconds: options.leaseSeconds)
                    job.lastRenewal = now
                } catch let error as RegistryError where error.isLostLease {
                    drop(job, reason: "\(error)")
                    continue
                }
            }
            try storeProgress(job)
        }
    }

    /// Stops working on a job another party ended: no more dispatch, partial results dropped.
    private func drop(_ job: ActiveJob, reason: String) {
        remove(job)
        noteDropped(job.id, reason: reason)
    }

    /// Counts and logs job `id` as dropped (cancelled or lost while this run worked on it).
    private func noteDropped(_ id: Int64, reason: String) {
        summary.jobsDropped += 1
        logger.notice("stopped working on the job: \(reason); partial results dropped", metadata: ["job": "\(id)"])
    }

    /// Writes tasks done / total when they changed.
    private func storeProgress(_ job: ActiveJob) throws {
        guard job.reportedProgress != (job.tasksDone, job.tasksTotal) else { return }
        do {
            try registry.updateProgress(jobID: job.id, owner: options.owner, done: job.tasksDone, total: job.tasksTotal)
            job.reportedProgress = (job.tasksDone, job.tasksTotal)
        } catch let error as RegistryError where error.isLostLease {
            drop(job, reason: "\(error)")
        }
    }
}

extension RegistryError {
    /// True when the error says this run no longer holds the job (cancelled, requeued or finished elsewhere).
    var isLostLease: Bool {
        switch self {
        case .leaseNotHeld, .illegalTransition: return true
        default: return false
        }
    }
}
