/**
 * The microVM runtime: runs real VMs through a {@link dev.wisp.runtime.Vmm} driver and gives the
 * rest of Wisp one narrow view of them, the {@link dev.wisp.runtime.Instance}.
 *
 * <p>Where things sit:
 * <pre>
 *   VmRuntime  ── boots, restores and clones Instances; owns ports and instance directories
 *     │
 *     ├─ Instance ── explicit state machine (InstanceState), timed transitions, failure handling
 *     │     └─ VmHandle ── one running VMM process (QemuProcess: QMP + console)
 *     ├─ Vmm ── a VMM driver (QemuMicrovm today; Firecracker and Cloud Hypervisor follow)
 *     ├─ SnapshotStore ── snapshots on disk: device state + memory, checksummed
 *     └─ Template ── a warm snapshot of a booted, ready guest; clones start from it
 * </pre>
 *
 * <p>The runtime knows nothing of images, routing or scaling: it is given a kernel, an initrd and
 * an optional disk in a {@link dev.wisp.runtime.VmSpec} and answers with instances that listen on
 * a host port.
 */
package dev.wisp.runtime;
