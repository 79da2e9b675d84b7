/*
 * `agent run` and `agent run-oci`: the app's environment from the host, the app started in its own
 * session, its output relayed to the console tagged, its exit reported.
 */
#include "agent.h"

static void put(const char *s, size_t n) {
    while (n > 0) {
        long w = sys(SYS_write, 1, (long)s, (long)n, 0);
        if (w <= 0) return;
        s += w, n -= (size_t)w;
    }
}

/* One line buffer per stream: stdout lines are tagged "@@app ", stderr lines "@@err " (same length). */
struct line { char b[7 + APP_LINE + 1]; size_t n; };
static struct line out = {"@@app ", 0}, err = {"@@err ", 0};

/* One whole line per write, so the app's lines never interleave with init's or the agent's. */
static void flush_line(struct line *l) {
    if (l->n == 0) return;
    l->b[6 + l->n] = '\n';
    put(l->b, 6 + l->n + 1);
    l->n = 0;
}

static void relay(struct line *l, const char *b, long n) {
    for (long i = 0; i < n; i++) {
        if (b[i] == '\n') { flush_line(l); continue; }
        if (b[i] == '\r') continue;
        l->b[6 + l->n++] = b[i];
        if (l->n == APP_LINE) flush_line(l);
    }
}

static char envbuf[ENV_MAX];
static size_t envn;

/* The kernel's struct termios on x86-64 (asm-generic/termbits.h). */
struct kernel_termios {
    unsigned int iflag, oflag, cflag, lflag;
    unsigned char line, cc[19];
};

/* Console echo off before the host types anything: neither the app's environment nor a later
 * restore command ever shows. (It was init's `stty -echo`: a process of its own under TCG.)
 * And 115200 baud instead of the kernel's 9600: QEMU's UART raises a receive interrupt for a
 * partly filled FIFO only after 4 character times of that rate, 4.2 ms at 9600, which every line
 * the host types (a restore command's last bytes) waited for; 0.35 ms now. Kept in snapshots. */
static void echo_off(void) {
    struct kernel_termios t;
    if (sys(SYS_ioctl, 0, TCGETS, (long)&t, 0) != 0) return;
    t.lflag &= ~(unsigned int)ECHO;
    t.cflag = (t.cflag & ~(unsigned int)CBAUD) | B115200;
    sys(SYS_ioctl, 0, TCSETS, (long)&t, 0);
}

/* Lines "@@wisp env <hex>" until "@@wisp env-end": the hex decodes to NAME=value NUL ... */
static int read_env(void) {
    char line[4096];
    size_t n = 0;
    echo_off();
    say("env", 0);
    for (;;) {
        char c;
        long r = sys(SYS_read, 0, (long)&c, 1, 0);
        if (r <= 0) return -1;
        if (c != '\n') { if (n < sizeof line - 1) line[n++] = c; continue; }
        line[n] = 0;
        n = 0;
        if (same(line, "@@wisp env-end")) return 0;
        const char *p = line;
        for (const char *q = "@@wisp env "; *q; q++, p++) if (*p != *q) goto bad;
        for (; p[0] && p[1]; p += 2) {
            int hi = hexval(p[0]), lo = hexval(p[1]);
            if (hi < 0 || lo < 0) goto bad;
            if (envn == ENV_MAX) { say("error ", "environment larger than 8 KiB"); return -1; }
            envbuf[envn++] = (char)(hi << 4 | lo);
        }
        continue;
    bad:
        say("error ", "bad env line");
        return -1;
    }
}

/* An OCI image's app (agent run-oci); null for an image whose entrypoint is a shell command. */
static struct {
    const char *root, *workdir;
    long uid, gid;
    unsigned int groups[64];
    int ngroups;
    char **argv;
} *oci, oci_spec;

static void die(const char *what, const char *detail, int code) {
    char line[512];
    size_t n = 0;
    for (const char *p = what; *p && n < sizeof line - 2; p++) line[n++] = *p;
    for (const char *p = detail; p && *p && n < sizeof line - 2; p++) line[n++] = *p;
    line[n++] = '\n';
    sys(SYS_write, 2, (long)line, (long)n, 0);
    for (;;) sys(SYS_exit, code, 0, 0, 0);
}

/*
 * execve of argv[0] as a shell finds it: as given if it names a path, else along env's PATH (a
 * shell's default without one). Returns only when no exec succeeded: -13 if one was refused for
 * permission, else the last error.
 */
