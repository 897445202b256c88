import Testing
@testable import Cluster

#if canImport(Glibc)
import Glibc
#endif

extension MPITests {
    @Suite struct Waiting {
        let world = MPIEnvironment.world

        /// CPU time of the calling thread.
        private func threadCPUTime() -> Duration {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
        }

        @Test func pollingSleepsInsteadOfSpinning() {
            let clock = ContinuousClock()
            let deadline = clock.now + .milliseconds(50)
            let cpuBefore = threadCPUTime()
            world.withWaitPolicy(.default).poll { clock.now >= deadline }
            let cpu = threadCPUTime() - cpuBefore
            #expect(clock.now >= deadline)
            #expect(cpu < .milliseconds(10), "waiting 50 ms used \(cpu) of CPU (limit 10 ms)")
        }

        @Test func pollingSleepsDoubleUpToTheCap() {
            let policy = WaitPolicy.polling(spinMicroseconds: 0, initialSleepMicroseconds: 1000, maxSleepMicroseconds: 4000)
            var attempts = 0
            let elapsed = ContinuousClock().measure {
                world.withWaitPolicy(policy).poll {
                    attempts += 1
                    return attempts == 5
                }
            }
            // Four sleeps: 1 + 2 + 4 + 4 ms = 11 ms at least; generous upper bound for a loaded machine.
            #expect(elapsed >= .milliseconds(11))
            #expect(elapsed < .seconds(5))
        }

        @Test func pollingReturnsAtOnceWhenAlreadyComplete() {
            var attempts = 0
            world.poll {
                attempts += 1
                return true
            }
            #expect(attempts == 1)
        }
    }
}
