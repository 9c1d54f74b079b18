/**
 * Test support for jdtm and for users' own tests: the store contract suite ({@link
 * io.jdtm.testkit.TransactionStoreContract}), a controllable clock ({@link
 * io.jdtm.testkit.ManualClock}), scriptable participants writing to a {@link
 * io.jdtm.testkit.Ledger}, and recovery helpers ({@link io.jdtm.testkit.Recovery}).
 */
package io.jdtm.testkit;
