/**
 * The control plane: the REST API of docs/api.md, a durable registry on the state store, and the
 * reconciler that makes a {@link dev.wisp.node.Node} run what the store says.
 *
 * <pre>
 *   ApiServer (Netty) ─> Api ─> ServicesApi / ImagesApi / TenantsApi / NodesApi / MetaApi
 *                                   │ Registry.write: optimistic transactions (compare mod revision)
 *                                   ▼
 *                               StateStore ──watch──> Reconciler ──deploy/remove──> Node
 *                                   │                     └──> TenantRouting (router resolver + gate)
 *                                   └── EventLog (bounded, SSE)
 * </pre>
 *
 * <p>{@link dev.wisp.control.ControlPlane} wires it all; {@link dev.wisp.control.ControlConfig}
 * holds every limit.
 */
package dev.wisp.control;
