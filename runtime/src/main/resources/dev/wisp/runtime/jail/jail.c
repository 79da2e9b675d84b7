/*
 * wisp-jail: runs one VMM the way Firecracker's jailer does. As root it joins the VM's cgroups,
 * unshares mount, pid, ipc and uts namespaces, and forks. The child (pid 1 of the new pid
 * namespace) bind-mounts the VM's files into its jail directory, pivots its root there, sets
 * rlimits, drops to the VM's uid/gid with no capabilities and no_new_privs, and execs the VMM.
 * The parent drops to the same uid, forwards SIGTERM/SIGINT/SIGHUP, and exits as the child did.
 * Both die with their parent (PR_SET_PDEATHSIG), so a killed platform leaves no VMM behind.
 *
 * Usage: wisp-jail --root DIR --uid N --gid N [--group N] [--cgroup DIR]... [--nofile N]
 *        [--fsize BYTES] [--hostname NAME] [--pidfile FILE] [--netns FILE [--tap NAME]]
 *        [--bind SRC:DST:ro|rw|dev]... -- PROGRAM ARGS...
 * --netns: the child joins that network namespace (a file under /run/netns) while still root;
 * --tap: it then opens that TAP device there and hands it to PROGRAM as fd 3, so the VMM needs
 * neither /dev/net/tun in its root nor any privilege.
 * DST is relative to DIR and must exist (file or directory). Errors: one line on stderr, exit 125.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>

#define MAX_LIST 64

static const char *root, *hostname, *pidfile, *netns, *tapname;
static int tapfd = -1;
static uid_t uid = (uid_t)-1;
static gid_t gid = (gid_t)-1;
static gid_t groups[MAX_LIST];
static int ngroups;
static const char *cgroups[MAX_LIST];
static int ncgroups;
static char *binds[MAX_LIST];
static int nbinds;
static long long nofile = 1024, fsize = -1;
static volatile pid_t child;

static void die(const char *what) {
    fprintf(stderr, "wisp-jail: %s: %s\n", what, strerror(errno));
    _exit(125);
}

static void usage(const char *what) {
    fprintf(stderr, "wisp-jail: %s\n", what);
    _exit(125);
}

static long long number(const char *s) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0) usage("not a number");
    return v;
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) die(path);
    if (write(fd, text, strlen(text)) < 0) die(path);
    close(fd);
}

static void join_cgroups(void) {
    char pid[32], path[4096];
    snprintf(pid, sizeof pid, "%d", getpid());
    for (int i = 0; i < ncgroups; i++) {
        snprintf(path, sizeof path, "%s/cgroup.procs", cgroups[i]);
        write_file(path, pid);
    }
}

/* No capabilities left in any set, none to regain: bounding set emptied, then a non-root uid. */
static void drop_privileges(void) {
    for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) die("dropping capabilities");
    }
    if (setgroups(ngroups, groups) < 0) die("setgroups");
    if (setresgid(gid, gid, gid) < 0) die("setresgid");
    if (setresuid(uid, uid, uid) < 0) die("setresuid");
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2] = {{0}};
    if (syscall(SYS_capset, &h, d) < 0) die("capset");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) die("ambient caps");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die("no_new_privs");
    /* Cleared by the credential change above. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die("pdeathsig");
}

static void bind_one(char *spec) {
    char *mode = strrchr(spec, ':');
    if (!mode) usage("--bind needs SRC:DST:MODE");
    *mode++ = 0;
    char *dst = strrchr(spec, ':');
    if (!dst) usage("--bind needs SRC:DST:MODE");
    *dst++ = 0;
    char target[4096];
    snprintf(target, sizeof target, "%s/%s", root, dst);
    if (mount(spec, target, NULL, MS_BIND | MS_REC, NULL) < 0) die(spec);
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_NOSUID;
    if (strcmp(mode, "dev") != 0) flags |= MS_NODEV;
    if (strcmp(mode, "ro") == 0) flags |= MS_RDONLY;
    if (mount(NULL, target, NULL, flags, NULL) < 0) die(target);
}

static void enter_jail(void) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die("making mounts private");
    if (mount(root, root, NULL, MS_BIND, NULL) < 0) die(root);
    for (int i = 0; i < nbinds; i++) bind_one(binds[i]);
    if (chdir(root) < 0) die(root);
    if (syscall(SYS_pivot_root, ".", ".") < 0) die("pivot_root");
    if (umount2(".", MNT_DETACH) < 0) die("detaching the old root");
    if (chdir("/") < 0) die("chdir /");
    if (hostname && sethostname(hostname, strlen(hostname)) < 0) die("sethostname");
    struct rlimit files = {(rlim_t)nofile, (rlim_t)nofile};
    if (setrlimit(RLIMIT_NOFILE, &files) < 0) die("rlimit nofile");
    if (fsize >= 0) {
        struct rlimit size = {(rlim_t)fsize, (rlim_t)fsize};
        if (setrlimit(RLIMIT_FSIZE, &size) < 0) die("rlimit fsize");
    }
}

/* Joins the VM's network namespace and opens its TAP there, as root (before the jail). */
static void enter_netns(void) {
    if (!netns) return;
    int fd = open(netns, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die(netns);
    if (setns(fd, CLONE_NEWNET) < 0) die("setns net");
    close(fd);
    if (!tapname) return;
    tapfd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (tapfd < 0) die("/dev/net/tun");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, tapname, IFNAMSIZ - 1);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    if (ioctl(tapfd, TUNSETIFF, &ifr) < 0) die(tapname);
}

