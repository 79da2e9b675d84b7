/**
 * One host serving services: the router in front, the autoscaler deciding, the runtime running
 * the microVMs. This is where a request for a sleeping service turns into a wake.
 *
 * <pre>
 *   client ──HTTP──> RouterServer ──(ServiceDirectory)──> ServiceEndpoints ──> instance VMs
 *                        │ demand (no spare capacity: wake now)         ▲
 *                        ▼                                             │ route / park / unroute
 *                  ServiceController (decisions) ── Replicas (books, what the router sees)
 *                    ├─ Autoscaler (KPA: how many should serve)
 *                    ├─ StandbyPlanner (running ─> paused ─> snapshotted ─> gone; which wake path)
 *                    ├─ Wakes (resume, restore, clone from the TemplateWarmer's template, boot)
 *                    ├─ StandbySteps (pause, snapshot, retire)
 *                    └─ StandbyHandover (manifests; adopt and leave snapshots across node restarts)
 * </pre>
 *
 * <p>The router never sees an instance, only endpoints, through its own seam types
 * ({@code ServiceDirectory}, {@code ServiceEndpoints}, {@code ServiceLoads}); the runtime never
 * sees a request. A {@link dev.wisp.node.Node} runs one controller per service on a shared
 * control thread.
 */
package dev.wisp.node;
