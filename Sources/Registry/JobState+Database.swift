import GRDB

/// Job states and event kinds are stored as their raw text.
extension JobState: DatabaseValueConvertible {}
extension EventKind: DatabaseValueConvertible {}
