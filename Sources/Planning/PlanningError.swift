/// A problem that stops a dose or plan calculation before or while it runs, named for the user
/// (an unknown structure, a target with no voxels, beams that cover nothing...).
public struct PlanningError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, in words that name the offending input.
    public let description: String

    /// Creates an error with a message naming what is wrong.
    public init(_ description: String) { self.description = description }
}
