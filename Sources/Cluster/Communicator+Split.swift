import CMPI

extension Communicator {
    /// Splits this communicator (collective: every rank must call it): ranks passing the same `color` form a new
    /// communicator, ordered by `key` then by rank here; a rank passing nil gets nil (`MPI_UNDEFINED`). The new
    /// communicator uses `MPI_ERRORS_RETURN` and this value's wait policy.
    public func split(color: Int?, key: Int) -> Communicator? {
        var newHandle: MPI_Comm? = rt_mpi_comm_null()
        let colorValue = color.map { int32($0, "split color") } ?? MPI_UNDEFINED
        check(MPI_Comm_split(handle, colorValue, int32(key, "split key"), &newHandle), "MPI_Comm_split (color \(colorValue), key \(key))")
        guard color != nil, let newHandle, newHandle != rt_mpi_comm_null() else { return nil }
        check(MPI_Comm_set_errhandler(newHandle, rt_mpi_errors_return()), "MPI_Comm_set_errhandler on a split communicator")
        return Communicator(handle: newHandle, waitPolicy: waitPolicy)
    }

    /// The communicator of the worker ranks 1…N-1 (member = rank − 1), for collective phases; nil on rank 0.
    /// Collective over this communicator: the coordinator and every worker call it once at start-up.
    public func workerGroupCommunicator() -> Communicator? {
        split(color: rank == 0 ? nil : 0, key: rank)
    }

    /// Whether every rank runs on the node of rank 0 (the same `MPI_Get_processor_name`, compared by a 64-bit
    /// FNV-1a hash), e.g. to let workers on that node open the coordinator's files. Collective: every rank
    /// calls it once at start-up (``MPIWorkerPool`` and ``WorkerLoop``), right after ``workerGroupCommunicator()``.
    public func allRanksOnNodeOfRankZero() -> Bool {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in MPIEnvironment.processorName.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hashes = allgather(Int64(bitPattern: hash))
        return hashes.allSatisfy { $0 == hashes[0] }
    }
}
