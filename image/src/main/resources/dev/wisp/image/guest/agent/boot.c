/*
 * The agent as /init: the fstab's mounts, then the common boot done here (docs/guest-protocol.md)
 * and every other handed to the shell's init, /wisp/init.
 */
#include "agent.h"

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

/* Each line's mount of FSTAB, in order; says which failed and returns 1 if any did. */
static int mount_all(const char *fstab) {
    static char buf[4096];
    if (slurp(fstab, buf, sizeof buf) < 0) { say("error ", "cannot read fstab"); return 1; }
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

/*
 * The kernel runs the agent as /init. The common boot (an app in the initramfs, the network set
 * up by the kernel, no modules, disks or image root) is done here, in one small process; every
 * other boot execs the shell's init (/wisp/init), which does all of it as before. Under TCG the
 * shell's start (a 2 MB static binary translated cold) and its steps cost 60-100 ms of a boot.
 * The app's environment is the shell path's: the kernel's, then PATH, HOME, TERM, SHLVL, OLDPWD.
 */
void boot(char **envp) {
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
        for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) if (same_name(env[i], *e)) dup = 1;
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
