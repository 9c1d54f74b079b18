package io.jdtm;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TransactionManager#await} and {@link Saga#submitAndWait} saw: the transaction's
 * status (terminal, or the last one read when time ran out), why it is aborting or failed, and
 * the last error of a branch op that has not succeeded. Immutable and thread-safe.
 *
 * <p>The last error is the one recorded in the store (so {@code await} on another instance sees
 * it too): a short text naming the branch, the op and what went wrong (an exception's class and
 * message, an HTTP status, a timeout), never a payload; at most a few hundred characters.
 */
public final class TxResult {
  private final String gid;
  private final TxStatus status;
  private final String reason;
  private final String lastError;

  /**
   * @param reason why it is aborting or failed, or {@code null}
   * @param lastError the last error of a branch op not yet succeeded, or {@code null}
   */
  public TxResult(String gid, TxStatus status, String reason, String lastError) {
    this.gid = Objects.requireNonNull(gid, "gid");
    this.status = Objects.requireNonNull(status, "status");
    this.reason = reason;
    this.lastError = lastError;
  }

  public String gid() {
    return gid;
  }

  public TxStatus status() {
    return status;
  }

  /** Why it is aborting or failed; empty while it goes forward or once it succeeded. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /**
   * The last error recorded for a branch op that has not succeeded (the one due next when
   * several have), e.g. {@code branch 01 action: handler threw java.lang.IllegalStateException:
   * no route}; empty when none has.
   */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TxResult r && gid.equals(r.gid) && status == r.status
        && Objects.equals(reason, r.reason) && Objects.equals(lastError, r.lastError);
  }

  @Override
  public int hashCode() {
    return Objects.hash(gid, status, reason, lastError);
  }

  @Override
  public String toString() {
    return "TxResult[gid=" + gid + ", status=" + status
        + (reason == null ? "" : ", reason=" + reason)
        + (lastError == null ? "" : ", lastError=" + lastError) + "]";
  }
}
