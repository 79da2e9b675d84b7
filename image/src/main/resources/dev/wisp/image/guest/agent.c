/*
 * Wisp guest agent, one binary for these jobs (docs/guest-protocol.md):
 *  - `agent run ENTRYPOINT` (started by init): turns the console's echo off, asks the host for
 *    the app's environment on the console (so it never shows), starts the app with its stdout and
 *    stderr on two pipes and relays that output to the console with every line tagged "@@app " (stdout) or
 *    "@@err " (stderr) and cut at APP_LINE bytes, so nothing the app prints can pass for a
 *    marker of ours. When the app exits it drains the pipes, says "@@wisp exit <code>" and
 *    powers the VM off.
 *  - `agent run-oci ROOT WORKDIR UID GID GROUPS N ENV1..ENVN ARGV...` (init, for an OCI image):
 *    the same, but the app is ARGV run chrooted into ROOT, in WORKDIR, as UID:GID with the
 *    supplementary GROUPS (comma-separated), with the image's ENV under the host's; argv[0] is
 *    looked up on the PATH of that environment. PID 1 stays outside, in the initramfs.
 *  - `agent` (what PID 1 becomes once the app listens): reads host commands from the console
 *    and answers there.
 *  - `/init` (the kernel runs it; boot()): mounts /etc/fstab (device, directory, type, options:
 *    "defaults" or filesystem data such as mode=1777; no mount flags), then boots the common case
 *    itself (hostname, `agent run` in a child, the wait for the app's port, then the command loop)
 *    and execs the shell's init, /wisp/init, for every other. Under TCG a process of this size
 *    starts in a fraction of busybox's time (static glibc, 2 MB) and runs no interpreter.
 *
 * Why C and not the shell: after a clone, the guest must rekey its CRNG before it serves
 * anything. Writing to /dev/urandom only mixes the input pool; Linux keeps handing out the
 * template's stream until its reseed interval, so clones would return the same "random" bytes.
 * RNDADDENTROPY + RNDRESEEDCRNG fix that, and they are ioctls, which busybox cannot issue.
 * It is also far less code to translate for a cold TCG after a restore than an interpreter.
 *
 * Freestanding: no libc, raw x86-64 syscalls, so any gcc builds it with no headers installed
 * and the same gcc always gives the same bytes (images are content-addressed).
 */
typedef unsigned long size_t;

#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_poll 7
#define SYS_rt_sigaction 13
#define SYS_ioctl 16
#define SYS_pipe 22
#define SYS_dup2 33
#define SYS_fork 57
#define SYS_execve 59
#define SYS_exit 60
#define SYS_wait4 61
#define SYS_fcntl 72
#define SYS_getcwd 79
#define SYS_chdir 80
#define SYS_setuid 105
#define SYS_setgid 106
#define SYS_setsid 112
#define SYS_setgroups 116
#define SYS_chroot 161
#define SYS_mount 165
#define SYS_reboot 169
#define SYS_pidfd_open 434
#define SYS_nanosleep 35
#define SYS_clock_gettime 228
#define CLOCK_BOOTTIME 7
#define SYS_sethostname 170
#define SYS_clock_settime 227
#define SYS_getrandom 318

#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_NONBLOCK 04000
#define F_SETFL 4
#define POLLIN 1
#define POLLHUP 0x10
#define TCSBRK 0x5409
#define TCGETS 0x5401
#define TCSETS 0x5402
#define ECHO 010
#define CBAUD 0010017
#define B115200 0010002
#define APP_LINE 4000     /* app output is cut into lines of at most this many bytes */
#define ENV_MAX 8192      /* decoded environment, NAME=value pairs with their NULs */
#define ENV_VARS 256
#define O_CREAT 0100
#define O_TRUNC 01000
#define SIGCHLD 17
#define SIG_IGN 1
#define RNDADDENTROPY 0x40085203UL
#define RNDRESEEDCRNG 0x5207UL
#define SEED_BYTES 32

static long sys(long n, long a, long b, long c, long d) {
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}

static long sys5(long n, long a, long b, long c, long d, long e) {
    long r;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
    return r;
}

