/// An error while reading, importing or writing DICOM: names the file, the attribute tag when
/// there is one, and what was wrong, so that a log line is enough to find the problem.
public struct DICOMError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file (or directory, for series-level errors).
    public let file: String
    /// The attribute concerned, if any.
    public let tag: DICOMTag?
    /// What was wrong, in words.
    public let reason: String

    /// An error about `file` (and `tag`, if given).
    public init(file: String, tag: DICOMTag? = nil, _ reason: String) {
        self.file = file
        self.tag = tag
        self.reason = reason
    }

    public var description: String {
        if let tag { return "\(file): DICOM \(tag): \(reason)" }
        return "\(file): DICOM: \(reason)"
    }
}
