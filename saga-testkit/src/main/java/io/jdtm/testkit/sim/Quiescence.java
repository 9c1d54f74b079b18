package io.jdtm.testkit.sim;

import io.jdtm.TxStatus;
import io.jdtm.spi.TransactionStore;
import java.util.List;
import java.util.Map;

/**
 * The end of one simulation chain, after faults healed and every transaction became terminal:
 * what your own invariants are checked against. Valid only during the callback; not thread-safe.
 *
 * @param seed the chain's seed (to name in a failure)
 * @param statuses every submitted gid's final status ({@code null}: never stored)
 * @param store the chain's store, still open
 * @param branches every branch of your own participants in this chain, in plan order
 */
public record Quiescence(long seed, Map<String, TxStatus> statuses, TransactionStore store,
    List<UserBranch> branches) {

  public Quiescence {
    branches = List.copyOf(branches);
  }

  /** The branches of your participant {@code name} ({@link UserParticipant#name()}). */
  public List<UserBranch> branches(String name) {
    return branches.stream().filter(b -> b.participant().equals(name)).toList();
  }
}
