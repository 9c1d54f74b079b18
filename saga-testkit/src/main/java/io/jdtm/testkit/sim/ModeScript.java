package io.jdtm.testkit.sim;

import io.jdtm.TxStatus;

/** How the simulation runs and checks transactions of one mode. */
interface ModeScript {
  /** Scripts the participants' answers for {@code spec} (once, before its first submit). */
  void script(SimRun run, TxSpec spec);

  /** Starts {@code spec} on {@code node}; returns normally once the transaction is acknowledged. */
  void submit(SimRun run, SimNode node, TxSpec spec) throws Exception;

  /** Whether submitting the same spec again must be a no-op (I-13). */
  boolean resubmittable();

  /** Checks a terminal transaction's effects (I-4, I-5, I-10, I-11); throws a Violation. */
  void checkTerminal(SimRun run, TxSpec spec, TxStatus status);

  /** The transaction's net money effect at quiescence (must sum to zero over all, I-7). */
  long money(SimRun run, TxSpec spec);
}