static size_t len(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* v in decimal at out (NUL-terminated, at most 20 digits); returns out. */
static char *decimal(char *out, unsigned long v) {
    char tmp[21];
    int k = 0;
    do tmp[k++] = (char)('0' + v % 10); while ((v /= 10) && k < 20);
    for (int i = 0; i < k; i++) out[i] = tmp[k - 1 - i];
    out[k] = 0;
    return out;
}

static void say(const char *a, const char *b) {
    char line[256];
    size_t n = 0;
    for (const char *p = "@@wisp "; *p && n < sizeof line - 2; p++) line[n++] = *p;
    for (const char *p = a; *p && n < sizeof line - 2; p++) line[n++] = *p;
    for (const char *p = b; p && *p && n < sizeof line - 2; p++) line[n++] = *p;
    line[n++] = '\n';
    sys(SYS_write, 1, (long)line, (long)n, 0);
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int same(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

/* Splits off the next blank-separated field of the line at *p (NUL-terminating it); null at its end. */
static char *field(char **p) {
    char *s = *p;
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) return 0;
    char *start = s;
    while (*s && *s != ' ' && *s != '\t') s++;
    if (*s) *s++ = 0;
    *p = s;
    return start;
}

/* The init's /etc/hosts with the new name, rewritten in place (an OCI root has it bind-mounted). */
static void set_hosts(const char *name) {
    static const char head[] = "127.0.0.1 localhost\n::1 localhost\n127.0.1.1 ";
    char buf[sizeof head + 80];
    size_t n = sizeof head - 1, k = len(name);
    if (k > 64) return;
    for (size_t i = 0; i < n; i++) buf[i] = head[i];
    for (size_t i = 0; i < k; i++) buf[n + i] = name[i];
    buf[n + k] = '\n';
    long fd = sys(SYS_open, (long)"/etc/hosts", O_WRONLY | O_CREAT | O_TRUNC, 0644, 0);
    if (fd < 0) return;
    sys(SYS_write, fd, (long)buf, n + k + 1, 0);
    sys(SYS_close, fd, 0, 0, 0);
}

/* @@wisp restore <id> <unix-seconds> <seed-hex> */
static void restore(char **w, int n) {
    if (n != 5) { say("error ", "bad restore command"); return; }
    struct { int entropy_bits; int size; unsigned char buf[SEED_BYTES]; } seed;
    const char *hex = w[4];
    if (len(hex) != 2 * SEED_BYTES) { say("error ", "restore seed must be 64 hex digits"); return; }
    for (int i = 0; i < SEED_BYTES; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) { say("error ", "restore seed is not hex"); return; }
        seed.buf[i] = (unsigned char)(hi << 4 | lo);
    }
    seed.entropy_bits = 8 * SEED_BYTES;
    seed.size = SEED_BYTES;
    long fd = sys(SYS_open, (long)"/dev/urandom", O_WRONLY, 0, 0);
    if (fd < 0) { say("error ", "cannot open /dev/urandom"); return; }
    long added = sys(SYS_ioctl, fd, RNDADDENTROPY, (long)&seed, 0);
    long rekeyed = sys(SYS_ioctl, fd, RNDRESEEDCRNG, 0, 0);
    sys(SYS_close, fd, 0, 0, 0);
    if (added < 0 || rekeyed < 0) { say("error ", "kernel refused the new entropy"); return; }

    long secs = 0;
    for (const char *p = w[3]; *p; p++) {
        if (*p < '0' || *p > '9') { say("error ", "restore time is not a number"); return; }
        secs = secs * 10 + (*p - '0');
    }
    long ts[2] = {secs, 0};
    sys(SYS_clock_settime, 0, (long)ts, 0, 0);
    sys(SYS_sethostname, (long)w[2], (long)len(w[2]), 0, 0);
    set_hosts(w[2]);
    /* A new token per restore, drawn from the rekeyed CRNG: runtimes in the guest (Java
     * functions) compare it before serving to run their after-restore hooks once per clone. */
    unsigned char tok[8];
    char gen[17];
    if (sys(SYS_getrandom, (long)tok, sizeof tok, 0, 0) == (long)sizeof tok) {
        for (int i = 0; i < 8; i++) gen[2 * i] = "0123456789abcdef"[tok[i] >> 4], gen[2 * i + 1] = "0123456789abcdef"[tok[i] & 15];
        gen[16] = '\n';
        long g = sys(SYS_open, (long)"/run/wisp-generation", O_WRONLY | O_CREAT | O_TRUNC, 0644, 0);
        if (g >= 0) { sys(SYS_write, g, (long)gen, sizeof gen, 0); sys(SYS_close, g, 0, 0, 0); }
    }
    say("restored ", w[2]);
}

static void handle(char *line) {
    char *w[8];
    int n = 0;
    for (char *p = line; *p && n < 8;) {
        while (*p == ' ' || *p == '\r') *p++ = 0;
        if (!*p) break;
        w[n++] = p;
        while (*p && *p != ' ' && *p != '\r') p++;
    }
    if (n == 0) return;
    if (n >= 2 && same(w[0], "@@wisp") && same(w[1], "restore")) restore(w, n);
    else say("error ", "unknown command");
}

static void run(void) {
    /* As PID 1, ignoring SIGCHLD lets the kernel reap orphans the app leaves behind. */
    struct { long handler; unsigned long flags; long restorer; unsigned long mask; } ign = {SIG_IGN, 0, 0, 0};
    sys(SYS_rt_sigaction, SIGCHLD, (long)&ign, 0, sizeof ign.mask);
    char buf[1024];
    size_t have = 0;
    for (;;) {
        long r = sys(SYS_read, 0, (long)(buf + have), (long)(sizeof buf - 1 - have), 0);
        if (r <= 0) {
            /* Console input closed: nothing more will come, but PID 1 must not exit. */
            for (;;) sys(SYS_read, 0, (long)buf, 1, 0) > 0 ? (void)0 : (void)sys(34 /* pause */, 0, 0, 0, 0);
        }
        have += (size_t)r;
        size_t start = 0;
        for (size_t i = 0; i < have; i++) {
            if (buf[i] == '\n') {
                buf[i] = 0;
                handle(buf + start);
                start = i + 1;
            }
        }
        for (size_t i = start; i < have; i++) buf[i - start] = buf[i];
        have -= start;
        if (have == sizeof buf - 1) have = 0; /* an overlong line: drop it */
    }
}

/* ---- agent run: environment from the host, then the app and its output relay ---- */

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

static int same_name(const char *a, const char *b) {
    while (*a && *a != '=' && *a == *b) a++, b++;
    return (*a == '=' || !*a) && (*b == '=' || !*b);
}

/* An OCI image's app (agent run-oci); null for an image whose entrypoint is a shell command. */
static struct {
    const char *root, *workdir;
    long uid, gid;
    unsigned int groups[64];
    int ngroups;
    char **argv;
} *oci, oci_spec;

static long number(const char *s) {
    long n = 0;
    if (!*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > 0x7fffffffL / 10) return -1;
        n = n * 10 + (*s - '0');
    }
    return n;
}

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

