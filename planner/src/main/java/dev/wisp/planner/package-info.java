/**
 * Capacity planning for Wisp: how many servers a population of users needs when each user's
 * microVM is resident only while the user is active (scale-to-zero) versus all the time.
 *
 * <ul>
 *   <li>{@link dev.wisp.planner.CapacityPlan}: the closed form, the seed's arithmetic (1,000,000
 *       users, 1,000 active at most, 100 per server: 10 servers instead of 10,000).</li>
 *   <li>{@link dev.wisp.planner.Simulation}: a seeded synthetic day ({@link dev.wisp.planner.TraceConfig}:
 *       diurnal curve, sessions, bursts) replayed through the real {@code Autoscaler} and
 *       {@code StandbyPlanner} on a simulated clock; reports the instances that served, ran and
 *       held memory at the busiest second, the servers that takes, and the cold starts by wake
 *       path with their latency ({@link dev.wisp.planner.WakeLatencies}, by default the README's
 *       measured wake benchmark).</li>
 * </ul>
 *
 * <p>The model: one user is one app with one microVM, and a session keeps one request in flight
 * from its start to its end. Time resolution is one second.
 */
package dev.wisp.planner;
