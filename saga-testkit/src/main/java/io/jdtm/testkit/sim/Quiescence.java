package io.jdtm.testkit.sim;

import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import java.util.Map;

/**
 * The end of one simulation chain, after faults healed and every transaction became terminal:
 * what your own invariants are checked against. Valid only during the callback.
 *
 * @param seed the chain's seed (to name in a failure)
 * @param statuses every submitted gid's final status ({@code null}: never stored)
 * @param store the chain's store, still open
 */
public record Quiescence(long seed, Map<String, TxStatus> statuses, TransactionStore store) {}