static long exec_on_path(char **argv, char **env) {
    const char *prog = argv[0];
    for (const char *p = prog; *p; p++) {
        if (*p == '/') return sys(SYS_execve, (long)prog, (long)argv, (long)env, 0);
    }
    const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (char **e = env; *e; e++) {
        const char *a = *e, *b = "PATH=";
        while (*b && *a == *b) a++, b++;
        if (!*b) { path = a; break; }
    }
    static char full[4096];
    long denied = 0, r = -2;
    for (const char *d = path;;) {
        size_t n = 0;
        for (; *d && *d != ':'; d++) if (n < sizeof full - 2) full[n++] = *d;
        if (n == 0) full[n++] = '.';
        full[n++] = '/';
        for (const char *p = prog; *p && n < sizeof full - 1; p++) full[n++] = *p;
        full[n] = 0;
        r = sys(SYS_execve, (long)full, (long)argv, (long)env, 0);
        if (r == -13) denied = 1;
        if (!*d) break;
        d++;
    }
    return denied ? -13 : r;
}

/* In the app's process: into the image's root, its user, then argv[0] on its PATH. */
static void exec_oci(char **env) {
    if (sys(SYS_chroot, (long)oci->root, 0, 0, 0) < 0) die("cannot chroot into the image root ", oci->root, 127);
    if (sys(SYS_chdir, (long)oci->workdir, 0, 0, 0) < 0) die("cannot enter the working directory ", oci->workdir, 127);
    if (sys(SYS_setgroups, oci->ngroups, (long)oci->groups, 0, 0) < 0
        || sys(SYS_setgid, oci->gid, 0, 0, 0) < 0 || sys(SYS_setuid, oci->uid, 0, 0, 0) < 0)
        die("cannot switch to the image's user", 0, 127);
    const char *prog = oci->argv[0];
    long r = exec_on_path(oci->argv, env);
    int named = 0;
    for (const char *p = prog; *p; p++) named |= *p == '/';
    if (r == -13) die("permission denied: ", prog, 126);
    die(named ? "cannot run " : "command not found in the image's PATH: ", prog, 127);
}

/*
 * A plain entrypoint (blank-separated words of ordinary characters, the first no assignment) is
 * exec'd here as `sh -c` would exec it, without the shell's own start (a 2 MB binary under TCG),
 * with the environment the shell would give it (PWD set, SHLVL one up). Returns for anything
 * else, or when no exec succeeds, and the shell then runs the entrypoint and reports its errors.
 */
static void exec_plain(const char *entry, char **env, int nenv) {
    static char words[4096], pwd[4096 + 4] = "PWD=", shlvl[32] = "SHLVL=1";
    static char *argv[64], *envp[ENV_VARS + 3];
    size_t n = 0;
    int argc = 0;
    for (const char *p = entry; *p; p++) {
        for (const char *bad = "'$`\"\\;&|<>(){}*?[]~#!\n"; *bad; bad++) if (*p == *bad) return;
        if (n == sizeof words - 1) return;
        words[n++] = *p;
    }
    words[n] = 0;
    for (char *p = words; (argv[argc] = field(&p));) if (++argc == 63) return;
    argv[argc] = 0;
    if (argc == 0) return;
    for (const char *c = argv[0]; *c; c++) if (*c == '=') return;
    if (sys(SYS_getcwd, (long)(pwd + 4), sizeof pwd - 4, 0, 0) < 0) return;
    int k = 0;
    for (int i = 0; i < nenv; i++) {
        if (same_name(env[i], "PWD")) continue;
        if (same_name(env[i], "SHLVL")) {
            long level = number(env[i] + 6);
            if (level >= 0) decimal(shlvl + 6, (unsigned long)level + 1);
            continue;
        }
        envp[k++] = env[i];
    }
    envp[k++] = shlvl;
    envp[k++] = pwd;
    envp[k] = 0;
    exec_on_path(argv, envp);
}

