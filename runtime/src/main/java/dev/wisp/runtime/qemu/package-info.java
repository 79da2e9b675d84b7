/**
 * The {@link dev.wisp.runtime.Vmm} driver for QEMU's {@code microvm} machine: one
 * {@code qemu-system-x86_64 -M microvm} process per VM. Internal to the runtime: no other module
 * uses this package ({@code RuntimeBoundaryTest} checks it); {@code VmRuntime.start} picks it.
 *
 * <pre>
 *   QemuMicrovm ── the driver: checks QEMU, picks the accelerator (AcceleratorProbe), starts VMMs
 *     └─ QemuProcess ── one VMM (a VmHandle): spawned through VmmLauncher, console connected
 *          ├─ QemuCommandLine ── the sandboxed command line, RAM backends, kernel parameters
 *          ├─ QmpClient ── QEMU Machine Protocol on the VM's Unix socket: stop, cont, migrate, quit
 *          ├─ MigrationStream ── the migration stream between a Unix socket and the state file, CRC32C'd
 *          └─ RamDelta ── a clone's stream cut down to the pages that differ from its template's file
 * </pre>
 *
 * <h2>What this driver does, as {@link dev.wisp.runtime.Vmm} asks</h2>
 * <ul>
 *   <li>Start: {@code -M microvm} with {@code -nodefaults -no-user-config}, seccomp
 *       ({@code -sandbox on,...,spawn=deny}), user networking with {@code restrict=on} and one
 *       {@code hostfwd} from {@code 127.0.0.1:hostPort} to the guest port, the serial console on
 *       stdio, RAM as a {@code memory-backend-ram} or {@code memory-backend-file} (shared or
 *       private) always named {@code mem}, {@code -name wisp-<id>,process=wisp-<id>} (what the
 *       start-up sweep recognises). Waiting for a state: the same with {@code -incoming defer}.
 *       It returns once QMP has answered {@code qmp_capabilities}.</li>
 *   <li>Pause and resume: QMP {@code stop} and {@code cont}.</li>
 *   <li>Save: {@code migrate} to a Unix socket that Wisp serves and writes to the state file
 *       (QEMU's seccomp denies {@code exec:}), bandwidth unlimited, with {@code x-ignore-shared}
 *       when RAM comes from a file; a clone's stream is then shrunk by {@code RamDelta}.</li>
 *   <li>Load: {@code migrate-incoming} on a Unix socket, the file streamed in and checked against
 *       its recorded size and CRC32C.</li>
 *   <li>Stop: QMP {@code quit}, then a kill after the grace period; kill: SIGKILL.</li>
 * </ul>
 * Everything else (ids, ports, directories, the state machine, the pool, the console's lines and
 * markers, snapshot metadata, the sweep) is the generic runtime's, in {@code dev.wisp.runtime}.
 */
package dev.wisp.runtime.qemu;
