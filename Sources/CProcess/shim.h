// Starting a child process tied to its parent, and forwarding signals to it (used by `rtcluster run` for mpirun).
// In C because the child's side runs between fork and execve, where only async-signal-safe calls are allowed, and
// prctl and sigaction's SA_SIGINFO handlers do not import into Swift.
#ifndef RTCLUSTER_CPROCESS_SHIM_H
#define RTCLUSTER_CPROCESS_SHIM_H
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/// Starts `path` with `argv` and `envp` (NULL-terminated) in a child: stdout on `stdout_fd` (when ≥ 0), every
/// signal unblocked, SIGPIPE at its default and the other signals as this process had them (one ignored here, e.g.
/// SIGHUP under nohup, stays ignored), and `death_signal` sent to it when this process dies (even by SIGKILL).
/// SIGCHLD is set to its default here first, so that the child can be waited for. Returns the child's pid, or -1
/// with errno set when fork failed; a child that cannot exec exits 127.
static inline pid_t rt_spawn_tied(const char *path, char *const argv[], char *const envp[], int stdout_fd, int death_signal) {
    signal(SIGCHLD, SIG_DFL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;
    if (prctl(PR_SET_PDEATHSIG, death_signal) != 0 || getppid() != parent) _exit(127);
    // Handlers do not survive execve (they become the default); ignored signals do, except SIGPIPE reset here.
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (stdout_fd >= 0 && stdout_fd != STDOUT_FILENO) {
        if (dup2(stdout_fd, STDOUT_FILENO) < 0) _exit(127);
        close(stdout_fd);
    }
    execve(path, argv, envp);
    _exit(127);
}

/// A pipe whose two ends close on exec (the child gets its write end as stdout through dup2). 0, or -1 with errno.
static inline int rt_pipe_cloexec(int fds[2]) {
    if (pipe(fds) != 0) return -1;
    if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        errno = saved;
        return -1;
    }
    return 0;
}

static volatile sig_atomic_t rt_forward_target = 0;
// The forwarded signals (a list for function-local arrays: file-scope arrays of this header are not emitted for
// Swift's use), and bit i set when the i-th of them got the forwarding handler.
#define RT_FORWARDED_SIGNALS {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}
static int rt_installed_mask = 0;

static inline void rt_forward_handler(int sig, siginfo_t *info, void *context) {
    (void)context;
    // A signal the terminal sent to the whole foreground group (Ctrl-C) reached the child already.
    if (info != NULL && info->si_code == SI_KERNEL) return;
    int saved = errno;
    if (rt_forward_target > 0) kill((pid_t)rt_forward_target, sig);
    errno = saved;
}

/// From now on SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 sent to this process go to `child` instead
/// (those the terminal sends to the whole foreground group are not sent twice), except those this process
/// ignores (`nohup`'s SIGHUP, a background job's SIGINT and SIGQUIT), which stay ignored; SIGPIPE is ignored.
static inline void rt_forward_signals_to(pid_t child) {
    rt_forward_target = child;
    struct sigaction action;
    action.sa_sigaction = rt_forward_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    static const int forwarded[] = RT_FORWARDED_SIGNALS;
    rt_installed_mask = 0;
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) {
        struct sigaction previous;
        if (sigaction(forwarded[i], NULL, &previous) != 0 || previous.sa_handler == SIG_IGN) continue;
        if (sigaction(forwarded[i], &action, NULL) == 0) rt_installed_mask |= 1 << i;
    }
    signal(SIGPIPE, SIG_IGN);
}

/// Ends the forwarding (the child was reaped: its pid may be reused): the signals it took over are at their
/// default again (they were not ignored before, and `run` installs no handler of its own for them).
static inline void rt_stop_forwarding(void) {
    static const int forwarded[] = RT_FORWARDED_SIGNALS;
    rt_forward_target = 0;
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) {
        if (rt_installed_mask & (1 << i)) signal(forwarded[i], SIG_DFL);
    }
    rt_installed_mask = 0;
}

/// Status helpers (macros in C).
static inline int rt_wait_exited(int status) { return WIFEXITED(status); }
static inline int rt_wait_exit_code(int status) { return WEXITSTATUS(status); }
static inline int rt_wait_signaled(int status) { return WIFSIGNALED(status); }
static inline int rt_wait_signal(int status) { return WTERMSIG(status); }

#endif
