package io.jdtm;

import java.util.Objects;

/**
 * What a branch handler answers. {@link #success()} means the op took effect; {@link
 * #failure(String)} is a business refusal (a saga action or TCC try that fails rolls the global
 * transaction back; for other ops it is retried); {@link #ongoing()} means "not done yet, call
 * again later" (retried at the retry interval, without backoff growth). A handler that throws, or
 * does not answer in time, has an <em>unknown</em> outcome and is retried with backoff.
 *
 * <p>Immutable and thread-safe.
 */
public final class Outcome {
  /** The kind of answer. */
  public enum Kind {
    SUCCESS,
    FAILURE,
    ONGOING
  }

  private static final Outcome SUCCESS = new Outcome(Kind.SUCCESS, null);
  private static final Outcome ONGOING = new Outcome(Kind.ONGOING, null);

  private final Kind kind;
  private final String reason;

  private Outcome(Kind kind, String reason) {
    this.kind = kind;
    this.reason = reason;
  }

  /** The op took effect. */
  public static Outcome success() {
    return SUCCESS;
  }

  /** Business refusal; {@code reason} is recorded with the transaction (keep secrets out of it). */
  public static Outcome failure(String reason) {
    return new Outcome(Kind.FAILURE, Objects.requireNonNull(reason, "reason"));
  }

  /** Not done yet: call again later. */
  public static Outcome ongoing() {
    return ONGOING;
  }

  public Kind kind() {
    return kind;
  }

  /** The failure reason, or {@code null} unless {@link #kind()} is FAILURE. */
  public String reason() {
    return reason;
  }

  public boolean isSuccess() {
    return kind == Kind.SUCCESS;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Outcome other && kind == other.kind && Objects.equals(reason, other.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, reason);
  }

  @Override
  public String toString() {
    return reason == null ? kind.name() : kind + "(" + reason + ")";
  }
}
