import ArgumentParser
import Foundation

/// Exit codes of `rtcluster` (sysexits.h numbering, documented in the README).
enum ExitStatus: Int32 {
    case success = 0
    case checkFailed = 1
    case usage = 64
    case invalidInput = 65
    case notFound = 66
    case internalError = 70
}

/// An error the CLI reports with a message and a documented exit code.
struct CLIError: Error, CustomStringConvertible {
    let status: ExitStatus
    let message: String
    var description: String { message }

    static func invalidInput(_ m: String) -> CLIError { CLIError(status: .invalidInput, message: m) }
    static func notFound(_ m: String) -> CLIError { CLIError(status: .notFound, message: m) }
    static func internalError(_ m: String) -> CLIError { CLIError(status: .internalError, message: m) }
}
