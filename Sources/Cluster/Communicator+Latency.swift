/// Latency measurement of the collectives, for comparing wait policies on a given cluster.
extension Communicator {
    /// The mean wall time of one in-place `allreduce(.sum)` of `elementCount` Doubles under this communicator's
    /// wait policy, over `repetitions` calls after `warmup` untimed calls; the slowest rank's mean, on every rank.
    /// Collective: all ranks must call it with the same arguments.
    public func allreduceLatency(elementCount: Int = 1000, repetitions: Int = 200, warmup: Int = 20) -> Duration {
        var values = (0..<elementCount).map { Double(rank + $0) }
        for _ in 0..<warmup { allreduce(&values, .sum) }
        barrier()
        let elapsed = ContinuousClock().measure {
            for _ in 0..<repetitions { allreduce(&values, .sum) }
        }
        let meanNanoseconds = Double(elapsed.components.seconds) * 1e9
            + Double(elapsed.components.attoseconds) * 1e-9
        let slowest = allreduce(meanNanoseconds / Double(max(repetitions, 1)), .max)
        return .nanoseconds(Int64(slowest.rounded()))
    }
}
