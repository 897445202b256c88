import CMPI

/// A send started by `Communicator.isend`: the data was copied, so the caller's array is free at once.
///
/// The send completes once MPI has delivered or buffered the message. `wait()` waits for that under the
/// communicator's wait policy; dropping an incomplete `PendingSend` waits too, so a message is never lost and
/// its buffer never freed early. Use it from one thread at a time.
public final class PendingSend {
    private var request: MPI_Request?
    private let buffer: UnsafeMutableRawBufferPointer
    private let communicator: Communicator
    /// The destination rank.
    public let destination: Int
    /// The message tag.
    public let tag: Int

    init<Element: MPIScalar>(_ values: [Element], to destination: Int, tag: Int, on communicator: Communicator) {
        self.communicator = communicator
        self.destination = destination
        self.tag = tag
        let count = communicator.int32(values.count, "element count of isend to rank \(destination)")
        buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: values.count * MemoryLayout<Element>.stride, alignment: MemoryLayout<Element>.alignment)
        values.withUnsafeBytes { buffer.copyMemory(from: $0) }
        request = rt_mpi_request_null()
        communicator.check(
            MPI_Isend(buffer.baseAddress, count, Element.mpiElementKind.datatype, Int32(destination), Int32(tag),
                      communicator.handle, &request),
            "MPI_Isend of \(values.count) \(Element.self) to rank \(destination) tag \(tag)")
    }

    /// Whether the send has completed; tests once without waiting (`MPI_Test`).
    public var isComplete: Bool {
        var done: Int32 = 0
        communicator.check(MPI_Test(&request, &done, rt_mpi_status_ignore()),
                           "MPI_Test of isend to rank \(destination) tag \(tag)")
        return done != 0
    }

    /// Waits until the send has completed, under the communicator's wait policy. Returns at once if it has.
    public func wait() {
        communicator.waitForCompletion(&request, "isend to rank \(destination) tag \(tag)")
    }

    deinit {
        wait()
        buffer.deallocate()
    }
}
