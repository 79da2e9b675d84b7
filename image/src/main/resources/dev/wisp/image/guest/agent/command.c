/*
 * PID 1 once the app is ready (`agent`, or boot()'s end): reads one host command per line from the
 * console and answers there; for now the only one is `@@wisp restore`, a restored clone's new
 * identity (docs/guest-protocol.md).
 */
#include "agent.h"

/* The init's /etc/hosts with the new name, rewritten in place (an OCI root has it bind-mounted). */
void set_hosts(const char *name) {
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

void run(void) {
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
