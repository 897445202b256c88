import ArgumentParser
import Foundation
import Jobs
import Planning
import Registry
import Store

/// `rtcluster submit CASE SPEC`: validates a job spec against a case and queues the job.
struct SubmitCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Validate a job spec (YAML) against a registered case and queue the job.",
        discussion: helpText("""
        The spec is checked completely before anything is written: unknown keys, types, ranges and
        structure names (against the case's structures plus those the job segments itself), and the
        dose grid's size over the case's CT (at most 2^27 voxels).
        The normalised spec is stored with the job. See docs/job-spec.md for the format.
        Examples:
          rtcluster submit thorax-7 jobs/segment.yaml
          rtcluster submit tg119 jobs/tg119-plan.yaml --priority 800 --json
        """)
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Case id.") var caseID: String
    @Argument(help: "Job spec file (YAML).") var spec: String
    @Option(help: "Priority 0-1000 (higher runs first); overrides the spec's priority.") var priority: Int?

    func validate() throws {
        if let priority, !JobRecord.priorityRange.contains(priority) {
            throw ValidationError("--priority must be between 0 and 1000, got \(priority)")
        }
    }

    func execute() throws {
        try InputPath.requireRegularFile(spec, what: "job spec file")
        let parsed = try JobSpec.parse(contentsOfFile: spec)
        let registry = try global.dataDirectory.openExistingRegistry()
        let record = try registry.caseRecord(id: caseID)
        try parsed.validate(againstCaseStructures: record.structures)
        try parsed.validate(againstCaseSize: SIMD3(record.nx, record.ny, record.nz), ctSpacingMM: record.spacingMM)
        if !parsed.referencedStructures.isEmpty {
            // Empty targets and a from_case plan on a case without objectives are refused now, not when the job runs;
            // only the masks the checks need are read.
            let facts = try CaseFile.structureFacts(path: global.dataDirectory.root.appendingPathComponent(record.casePath).path,
                                                    countingVoxelsOf: parsed.structuresNeedingVoxels)
            var objectives = 0
            if case .plan(let plan) = parsed.work, case .fromCase = plan.objectives {
                do {
                    for f in facts { objectives += try f.objectivesJSON.map { try PlanObjectives.parse(json: $0, structure: f.name).count } ?? 0 }
                } catch let error as PlanningError {
                    throw CLIError.invalidInput("case \(record.id): \(error.description)")
                }
            }
            try parsed.validate(againstStructureVoxels: facts.reduce(into: [:]) { $0[$1.name] = $1.voxelCount },
                                caseObjectiveCount: objectives)
        }
        let job = try registry.submitJob(
            caseID: record.id, kind: parsed.kind.rawValue, specText: parsed.canonicalYAML(),
            priority: priority ?? parsed.priority, maxAttempts: parsed.maxAttempts
        )
        if global.json { return try Output.json(JobView(job)) }
        print("job \(job.id) queued: \(job.kind) on case \(job.caseID), priority \(job.priority)")
    }
}
