/// A count with its noun in the right number for messages: `counted(1, "attempt")` is "1 attempt",
/// `counted(3, "attempt")` "3 attempts" (regular English plurals only; pass `plural` otherwise).
public func counted(_ n: Int, _ noun: String, plural: String? = nil) -> String {
    "\(n) " + (n == 1 ? noun : plural ?? noun + "s")
}
