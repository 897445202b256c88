/// Why a result bundle or one of its parts could not be made.
public struct ReportError: Error, Equatable, CustomStringConvertible {
    /// What went wrong, for the user.
    public let message: String

    /// An error with `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
