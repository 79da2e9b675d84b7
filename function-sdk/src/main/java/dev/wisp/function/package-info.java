/**
 * What a Java function implements ({@link dev.wisp.function.Function}) and the request and
 * response it sees. No dependencies; the functions runtime loads the handler in a warm JVM that
 * is snapshotted, so every instance is a clone of it.
 */
package dev.wisp.function;
