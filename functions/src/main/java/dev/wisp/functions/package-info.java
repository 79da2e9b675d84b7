/**
 * Functions on a node: {@link dev.wisp.functions.Functions} deploys a handler (shell, static
 * binary, Java) as a service of microVMs and invokes it synchronously through the router or
 * asynchronously with durable invocations ({@link dev.wisp.functions.InvocationStore}), retries,
 * dead letters and callbacks ({@link dev.wisp.functions.Callbacks}, whose destinations {@link
 * dev.wisp.functions.AddressPolicy} checks). The control plane serves it at {@code /v1/functions}.
 * {@link dev.wisp.functions.JavaServiceImages} builds Java <em>services</em> (an app with its own
 * main) on the same jlink'd JRE.
 */
package dev.wisp.functions;