static void run_app(const char *entry, char **inherited, int ninherited) {
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

/* Each line's mount of FSTAB, in order; says which failed and returns 1 if any did. */
static int mount_all(const char *fstab) {
    static char buf[4096];
    long fd = sys(SYS_open, (long)fstab, O_RDONLY, 0, 0);
    if (fd < 0) { say("error ", "cannot open fstab"); return 1; }
    long n = 0, r;
    while (n < (long)sizeof buf - 1 && (r = sys(SYS_read, fd, (long)(buf + n), (long)(sizeof buf - 1 - n), 0)) > 0) n += r;
    sys(SYS_close, fd, 0, 0, 0);
    buf[n] = 0;
    int failed = 0;
    for (char *line = buf; *line;) {
        char *end = line;
        while (*end && *end != '\n') end++;
        char *next = *end ? end + 1 : end;
        *end = 0;
        char *p = line;
        char *dev = field(&p), *dir = field(&p), *type = field(&p), *opts = field(&p);
        if (dev && *dev != '#' && dir && type) {
            long data = opts && !same(opts, "defaults") ? (long)opts : 0;
            if (sys5(SYS_mount, (long)dev, (long)dir, (long)type, 0, data) < 0) {
                say("error mount failed: ", dir);
                failed = 1;
            }
        }
        line = next;
    }
    return failed;
}

/* ---- agent as /init: the boot's fast path ---- */

/* One file read whole into buf (NUL-terminated); its length, or -1 if missing or larger. */
static long slurp(const char *path, char *buf, long size) {
    long fd = sys(SYS_open, (long)path, O_RDONLY, 0, 0);
    if (fd < 0) return -1;
    long n = 0, r;
    while (n < size - 1 && (r = sys(SYS_read, fd, (long)(buf + n), size - 1 - n, 0)) > 0) n += r;
    r = n < size - 1 ? 0 : sys(SYS_read, fd, (long)buf, 1, 0);
    sys(SYS_close, fd, 0, 0, 0);
    if (r != 0) return -1;
    buf[n] = 0;
    return n;
}

static int starts(const char *s, const char *prefix) {
    while (*prefix && *s == *prefix) s++, prefix++;
    return !*prefix;
}

/* What /wisp/app.env says, for the variables the fast path reads. */
static struct { char *entry, *port_hex, *workdir, *modules, *disk, *oci, *layers; } app;

/*
 * Unquotes one value in place, as the image builder writes them (GuestFiles.quote): bare words of
 * plain characters, '...' runs and \x escapes. Anything a shell would expand or split is refused
 * (returns 0), and the boot goes to the shell, which reads the file as it always has.
 */
static int unquote(char *v) {
    char *w = v;
    for (const char *r = v; *r;) {
        if (*r == '\'') {
            for (r++; *r && *r != '\''; ) *w++ = *r++;
            if (!*r) return 0;
            r++;
        } else if (*r == '\\' && r[1]) {
            *w++ = r[1];
            r += 2;
        } else {
            for (const char *bad = " \t$`\"\\;&|<>(){}*?[]~#!"; *bad; bad++) if (*r == *bad) return 0;
            *w++ = *r++;
        }
    }
    *w = 0;
    return 1;
}

static int read_app_env(void) {
    static char buf[8192];
    if (slurp("/wisp/app.env", buf, sizeof buf) < 0) return 0;
    for (char *line = buf; *line;) {
        char *end = line;
        while (*end && *end != '\n') end++;
        char *next = *end ? end + 1 : end;
        *end = 0;
        char *eq = line;
        while (*eq && *eq != '=') eq++;
        if (*line && *line != '#') {
            if (!*eq) return 0;
            for (const char *c = line; c < eq; c++) {
                if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) return 0;
            }
            *eq = 0;
            char *v = eq + 1;
            if (!unquote(v)) return 0;
            if (same(line, "WISP_ENTRYPOINT")) app.entry = v;
            else if (same(line, "WISP_PORT_HEX")) app.port_hex = v;
            else if (same(line, "WISP_WORKDIR")) app.workdir = v;
            else if (same(line, "WISP_MODULES")) app.modules = v;
            else if (same(line, "WISP_DISK")) app.disk = v;
            else if (same(line, "WISP_OCI")) app.oci = v;
            else if (same(line, "WISP_LAYERS")) app.layers = v;
        }
        line = next;
    }
    return app.entry && app.port_hex && len(app.port_hex) == 4 && app.workdir;
}

