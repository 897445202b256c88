import CProcess
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// mpirun run as a child of `rtcluster run`: tied to it (killed with SIGTERM when `run` dies, even by SIGKILL),
/// signals sent to `run` forwarded to it, its stdout passed through as it comes (and kept to see whether the
/// coordinator reported), stderr inherited.
struct MpirunChild {
    /// How mpirun ended.
    enum Ending: Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// What `run` makes of mpirun's end: its code passed on, or a world failure to report (exit 70).
    struct Outcome: Equatable {
        /// Exit code of `run`.
        let exitCode: Int32
        /// Set when the world failed without the coordinator's report: the message to print.
        let failure: String?
    }

    /// Starts `arguments[0]` with `arguments` and `environment`, passes its stdout through and waits for it.
    /// Returns how it ended and what it wrote on stdout (the last 1 MiB).
    static func run(arguments: [String], environment: [String: String]) throws -> (ending: Ending, stdout: Data) {
        var pipeEnds: [Int32] = [-1, -1]
        guard rt_pipe_cloexec(&pipeEnds) == 0 else {
            throw CLIError.internalError("cannot create a pipe for mpirun's output: \(String(cString: strerror(errno)))")
        }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        let cArguments = arguments.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cArguments + cEnvironment { free(pointer) } }
        // Signals that arrive between the fork and the forwarding's installation wait until it is in place.
        var forwarded = sigset_t()
        sigemptyset(&forwarded)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] { sigaddset(&forwarded, signalNumber) }
        pthread_sigmask(SIG_BLOCK, &forwarded, nil)
        let child = rt_spawn_tied(arguments[0], cArguments, cEnvironment, writeEnd, SIGTERM)
        let spawnErrno = errno
        close(writeEnd)
        if child > 0 { rt_forward_signals_to(child) }
        // mpirun must receive the signals it forwards (SIGUSR1 stops --serve) even when our parent blocked them.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        pthread_sigmask(SIG_SETMASK, &unblocked, nil)
        guard child > 0 else {
            close(readEnd)
            throw CLIError.internalError("cannot start \(arguments[0]): \(String(cString: strerror(spawnErrno)))")
        }
        var captured = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var open = true
        // Off once stdout is closed (`run | head`): mpirun's output is still read, so that it never blocks.
        var passThrough = true
        /// Reads what is there (waiting at most `timeout` ms) and passes it on; false at end of file or on error.
        func pump(timeout: Int32) -> Bool {
            var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, timeout)
            guard ready > 0 else { return ready == 0 || errno == EINTR }
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0 { return errno == EINTR || errno == EAGAIN }
            guard count > 0 else { return false }
            let chunk = Data(buffer[0..<count])
            if passThrough { passThrough = Self.writeAll(chunk) }
            captured.append(chunk)
            if captured.count > 1 << 20 { captured.removeFirst(captured.count - (1 << 20)) }
            return true
        }
        var status: Int32 = 0
        while true {
            if open { open = pump(timeout: 100) }
            let waited = waitpid(child, &status, open ? WNOHANG : 0)
            if waited == child {
                rt_stop_forwarding()
                break
            }
            if waited < 0 && errno != EINTR {
                throw CLIError.internalError("cannot wait for mpirun: \(String(cString: strerror(errno)))")
            }
        }
        // What mpirun wrote before it exited is in the pipe; a daemon that inherited the pipe may keep it open, so
        // read only what is already there.
        while open {
            var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0, descriptor.revents & Int16(POLLIN) != 0 else { break }
            open = pump(timeout: 0)
        }
        close(readEnd)
        let ending: Ending = rt_wait_signaled(status) != 0 ? .signaled(rt_wait_signal(status)) : .exited(rt_wait_exit_code(status))
        return (ending, captured)
    }

    /// Writes `data` to stdout with write(2) (FileHandle traps on a write error); false when stdout is closed or fails.
    static func writeAll(_ data: Data) -> Bool {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    /// `run`'s exit code after mpirun's `ending` with `stdout`: mpirun's success, and the coordinator's own codes
    /// (0, 1 for failed or held jobs) when its report is on stdout, are passed on; anything else — a rank crash or
    /// abort, a launch failure (an unreachable host: 255), mpirun killed by a signal — is a world failure (70).
    static func outcome(of ending: Ending, stdout: Data, json: Bool) -> Outcome {
        if ending == .exited(0) { return Outcome(exitCode: 0, failure: nil) }
        if case .exited(let code) = ending, code == ExitStatus.checkFailed.rawValue, coordinatorReported(stdout, json: json) {
            return Outcome(exitCode: code, failure: nil)
        }
        let reason: String
        switch ending {
        case .exited(127): reason = "mpirun could not be executed (exit status 127)"
        case .exited(let code): reason = "mpirun exited with status \(code)"
        case .signaled(let signalNumber): reason = "mpirun was killed by signal \(signalNumber) (\(String(cString: strsignal(signalNumber))))"
        }
        return Outcome(exitCode: ExitStatus.internalError.rawValue,
                       failure: "the MPI world failed: \(reason) without the coordinator's report (a rank crashed or aborted, "
                                + "or mpirun could not start the ranks; mpirun's and the ranks' messages are on stderr)")
    }

    /// True when `stdout` holds the coordinator's summary: with `--json` a JSON object with "ok", else its
    /// "N succeeded, … tasks on N ranks" line.
    static func coordinatorReported(_ stdout: Data, json: Bool) -> Bool {
        if json {
            return ((try? JSONSerialization.jsonObject(with: stdout)) as? [String: Any])?["ok"] is Bool
        }
        return String(decoding: stdout, as: UTF8.self).split(separator: "\n").contains {
            $0.contains(" succeeded, ") && ($0.contains(" tasks on ") || $0.contains(" task on "))
        }
    }
}

/// What `run --json` prints when the MPI world failed without the coordinator's report.
struct WorldFailureReport: Encodable {
    struct Status: Encodable {
        let exitCode: Int32?
        let signal: Int32?
        enum CodingKeys: String, CodingKey { case exitCode = "exit_code", signal }
    }
    let ok = false
    let error: String
    let exitCode: Int32
    let mpirunStatus: Status
    enum CodingKeys: String, CodingKey { case ok, error, exitCode = "exit_code", mpirunStatus = "mpirun_status" }

    init(error: String, exitCode: Int32, ending: MpirunChild.Ending) {
        self.error = error
        self.exitCode = exitCode
        switch ending {
        case .exited(let code): mpirunStatus = Status(exitCode: code, signal: nil)
        case .signaled(let signalNumber): mpirunStatus = Status(exitCode: nil, signal: signalNumber)
        }
    }
}
