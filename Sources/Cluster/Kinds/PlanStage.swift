/// The stages of a `plan` job in order. Every plan task payload carries its stage in the text field
/// `plan.stage`, so a worker dispatches on it (the number of segmentation phases varies with the request).
enum PlanStage: String, CaseIterable, Sendable {
    case segmentation, kernel, pilot, influence, optimisation
    case correctionDose = "correction_dose"
    case reoptimisation
    case finalDose = "final_dose"
    case evaluation

    /// The payload field holding the stage name.
    static let field = "plan.stage"

    /// `payload` with this stage's tag.
    func tagged(_ payload: TaskPayload) -> TaskPayload {
        var tagged = payload
        tagged[Self.field] = .text(rawValue)
        return tagged
    }

    /// The stage a task payload is tagged with; throws for a missing or unknown tag.
    static func of(_ payload: TaskPayload) throws -> PlanStage {
        let name = try payload.text(field)
        guard let stage = PlanStage(rawValue: name) else { throw WireError.malformed("unknown plan stage \(name)") }
        return stage
    }
}

/// An input or protocol problem of a plan job.
struct PlanKindError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
