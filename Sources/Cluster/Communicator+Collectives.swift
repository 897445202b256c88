import CMPI

/// Collective operations: every rank of the communicator must call the same operation in the same order.
///
/// Under the default polling wait policy they run as MPI-3 non-blocking collectives completed by `MPI_Test` with
/// short sleeps; under `.blocking` they call the blocking collectives.
extension Communicator {
    /// Waits until every rank has entered the barrier.
    public func barrier() {
        perform("MPI_Barrier", blocking: { MPI_Barrier(handle) }, start: { MPI_Ibarrier(handle, $0) })
    }

    /// Replaces `values` on every rank with the root's array. Non-roots need not know the length: the root's
    /// element count is broadcast first, and their input contents are ignored.
    public func bcast<Element: MPIScalar>(_ values: inout [Element], root: Int) {
        validatePeer(root, "bcast root")
        let int64 = Int64.mpiElementKind.datatype
        var count = Int64(rank == root ? values.count : 0)
        withUnsafeMutablePointer(to: &count) { pointer in
            perform("MPI_Bcast of the element count from root \(root)",
                    blocking: { MPI_Bcast(pointer, 1, int64, Int32(root), handle) },
                    start: { MPI_Ibcast(pointer, 1, int64, Int32(root), handle, $0) })
        }
        let length = Int(count)
        let count32 = int32(length, "element count of bcast from root \(root)")
        let datatype = Element.mpiElementKind.datatype
        let transfer = { (buffer: UnsafeMutableBufferPointer<Element>) in
            perform("MPI_Bcast of \(length) \(Element.self) from root \(root)",
                    blocking: { MPI_Bcast(buffer.baseAddress, count32, datatype, Int32(root), handle) },
                    start: { MPI_Ibcast(buffer.baseAddress, count32, datatype, Int32(root), handle, $0) })
        }
        if rank == root {
            values.withUnsafeMutableBufferPointer { transfer($0) }
        } else {
            values = [Element](unsafeUninitializedCapacity: length) { buffer, initializedCount in
                transfer(buffer)
                initializedCount = length
            }
        }
    }

    /// Combines `values` element-wise across ranks with `operation` and stores the result in place on every
    /// rank: values[i] = op over all ranks r of values_r[i]. All ranks must pass arrays of the same length.
    public func allreduce<Element: MPIScalar>(_ values: inout [Element], _ operation: ReductionOperation) {
        let count = int32(values.count, "element count of allreduce")
        let datatype = Element.mpiElementKind.datatype
        let inPlace = UnsafeRawPointer(rt_mpi_in_place())
        values.withUnsafeMutableBufferPointer { buffer in
            perform("MPI_Allreduce (\(operation)) of \(count) \(Element.self)",
                    blocking: { MPI_Allreduce(inPlace, buffer.baseAddress, count, datatype, operation.handle, handle) },
                    start: {
                        MPI_Iallreduce(inPlace, buffer.baseAddress, count, datatype, operation.handle, handle, $0)
                    })
        }
    }

    /// `operation` over one value per rank, returned on every rank.
    public func allreduce<Element: MPIScalar>(_ value: Element, _ operation: ReductionOperation) -> Element {
        var values = [value]
        allreduce(&values, operation)
        return values[0]
    }

    /// Gathers one value from every rank onto every rank: result[r] is rank r's `value`.
    public func allgather<Element: MPIScalar>(_ value: Element) -> [Element] {
        let datatype = Element.mpiElementKind.datatype
        let sent = [value]
        return [Element](unsafeUninitializedCapacity: size) { buffer, initializedCount in
            sent.withUnsafeBufferPointer { source in
                perform("MPI_Allgather of one \(Element.self)",
                        blocking: { MPI_Allgather(source.baseAddress, 1, datatype, buffer.baseAddress, 1, datatype, handle) },
                        start: {
                            MPI_Iallgather(source.baseAddress, 1, datatype, buffer.baseAddress, 1, datatype, handle, $0)
                        })
            }
            initializedCount = size
        }
    }

    /// Personalised all-to-all exchange: `buffers[d]` goes to rank d (exactly `size` buffers, any lengths,
    /// including empty); returns one buffer per source rank, result[s] being what rank s addressed to this rank.
    ///
    /// The counts are exchanged first with an all-to-all, so receivers need not know them. Total elements sent or
    /// received by one rank must fit an MPI int.
    public func alltoallv<Element: MPIScalar>(_ buffers: [[Element]]) -> [[Element]] {
        guard buffers.count == size else {
            MPIEnvironment.fatal("alltoallv on rank \(rank) got \(buffers.count) buffers, needs one per rank (\(size))")
        }
        let sendCounts = buffers.map { int32($0.count, "alltoallv buffer length") }
        let receiveCounts = exchangeCounts(sendCounts)
        let sendDisplacements = displacements(of: sendCounts, "alltoallv elements sent")
        let receiveDisplacements = displacements(of: receiveCounts, "alltoallv elements received")
        let flat = Array(buffers.joined())
        let receivedTotal = receiveCounts.reduce(0) { $0 + Int($1) }
        let datatype = Element.mpiElementKind.datatype
        let received = [Element](unsafeUninitializedCapacity: receivedTotal) { output, initializedCount in
            flat.withUnsafeBufferPointer { input in
                perform("MPI_Alltoallv of \(flat.count) \(Element.self) sent, \(receivedTotal) received",
                        blocking: {
                            MPI_Alltoallv(input.baseAddress, sendCounts, sendDisplacements, datatype,
                                          output.baseAddress, receiveCounts, receiveDisplacements, datatype, handle)
                        },
                        start: {
                            MPI_Ialltoallv(input.baseAddress, sendCounts, sendDisplacements, datatype,
                                           output.baseAddress, receiveCounts, receiveDisplacements, datatype, handle, $0)
                        })
            }
            initializedCount = receivedTotal
        }
        return (0..<size).map { source in
            let start = Int(receiveDisplacements[source])
            return Array(received[start..<start + Int(receiveCounts[source])])
        }
    }

    /// Sends `counts[d]` to rank d and returns what each rank sent here (`MPI_Alltoall` of one int per rank).
    private func exchangeCounts(_ counts: [Int32]) -> [Int32] {
        let int32Type = Int32.mpiElementKind.datatype
        return [Int32](unsafeUninitializedCapacity: size) { output, initializedCount in
            counts.withUnsafeBufferPointer { input in
                perform("MPI_Alltoall of alltoallv counts",
                        blocking: { MPI_Alltoall(input.baseAddress, 1, int32Type, output.baseAddress, 1, int32Type, handle) },
                        start: {
                            MPI_Ialltoall(input.baseAddress, 1, int32Type, output.baseAddress, 1, int32Type, handle, $0)
                        })
            }
            initializedCount = size
        }
    }

    /// Exclusive prefix sums of `counts`, checked to fit MPI ints.
    private func displacements(of counts: [Int32], _ what: String) -> [Int32] {
        var offsets: [Int32] = []
        offsets.reserveCapacity(counts.count)
        var total = 0
        for count in counts {
            offsets.append(int32(total, what))
            total += Int(count)
        }
        _ = int32(total, what)
        return offsets
    }
}
