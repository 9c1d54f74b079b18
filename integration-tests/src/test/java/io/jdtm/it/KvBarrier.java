package io.jdtm.it;

import io.jdtm.Barrier;
import io.jdtm.BranchContext;
import io.jdtm.Outcome;

/**
 * A participant's database with its barrier, seen as named values: the bank logic is written once
 * and runs on the in-memory barrier and on the JDBC barrier of each database.
 */
interface KvBarrier extends AutoCloseable {
  /** Business run under the barrier with a value view of the local transaction. */
  @FunctionalInterface
  interface Work {
    Outcome run(Kv kv) throws Exception;
  }

  String name();

  /** The barrier itself (to register for message check-backs and run messages under). */
  Barrier<?> barrier();

  /** Runs {@code work} under the barrier. */
  Outcome call(BranchContext ctx, Work work) throws Exception;

  /** A committed value. */
  long value(String key) throws Exception;

  /** Sets committed values (test setup). */
  void set(String key, long value) throws Exception;

  /** The local work of a message, typed for {@link io.jdtm.Msg#doAndSubmit}. */
  <R> R asLocalWork(Work work);

  @Override
  void close();
}
