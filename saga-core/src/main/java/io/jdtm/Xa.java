package io.jdtm;

import java.sql.Connection;

/**
 * An XA transaction as its body sees it: each {@link #branch} runs work inside a local XA
 * transaction on a registered resource and prepares it. When the body returns, the manager
 * commits every branch; when it throws (a failed branch included), the manager rolls back every
 * branch.
 *
 * <p>Thread-safe: a body may run branches concurrently (each on its own connection).
 */
public interface Xa {
  /** The global transaction's gid. */
  String gid();

  /**
   * Registers a branch (its commit and rollback, durably), then runs {@code work} in a local XA
   * transaction on the resource registered as {@code resource}: starts it, writes the branch's
   * barrier row, runs {@code work} on the branch's connection, ends and prepares it. Phase two
   * (commit or rollback) comes after the body, from the manager.
   *
   * <p>{@code work} must not commit, roll back or close the connection, nor change its
   * auto-commit mode: the XA transaction owns them.
   *
   * @return the branch id ({@code 01}, {@code 02}, ...)
   * @throws BranchFailedException when {@code work} answered FAILURE or ONGOING (its local
   *     transaction is rolled back); let it propagate so the transaction rolls back
   * @throws JdtmException wrapping what {@code work} or the database threw (the local
   *     transaction is rolled back as far as the database answers), or when the transaction no
   *     longer takes branches
   * @throws InvalidTransactionException when no resource is registered under {@code resource}
   */
  String branch(String resource, Work work);

  /** The work of one XA branch. */
  @FunctionalInterface
  interface Work {
    /**
     * Does the branch's SQL on {@code connection}, inside its XA transaction.
     *
     * @return SUCCESS to prepare the branch; anything else rolls it back
     */
    Outcome run(Connection connection) throws Exception;
  }

  /** The body of an XA transaction. */
  @FunctionalInterface
  interface Body {
    /** Runs branches; returning commits the transaction, throwing rolls it back. */
    void run(Xa xa) throws Exception;
  }
}