/* The TAP as fd 3, kept across exec (the only fd PROGRAM inherits beyond stdio). */
static void hand_over_tap(void) {
    if (tapfd < 0) return;
    if (tapfd != 3) {
        if (dup2(tapfd, 3) < 0) die("dup2 tap");
        close(tapfd);
    } else if (fcntl(3, F_SETFD, 0) < 0) {
        die("tap fd");
    }
}

static void forward(int sig) {
    if (child > 0) kill(child, sig);
}

int main(int argc, char **argv) {
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc) usage("option without a value");
        const char *val = argv[++i];
        if (!strcmp(opt, "--root")) root = val;
        else if (!strcmp(opt, "--uid")) uid = (uid_t)number(val);
        else if (!strcmp(opt, "--gid")) gid = (gid_t)number(val);
        else if (!strcmp(opt, "--group") && ngroups < MAX_LIST) groups[ngroups++] = (gid_t)number(val);
        else if (!strcmp(opt, "--cgroup") && ncgroups < MAX_LIST) cgroups[ncgroups++] = val;
        else if (!strcmp(opt, "--bind") && nbinds < MAX_LIST) binds[nbinds++] = (char *)val;
        else if (!strcmp(opt, "--nofile")) nofile = number(val);
        else if (!strcmp(opt, "--fsize")) fsize = number(val);
        else if (!strcmp(opt, "--hostname")) hostname = val;
        else if (!strcmp(opt, "--pidfile")) pidfile = val;
        else if (!strcmp(opt, "--netns")) netns = val;
        else if (!strcmp(opt, "--tap")) tapname = val;
        else usage("unknown option");
    }
    if (i + 1 >= argc || !root || uid == 0 || gid == 0 || uid == (uid_t)-1 || gid == (gid_t)-1)
        usage("needs --root, a non-root --uid and --gid, and -- PROGRAM");
    char **program = argv + i + 1;
    pid_t parent = getppid();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die("pdeathsig");
    if (getppid() != parent) _exit(125);
    join_cgroups();
    /* Only the child's pid namespace is new here; the rest is the child's alone (below). */
    if (unshare(CLONE_NEWPID) < 0) die("unshare pid namespace");

    int alive[2];
    if (pipe2(alive, O_CLOEXEC) < 0) die("pipe");
    child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        close(alive[1]);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die("pdeathsig");
        enter_netns();
        if (unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS) < 0) die("unshare");
        enter_jail();
        drop_privileges();
        /* The parent may have died before the death signal was armed: its end of the pipe tells. */
        struct pollfd p = {alive[0], POLLIN, 0};
        if (poll(&p, 1, 0) > 0) _exit(125);
        hand_over_tap();
        char *env[] = {"PATH=/bin", "LD_LIBRARY_PATH=/lib", NULL};
        execve(program[0], program, env);
        die(program[0]);
    }
    close(alive[0]);
    if (pidfile) {
        char text[32];
        int fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) die(pidfile);
        snprintf(text, sizeof text, "%d\n", child);
        if (write(fd, text, strlen(text)) < 0) die(pidfile);
        close(fd);
    }
    struct sigaction sa = {0};
    sa.sa_handler = forward;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    drop_privileges();
    if (getppid() != parent) {
        kill(child, SIGKILL);
        _exit(125);
    }
    int status;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) die("waitpid");
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}
