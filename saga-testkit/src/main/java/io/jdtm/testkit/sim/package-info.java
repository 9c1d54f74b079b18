/**
 * The seeded crash-recovery simulation: {@link io.jdtm.testkit.sim.Simulation} generates plans,
 * runs them on several manager nodes over one store with crashes, pauses, clock skew, store
 * faults and duplicate deliveries, checks the invariants of docs/reliability.md, and shrinks a
 * failing plan to a minimal one. Add your own handlers with {@link
 * io.jdtm.testkit.sim.UserParticipant}.
 */
package io.jdtm.testkit.sim;
