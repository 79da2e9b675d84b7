package dev.wisp.sdk;

/** Body of {@code PUT /v1/secrets/{name}}: the value (printable ASCII without {@code "}, at most 256). */
public record SecretValue(String value) {}
