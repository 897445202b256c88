import ArgumentParser
import Evaluation
import Foundation
import Jobs
import Phantoms
import Registry
import Report
import Store
import Core

/// A command whose errors are reported once, in text or JSON, with a documented exit code.
protocol ReportingCommand: ParsableCommand {
    var global: GlobalOptions { get }
    /// The command's work; thrown errors are mapped to exit codes by `run()`.
    func execute() throws
}

extension ReportingCommand {
    func run() throws {
        do {
            try execute()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let status = ExitStatus(classifying: error)
            let message = String(describing: error)
            if global.json {
                try? Output.json(ErrorReport(error: message, exitCode: status.rawValue))
            }
            Output.stderr("error: \(message)")
            throw ExitCode(status.rawValue)
        }
    }
}

/// The JSON printed on stdout when a command fails under `--json`.
struct ErrorReport: Encodable {
    let ok = false
    let error: String
    let exitCode: Int32
    enum CodingKeys: String, CodingKey { case ok, error, exitCode = "exit_code" }
}

extension ExitStatus {
    /// The exit status for an error raised anywhere below the CLI.
    init(classifying error: Error) {
        switch error {
        case let e as CLIError: self = e.status
        case let e as RegistryError:
            switch e {
            case .caseNotFound, .jobNotFound: self = .notFound
            case .database, .corruptRow, .readOnly, .unknownMigrations, .schemaNotMigrated: self = .internalError
            default: self = .invalidInput
            }
        case is StoreError, is DICOMError, is JobSpecError, is CoreError, is ReportError, is EvaluationError, is PhantomError: self = .invalidInput
        default: self = .internalError
        }
    }
}
