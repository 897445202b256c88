import Testing

/// All tests that talk to MPI share the one world of the test process (initialised once, never finalised), so
/// they run one at a time: concurrent tests could otherwise match each other's messages.
@Suite(.serialized)
struct MPITests {}