/* Whether the kernel set up eth0 itself (ip=...): a default route on it. */
static int kernel_net(void) {
    static char buf[4096];
    if (slurp("/proc/net/route", buf, sizeof buf) < 0) return 0;
    for (const char *p = buf; *p; p++) {
        if ((p == buf || p[-1] == '\n') && starts(p, "eth0\t00000000\t")) return 1;
    }
    return 0;
}

/* wisp.id from the kernel's command line into id; 0 when it asks for what only the shell does. */
static int read_cmdline(char *id, size_t size) {
    static char buf[4096];
    if (slurp("/proc/cmdline", buf, sizeof buf) < 0) return 0;
    char *p = buf;
    for (char *w; (w = field(&p));) {
        for (char *e = w; *e; e++) if (*e == '\n') *e = 0;
        if (starts(w, "wisp.ip=") || starts(w, "wisp.gw=") || starts(w, "wisp.vol")) return 0;
        if (starts(w, "wisp.id=") && len(w + 8) < size) {
            size_t k = 0;
            for (const char *c = w + 8; *c; c++) id[k++] = *c;
            id[k] = 0;
        }
    }
    return 1;
}

static void say_uptime(const char *marker) {
    long ts[2] = {0, 0};
    sys(SYS_clock_gettime, CLOCK_BOOTTIME, (long)ts, 0, 0);
    char num[21];
    say(marker, decimal(num, (unsigned long)ts[0] * 1000 + (unsigned long)ts[1] / 1000000));
}

/* Whether a /proc/net/tcp line is the app's port in LISTEN (0A). */
static int listen_line(char *line) {
    char *sl = field(&line), *local = field(&line), *remote = field(&line), *st = field(&line);
    size_t n = local ? len(local) : 0;
    return sl && remote && st && n > 5 && local[n - 5] == ':' && same(local + n - 4, app.port_hex) && same(st, "0A");
}

