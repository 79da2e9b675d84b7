/*
 * Wisp guest agent, one binary for these jobs (docs/guest-protocol.md):
 *  - `agent run ENTRYPOINT` (app.c; started by init): turns the console's echo off, asks the host for
 *    the app's environment on the console (so it never shows), starts the app with its stdout and
 *    stderr on two pipes and relays that output to the console with every line tagged "@@app " (stdout) or
 *    "@@err " (stderr) and cut at APP_LINE bytes, so nothing the app prints can pass for a
 *    marker of ours. When the app exits it drains the pipes, says "@@wisp exit <code>" and
 *    powers the VM off.
 *  - `agent run-oci ROOT WORKDIR UID GID GROUPS N ENV1..ENVN ARGV...` (app.c; init, for an OCI image):
 *    the same, but the app is ARGV run chrooted into ROOT, in WORKDIR, as UID:GID with the
 *    supplementary GROUPS (comma-separated), with the image's ENV under the host's; argv[0] is
 *    looked up on the PATH of that environment. PID 1 stays outside, in the initramfs.
 *  - `agent` (command.c; what PID 1 becomes once the app listens): reads host commands from the console
 *    and answers there.
 *  - `/init` (boot.c; the kernel runs it): mounts /etc/fstab (device, directory, type, options:
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
#include "agent.h"

__attribute__((noreturn, used)) void start_c(long *sp) {
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    if (argc > 0 && same(argv[0], "/init")) boot(argv + argc + 1);
    if (argc >= 3 && same(argv[1], "run")) run_app(argv[2], argv + argc + 1, -1);
    else if (argc >= 9 && same(argv[1], "run-oci")) run_oci(argc, argv);
    else run();
    for (;;) sys(SYS_exit, 0, 0, 0, 0);
}

/* The kernel enters with argc, argv and envp on the stack; hand that to C on an aligned stack. */
__asm__(".globl _start\n_start:\n\txor %ebp, %ebp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall start_c\n");
