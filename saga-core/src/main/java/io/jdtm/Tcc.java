package io.jdtm;

/**
 * A TCC transaction as its body sees it: each {@link #branch} durably registers the branch's
 * confirm and cancel, then calls its try. When the body returns, the manager confirms every
 * branch; when it throws (a failed try included), the manager cancels every registered branch.
 *
 * <p>Thread-safe: a body may call branches concurrently.
 */
public interface Tcc {
  /** The global transaction's gid. */
  String gid();

  /**
   * Registers a branch (confirm and cancel, durably) and calls its try with {@code payload}.
   * Targets are handler names or {@code http(s)://} URLs; all three ops get the payload.
   *
   * @return the branch id ({@code 01}, {@code 02}, ...; {@code 01-01} for a branch registered from
   *     inside branch 01's try) and what the try returned
   * @throws BranchFailedException when the try does not answer SUCCESS (refused, ONGOING, an
   *     exception or no answer in time); let it propagate so the transaction rolls back
   * @throws InvalidTransactionException on bad input (nothing is registered)
   * @throws NoSuchHandlerException when a target names a handler not registered (nothing is
   *     registered)
   * @throws PayloadCodecException when the payload cannot be encoded or is too large (nothing
   *     is registered)
   */
  TryResult branch(String tryTarget, String confirmTarget, String cancelTarget, Object payload);

  /** The body of a TCC transaction. */
  @FunctionalInterface
  interface Body {
    /** Calls branches; returning commits the transaction, throwing rolls it back. */
    void run(Tcc tcc) throws Exception;
  }
}