/* Whether something listens on the app's port, by /proc/net/tcp and tcp6 read line by line. */
static int listening(void) {
    static char buf[4096];
    const char *files[2] = {"/proc/net/tcp", "/proc/net/tcp6"};
    int found = 0;
    for (int f = 0; f < 2 && !found; f++) {
        long fd = sys(SYS_open, (long)files[f], O_RDONLY, 0, 0);
        if (fd < 0) continue;
        size_t have = 0;
        for (long r; !found && (r = sys(SYS_read, fd, (long)(buf + have), (long)(sizeof buf - 1 - have), 0)) > 0;) {
            have += (size_t)r;
            size_t start = 0;
            for (size_t i = 0; i < have && !found; i++) {
                if (buf[i] != '\n') continue;
                buf[i] = 0;
                found = listen_line(buf + start);
                start = i + 1;
            }
            for (size_t i = start; i < have; i++) buf[i - start] = buf[i];
            have -= start;
            if (have == sizeof buf - 1) have = 0; /* no such line is this long */
        }
        sys(SYS_close, fd, 0, 0, 0);
    }
    return found;
}

static int exists(const char *path) {
    long fd = sys(SYS_open, (long)path, O_RDONLY, 0, 0);
    if (fd >= 0) sys(SYS_close, fd, 0, 0, 0);
    return fd >= 0;
}

/*
 * The kernel runs the agent as /init. The common boot (an app in the initramfs, the network set
 * up by the kernel, no modules, disks or image root) is done here, in one small process; every
 * other boot execs the shell's init (/wisp/init), which does all of it as before. Under TCG the
 * shell's start (a 2 MB static binary translated cold) and its steps cost 60-100 ms of a boot.
 * The app's environment is the shell path's: the kernel's, then PATH, HOME, TERM, SHLVL, OLDPWD.
 */
static void boot(char **envp) {
    mount_all("/etc/fstab"); /* says which mount failed; the boot goes on, as the shell did */
    int modules = exists("/proc/modules");
    static char id[65] = "wisp";
    if (!read_app_env() || !read_cmdline(id, sizeof id) || (app.disk && !same(app.disk, "0"))
        || (app.oci && *app.oci) || (app.layers && *app.layers) || (modules && app.modules && *app.modules)
        || !kernel_net()) {
        sys(SYS_execve, (long)"/bin/sh", (long)(char *[]){"/bin/sh", "/wisp/init", 0}, (long)envp, 0);
        say("error ", "cannot exec /bin/sh for /wisp/init");
        for (;;) sys(34 /* pause */, 0, 0, 0, 0);
    }
    sys(SYS_sethostname, (long)id, (long)len(id), 0, 0);
    set_hosts(id);
    if (!exists("/etc/nsswitch.conf")) {
        long fd = sys(SYS_open, (long)"/etc/nsswitch.conf", O_WRONLY | O_CREAT | O_TRUNC, 0644, 0);
        if (fd >= 0) sys(SYS_write, fd, (long)"hosts: files dns\n", 17, 0), sys(SYS_close, fd, 0, 0, 0);
    }
    say_uptime("init ");

    static char *env[ENV_VARS + 1];
    static const char *own[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "TERM=linux", "SHLVL=1", "OLDPWD=/"};
    int n = 0;
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) env[n++] = (char *)own[i];
    for (char **e = envp; *e && n < ENV_VARS; e++) {
        int dup = 0;
        for (int i = 0; i < 5; i++) if (same_name(env[i], *e)) dup = 1;
        if (!dup) env[n++] = *e;
    }
    env[n] = 0;
    if (sys(SYS_chdir, (long)app.workdir, 0, 0, 0) < 0) say("error no workdir ", app.workdir);
    long pid = sys(SYS_fork, 0, 0, 0, 0);
    if (pid == 0) {
        run_app(app.entry, env, n);
        for (;;) sys(SYS_exit, 0, 0, 0, 0);
    }
    if (pid < 0) say("error ", "fork failed");
    sys(SYS_chdir, (long)"/", 0, 0, 0);
    long tick[2] = {0, 5000000};
    while (!listening()) sys(SYS_nanosleep, (long)tick, 0, 0, 0);
    say_uptime("ready ");
    run();
}

__attribute__((noreturn, used)) void start_c(long *sp) {
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    if (argc > 0 && same(argv[0], "/init")) boot(argv + argc + 1);
    if (argc >= 3 && same(argv[1], "run")) run_app(argv[2], argv + argc + 1, -1);
    else if (argc >= 9 && same(argv[1], "run-oci")) {
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
    else run();
    for (;;) sys(SYS_exit, 0, 0, 0, 0);
}

/* The kernel enters with argc, argv and envp on the stack; hand that to C on an aligned stack. */
__asm__(".globl _start\n_start:\n\txor %ebp, %ebp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall start_c\n");
