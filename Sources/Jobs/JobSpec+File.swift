import Foundation

extension JobSpec {
    /// Reads and parses a spec file, refusing files over `maxSpecBytes` before reading them.
    /// Errors are those of `parse(yaml:)`, plus `unreadableFile` (missing, unreadable, not UTF-8).
    public static func parse(contentsOfFile path: String) throws(JobSpecError) -> JobSpec {
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw JobSpecError(.unreadableFile, at: "", "cannot read \(path): \(error.localizedDescription)")
        }
        guard size <= maxSpecBytes else {
            throw JobSpecError(.fileTooLarge, at: "", "\(path) has \(size) bytes; at most \(maxSpecBytes) are accepted")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JobSpecError(.unreadableFile, at: "", "cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw JobSpecError(.unreadableFile, at: "", "\(path) is not UTF-8 text")
        }
        return try parse(yaml: text)
    }
}
