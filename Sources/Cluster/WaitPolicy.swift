/// How a rank waits for an MPI operation to complete.
///
/// A rank blocked inside MPI busy-polls a full core. With `.polling`, operations are started non-blocking and
/// completion is tested with `MPI_Test`/`MPI_Improbe`: first back to back for up to `spinMicroseconds` (so a
/// partner that is already there costs no sleep), then with sleeps that start at `initialSleepMicroseconds`,
/// double after each unsuccessful test and are capped at `maxSleepMicroseconds`. `.blocking` uses the blocking
/// MPI calls (lowest latency on idle cores, a full core per waiting rank).
public enum WaitPolicy: Sendable, Equatable {
    case blocking
    case polling(spinMicroseconds: UInt32, initialSleepMicroseconds: UInt32, maxSleepMicroseconds: UInt32)

    /// The default: spin 100 µs, then sleep from 50 µs doubling up to 1 ms between tests.
    public static let `default` = WaitPolicy.polling(spinMicroseconds: 100, initialSleepMicroseconds: 50,
                                                     maxSleepMicroseconds: 1000)
}