void run_app(const char *entry, char **inherited, int ninherited) {
    static char *env[ENV_VARS + 1];
    int n = 0;
    if (read_env() < 0) { for (;;) sys(34 /* pause */, 0, 0, 0, 0); }
    sys(SYS_close, 0, 0, 0, 0);
    for (size_t i = 0; i < envn && n < ENV_VARS; i++) {
        if (i == 0 || envbuf[i - 1] == 0) env[n++] = envbuf + i;
    }
    int given = n;
    for (char **e = inherited; *e && e - inherited != ninherited && n < ENV_VARS; e++) {
        int dup = 0;
        for (int i = 0; i < given; i++) if (same_name(env[i], *e)) dup = 1;
        if (!dup) env[n++] = *e;
    }
    env[n] = 0;

    int p[2], e[2];
    if (sys(SYS_pipe, (long)p, 0, 0, 0) < 0 || sys(SYS_pipe, (long)e, 0, 0, 0) < 0) { say("error ", "pipe failed"); return; }
    long pid = sys(SYS_fork, 0, 0, 0, 0);
    if (pid == 0) {
        /* Its own session, stdin from /dev/null, stdout and stderr each into its own relay. */
        sys(SYS_setsid, 0, 0, 0, 0);
        long null = sys(SYS_open, (long)"/dev/null", O_RDWR, 0, 0);
        sys(SYS_dup2, null, 0, 0, 0);
        sys(SYS_dup2, p[1], 1, 0, 0);
        sys(SYS_dup2, e[1], 2, 0, 0);
        if (null > 2) sys(SYS_close, null, 0, 0, 0);
        sys(SYS_close, p[0], 0, 0, 0);
        sys(SYS_close, p[1], 0, 0, 0);
        sys(SYS_close, e[0], 0, 0, 0);
        sys(SYS_close, e[1], 0, 0, 0);
        if (oci) exec_oci(env);
        exec_plain(entry, env, n);
        char *argv[] = {"sh", "-c", (char *)entry, 0};
        sys(SYS_execve, (long)"/bin/sh", (long)argv, (long)env, 0);
        sys(SYS_write, 2, (long)"cannot exec /bin/sh\n", 20, 0);
        for (;;) sys(SYS_exit, 127, 0, 0, 0);
    }
    sys(SYS_close, p[1], 0, 0, 0);
    sys(SYS_close, e[1], 0, 0, 0);
    if (pid < 0) { say("error ", "fork failed"); return; }
    /* Wait on the app itself (a pidfd), not on the pipes: daemons it leaves may hold them. */
    long pidfd = sys(SYS_pidfd_open, pid, 0, 0, 0);
    char buf[4096];
    struct line *to[2] = {&out, &err};
    struct { int fd; short events, revents; } fds[3] = {{p[0], POLLIN, 0}, {e[0], POLLIN, 0}, {(int)pidfd, POLLIN, 0}};
    for (;;) {
        int nfds = pidfd >= 0 ? 3 : 2;
        if (pidfd < 0 && fds[0].fd < 0 && fds[1].fd < 0) break;  /* no pidfd: the pipes' end is the app's end */
        if (sys(SYS_poll, (long)fds, nfds, -1, 0) < 0) continue;
        for (int k = 0; k < 2; k++) {
            if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP))) continue;
            long r = sys(SYS_read, fds[k].fd, (long)buf, sizeof buf, 0);
            if (r > 0) relay(to[k], buf, r);
            else fds[k].fd = -1;  /* every writer gone; keep waiting for the app */
        }
        if (nfds == 3 && fds[2].revents) break;
    }
    int status = 0;
    sys(SYS_wait4, pid, (long)&status, 0, 0);
    /* Drain what the app wrote before it died: its last words are what the host shows on failure. */
    int rd[2] = {p[0], e[0]};
    for (int k = 0; k < 2; k++) {
        sys(SYS_fcntl, rd[k], F_SETFL, O_NONBLOCK, 0);
        for (long r; (r = sys(SYS_read, rd[k], (long)buf, sizeof buf, 0)) > 0;) relay(to[k], buf, r);
        flush_line(to[k]);
    }
    int code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
    char num[4] = {0};
    int k = 0;
    if (code >= 100) num[k++] = (char)('0' + code / 100);
    if (code >= 10) num[k++] = (char)('0' + code / 10 % 10);
    num[k++] = (char)('0' + code % 10);
    say("exit ", num);
    /* Wait until the marker has left the UART, then power off. */
    sys(SYS_ioctl, 1, TCSBRK, 1, 0);
    sys(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc, 0);
}

/* agent run-oci ROOT WORKDIR UID GID GROUPS N ENV1..ENVN ARGV... (argc >= 9): the spec, then run_app. */
void run_oci(int argc, char **argv) {
    long nenv = number(argv[7]);
    if (nenv < 0 || 8 + nenv >= argc) { say("error ", "bad run-oci arguments"); for (;;) sys(34, 0, 0, 0, 0); }
    oci = &oci_spec;
    oci->root = argv[2];
    oci->workdir = argv[3];
    oci->uid = number(argv[4]);
    oci->gid = number(argv[5]);
    for (const char *g = argv[6]; *g && oci->ngroups < 64;) {
        long v = 0;
        for (; *g >= '0' && *g <= '9'; g++) v = v * 10 + (*g - '0');
        oci->groups[oci->ngroups++] = (unsigned int)v;
        if (*g) g++;
    }
    oci->argv = argv + 8 + nenv;
    if (oci->uid < 0 || oci->gid < 0) { say("error ", "bad run-oci user"); for (;;) sys(34, 0, 0, 0, 0); }
    run_app(argv[8 + nenv], argv + 8, (int)nenv);
}
