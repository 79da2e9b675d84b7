/*
 * The guest agent's shared declarations: raw x86-64 system calls and the few helpers every part
 * uses. The parts (main.c says which does what): lib.c, command.c, app.c, boot.c.
 */
#ifndef WISP_AGENT_H
#define WISP_AGENT_H

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

static inline long sys(long n, long a, long b, long c, long d) {
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}

static inline long sys5(long n, long a, long b, long c, long d, long e) {
    long r;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
    return r;
}

/* lib.c */
size_t len(const char *s);
char *decimal(char *out, unsigned long v);
void say(const char *a, const char *b);
int hexval(char c);
int same(const char *a, const char *b);
char *field(char **p);
int same_name(const char *a, const char *b);
long number(const char *s);
int starts(const char *s, const char *prefix);
int exists(const char *path);

/* command.c: PID 1's loop, reading host commands from the console. */
void set_hosts(const char *name);
__attribute__((noreturn)) void run(void);

/* app.c: the app, its environment and its output relay. */
void run_app(const char *entry, char **inherited, int ninherited);
void run_oci(int argc, char **argv);

/* boot.c: the agent as /init. */
__attribute__((noreturn)) void boot(char **envp);

#endif
