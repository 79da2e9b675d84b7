package dev.wisp.control;

/**
 * A tenant's secret as stored under {@code /secrets/<tenant>/<name>}: the value sealed with the env
 * key (bound to the tenant and name, so a sealed value moved elsewhere does not open), and a short
 * digest of it so a user can tell two values apart without seeing either.
 */
record SecretRecord(String tenant, String name, String sealed, String digest, String createdAt, String updatedAt) {
    /** What the env key's AES-GCM binds a secret's value to. */
    static String aad(String tenant, String name) {
        return "secret/" + tenant + "/" + name;
    }
}
