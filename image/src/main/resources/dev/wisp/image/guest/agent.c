/*
 * Wisp guest agent: what PID 1 becomes once init has started the app. It reads host commands
 * from the console (docs/guest-protocol.md) and answers there.
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
#define SYS_rt_sigaction 13
#define SYS_ioctl 16
#define SYS_exit 60
#define SYS_sethostname 170
#define SYS_clock_settime 227
#define SYS_getrandom 318

#define O_WRONLY 1
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

static size_t len(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
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

static int run(void) {
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

__attribute__((force_align_arg_pointer, noreturn)) void _start(void) {
    run();
    for (;;) sys(SYS_exit, 0, 0, 0, 0);
}
