import ArgumentParser
import Jobs

/// `rtcluster`: the command-line front end of the radiotherapy compute cluster.
@main
struct RTCluster: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtcluster",
        abstract: "Batch compute back end for remote radiotherapy: cases, jobs, MPI workers, results.",
        discussion: helpText("""
        Cases (CT + structures) are registered in a data directory; jobs (segment, dose, plan) are
        queued against them and processed by MPI workers. Exit codes: 0 success, 1 a check failed,
        64 usage error, 65 invalid input, 66 not found, 70 internal error.

        Example:
          rtcluster phantom thorax --out thorax.h5 --seed 3
          rtcluster case add thorax.h5 --id thorax-3 --site demo
          rtcluster submit thorax-3 jobs/segment.yaml --json
        """),
        version: RTClusterVersion.string,
        subcommands: [
            PhantomCommand.self, CaseCommand.self, SubmitCommand.self, StatusCommand.self, ListCommand.self,
            CancelCommand.self, EventsCommand.self, ResultsCommand.self, CompareDoseCommand.self, SelfTestCommand.self, WorkerCommand.self, RunCommand.self,
        ]
    )

    /// Parses and runs the command like ArgumentParser's `main()`, but a usage error (exit 64) under `--json` also
    /// prints the `{"ok": false, …}` report on stdout, as every other failure does.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            try checkSubcommandNames(arguments)
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if arguments.contains("--json"), exitCode(for: error) == .validationFailure {
                try? Output.json(ErrorReport(error: message(for: error), exitCode: ExitCode.validationFailure.rawValue))
            }
            exit(withError: error)
        }
    }
}

extension RTCluster {
    /// Refuses a first word (after the command names matched so far) that names no subcommand, as a usage
    /// error (64) that says so: ArgumentParser takes such a word for a stray argument of the parent command,
    /// so `resutls 2 --out x` failed on "Unknown option '--out'", `export 2` on "2 unexpected arguments" and
    /// `export --help` printed the top-level help with 0. Options (words starting with "-") are left to the
    /// parser, as is everything after a command without subcommands; `help` is taken as the root's.
    static func checkSubcommandNames(_ arguments: [String], of command: ParsableCommand.Type = RTCluster.self, path: [String] = ["rtcluster"]) throws {
        let subcommands = command.configuration.subcommands
        guard !subcommands.isEmpty, let word = arguments.first, !word.hasPrefix("-") else { return }
        let rest = Array(arguments.dropFirst())
        if path.count == 1, word == "help" { return try checkSubcommandNames(rest, of: command, path: path) }
        var names: [String] = []
        for subcommand in subcommands {
            let name = subcommand._commandName
            if name == word || subcommand.configuration.aliases.contains(word) {
                return try checkSubcommandNames(rest, of: subcommand, path: path + [word])
            }
            names.append(name)
        }
        throw ValidationError("unknown subcommand '\(word)' of '\(path.joined(separator: " "))'" + Suggestion.hint(for: word, among: names)
                              + " (subcommands: \(names.joined(separator: ", ")))")
    }
}

/// Software version recorded in result files and printed by `--version`.
enum RTClusterVersion {
    static let string = "0.1.0"
}
