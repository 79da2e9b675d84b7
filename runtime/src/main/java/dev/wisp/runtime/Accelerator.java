package dev.wisp.runtime;

/** The CPU virtualisation a VMM runs guests with. */
public enum Accelerator {
    /** Hardware virtualisation through /dev/kvm: the fast path on a real host. */
    KVM,
    /** QEMU's software emulator: slower, but boots Linux where nested KVM cannot. */
    TCG
}
