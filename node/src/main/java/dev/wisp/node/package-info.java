/**
 * One host serving services: the router in front, the autoscaler deciding, the runtime running
 * the microVMs. This is where a request for a sleeping service turns into a wake.
 *
 * <pre>
 *   client ──HTTP──> RouterServer ──> ServiceTable (ready endpoints) ──> instance VMs
 *                        │ demand (no spare capacity: wake now)      ▲
 *                        ▼                                          │ endpoints added/removed
 *                  ServiceController ──────────────────────────────┘
 *                    ├─ Autoscaler (KPA: how many should serve)
 *                    ├─ StandbyPlanner (running ─> paused ─> snapshotted ─> gone; which wake path)
 *                    └─ VmRuntime (resume, restore, clone from the warm template, boot)
 * </pre>
 *
 * <p>The router never sees an instance, only endpoints; the runtime never sees a request. A
 * {@link dev.wisp.node.Node} runs one controller per service on a shared control thread.
 */
package dev.wisp.node;
