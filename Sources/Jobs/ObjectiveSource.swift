/// Where a plan's objectives come from: listed in the spec, or the case's own objectives stored with
/// its structures (the `objectives_json` attribute of each `/structures/<name>` mask, TG-119 style).
public enum ObjectiveSource: Hashable, Sendable {
    /// Use the objectives stored in the case file (`objectives: from_case`).
    case fromCase
    /// Use these objectives (at least one).
    case listed([ObjectiveSpec])
}
