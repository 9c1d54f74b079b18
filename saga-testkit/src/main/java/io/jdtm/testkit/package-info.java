/**
 * Test support for jdtm and for users' own tests: the store contract suite ({@link
 * io.jdtm.testkit.TransactionStoreContract}), a controllable clock ({@link
 * io.jdtm.testkit.ManualClock}), scriptable participants writing to a {@link
 * io.jdtm.testkit.Ledger}, an in-memory barrier ({@link io.jdtm.testkit.MemoryBarrier}), fault
 * injection for stores ({@link io.jdtm.testkit.FaultyStore}) and networks ({@link
 * io.jdtm.testkit.TcpProxy}), recovery helpers ({@link io.jdtm.testkit.Recovery}), and the
 * seeded crash-recovery simulation ({@link io.jdtm.testkit.sim.Simulation}).
 */
package io.jdtm.testkit;
