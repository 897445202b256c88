import CMPI

/// Point-to-point messages: typed arrays with tags, received without knowing their length in advance.
extension Communicator {
    /// Sends `values` to rank `destination` with `tag` (0...maxPortableTag) and waits until the buffer is free.
    ///
    /// Large messages wait for the matching receive, so a rank must not `send` a large message to itself before
    /// receiving it: use `isend` for that.
    public func send<Element: MPIScalar>(_ values: [Element], to destination: Int, tag: Int) {
        validatePeer(destination, "send destination")
        let count = int32(values.count, "element count of send to rank \(destination)")
        let datatype = Element.mpiElementKind.datatype
        values.withUnsafeBufferPointer { buffer in
            perform("MPI_Send of \(values.count) \(Element.self) to rank \(destination) tag \(tag)",
                    blocking: { MPI_Send(buffer.baseAddress, count, datatype, Int32(destination), Int32(tag), handle) },
                    start: { MPI_Isend(buffer.baseAddress, count, datatype, Int32(destination), Int32(tag), handle, $0) })
        }
    }

    /// Starts sending a copy of `values` to rank `destination` with `tag` and returns at once; complete it with
    /// `PendingSend.wait()` (or by dropping it). Sending to one's own rank is allowed.
    public func isend<Element: MPIScalar>(_ values: [Element], to destination: Int, tag: Int) -> PendingSend {
        validatePeer(destination, "isend destination")
        return PendingSend(values, to: destination, tag: tag, on: self)
    }

    /// Receives the next message from `source` (or `anySource`) with `tag` (or `anyTag`), whatever its length.
    ///
    /// Matches with `MPI_Improbe`/`MPI_Mprobe` and receives exactly that message (`MPI_Imrecv`), so concurrent
    /// receivers cannot steal it. The message must have been sent as `Element`; a byte count that is not a whole
    /// number of elements is a fatal error.
    public func recv<Element: MPIScalar>(_ type: Element.Type = Element.self, from source: Int,
                                         tag: Int) -> ReceivedMessage<Element> {
        validatePeer(source, "recv source", allowAny: true)
        var message: MPI_Message?
        var status = MPI_Status()
        let description = "receive from \(source == Self.anySource ? "any rank" : "rank \(source)") tag \(tag)"
        switch waitPolicy {
        case .blocking:
            check(MPI_Mprobe(Int32(source), Int32(tag), handle, &message, &status), "MPI_Mprobe for \(description)")
        case .polling:
            poll {
                var found: Int32 = 0
                check(MPI_Improbe(Int32(source), Int32(tag), handle, &found, &message, &status),
                      "MPI_Improbe for \(description)")
                return found != 0
            }
        }
        let probed = probedMessage(status)
        guard let count = probed.count(of: Element.self) else {
            MPIEnvironment.fatal("message from rank \(probed.source) tag \(probed.tag) holds \(probed.byteCount) bytes, "
                                 + "not a whole number of \(Element.self) (\(MemoryLayout<Element>.stride) bytes each)")
        }
        let count32 = int32(count, "element count of \(description)")
        let datatype = Element.mpiElementKind.datatype
        let values = [Element](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            perform("MPI_Mrecv of \(count) \(Element.self) from rank \(probed.source) tag \(probed.tag)",
                    blocking: { MPI_Mrecv(buffer.baseAddress, count32, datatype, &message, rt_mpi_status_ignore()) },
                    start: { MPI_Imrecv(buffer.baseAddress, count32, datatype, &message, $0) })
            initializedCount = count
        }
        return ReceivedMessage(values: values, source: probed.source, tag: probed.tag)
    }

    /// Waits (under the wait policy) until a message from `source` with `tag` is pending and describes it,
    /// without receiving it.
    public func probe(from source: Int = anySource, tag: Int = anyTag) -> ProbedMessage {
        var result: ProbedMessage?
        poll {
            result = iprobe(from: source, tag: tag)
            return result != nil
        }
        guard let result else { MPIEnvironment.fatal("probe ended without a message") }
        return result
    }

    /// Describes a pending message from `source` with `tag` if one has arrived (`MPI_Iprobe`), else nil.
    /// Never waits; the message stays pending until `recv`.
    public func iprobe(from source: Int = anySource, tag: Int = anyTag) -> ProbedMessage? {
        validatePeer(source, "iprobe source", allowAny: true)
        var found: Int32 = 0
        var status = MPI_Status()
        check(MPI_Iprobe(Int32(source), Int32(tag), handle, &found, &status), "MPI_Iprobe from \(source) tag \(tag)")
        return found != 0 ? probedMessage(status) : nil
    }

    private func probedMessage(_ status: MPI_Status) -> ProbedMessage {
        var status = status
        var bytes: Int32 = 0
        check(MPI_Get_count(&status, rt_mpi_byte(), &bytes), "MPI_Get_count")
        return ProbedMessage(source: Int(status.MPI_SOURCE), tag: Int(status.MPI_TAG), byteCount: Int(bytes))
    }
}
