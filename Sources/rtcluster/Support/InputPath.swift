import Foundation

/// Checks on input paths before they are opened.
enum InputPath {
    /// Throws not found (66) when nothing is at `path`, invalid input (65) when it is not a regular file (a FIFO or
    /// a device would block the read; a directory is named as such). `what` describes the file in messages.
    static func requireRegularFile(_ path: String, what: String = "file") throws {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path  // a link to a file is that file
        guard let type = try? FileManager.default.attributesOfItem(atPath: target)[.type] as? FileAttributeType else {
            throw CLIError.notFound("no such \(what): \(path)")
        }
        guard type == .typeRegular else {
            let kind = type == .typeDirectory ? "a directory" : "not a regular file (\(type.rawValue))"
            throw CLIError.invalidInput("\(path) is \(kind); expected a \(what)")
        }
    }
}
