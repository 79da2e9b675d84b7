/**
 * The microVM runtime: runs real VMs through a {@link dev.wisp.runtime.Vmm} driver and gives the
 * rest of Wisp one narrow view of them, the {@link dev.wisp.runtime.Instance}.
 *
 * <p>Where things sit:
 * <pre>
 *   VmRuntime  ── boots, restores and clones Instances; owns ports, run directories, the VMM pool
 *     │
 *     ├─ Instance ── explicit state machine (InstanceState), timed transitions, failure handling
 *     │     ├─ InstanceVmm ── its VMM process (a VmHandle) with port, run directory, RAM, Console
 *     │     └─ GuestDialog ── the guest protocol on the console: env, ready, re-identify (ConsoleMarker)
 *     ├─ VmmPool ── VMMs started ahead (Vmm.startIncoming) for restores and clones
 *     ├─ SnapshotStore ── snapshots on disk: device state + memory, checksummed
 *     ├─ Template ── a warm snapshot of a booted, ready guest; clones start from it
 *     └─ Vmm ── the driver seam: starts VMMs and hands back VmHandles
 *           └─ dev.wisp.runtime.qemu ── QemuMicrovm: QEMU's microvm (QMP, migration streams, RAM deltas)
 *              (Firecracker, Cloud Hypervisor: a package each, beside it)
 * </pre>
 *
 * <p>The runtime knows nothing of images, routing or scaling: it is given a kernel, an initrd and
 * an optional disk in a {@link dev.wisp.runtime.VmSpec} and answers with instances that listen on
 * a host port.
 *
 * <p>Other modules use {@code VmRuntime}, {@code Instance} and the value types around them
 * (specs, snapshots, templates, states, events, errors). Types whose javadoc says "internal" are
 * public only because a driver package needs them, and a driver package is never used from
 * outside the runtime (checked by {@code RuntimeBoundaryTest}).
 */
package dev.wisp.runtime;
