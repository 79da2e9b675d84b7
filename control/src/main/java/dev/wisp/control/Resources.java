package dev.wisp.control;

/** The size of one instance. */
record Resources(int vcpus, int memoryMiB) {
    static final Resources DEFAULT = new Resources(1, 256);
}
