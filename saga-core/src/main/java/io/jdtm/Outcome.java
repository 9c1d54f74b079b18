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

  private static final Outcome SUCCESS = new Outcome(Kind.SUCCESS, null, null);
  private static final Outcome ONGOING = new Outcome(Kind.ONGOING, null, null);

  private final Kind kind;
  private final String reason;
  private final String result;

  private Outcome(Kind kind, String reason, String result) {
    this.kind = kind;
    this.reason = reason;
    this.result = result;
  }

  /** The op took effect. */
  public static Outcome success() {
    return SUCCESS;
  }

  /**
   * The op took effect and returns {@code result} to whoever called it inline (a TCC try's
   * caller gets it from {@link Tcc#branch}). Not stored.
   */
  public static Outcome success(String result) {
    return new Outcome(Kind.SUCCESS, null, Objects.requireNonNull(result, "result"));
  }

  /** Business refusal; {@code reason} is recorded with the transaction (keep secrets out of it). */
  public static Outcome failure(String reason) {
    return new Outcome(Kind.FAILURE, Objects.requireNonNull(reason, "reason"), null);
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

  /** What a successful op returned (see {@link #success(String)}), or {@code null}. */
  public String result() {
    return result;
  }

  public boolean isSuccess() {
    return kind == Kind.SUCCESS;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Outcome other && kind == other.kind && Objects.equals(reason, other.reason)
        && Objects.equals(result, other.result);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, reason, result);
  }

  @Override
  public String toString() {
    String detail = reason != null ? reason : result;
    return detail == null ? kind.name() : kind + "(" + detail + ")";
  }
}
