package io.jdtm;

/** What the manager observed when it called a branch op. Immutable and thread-safe. */
public enum CallResult {
  /** The op took effect. */
  SUCCESS,
  /** The participant refused (business failure). */
  FAILURE,
  /** The participant is not done yet; called again at the retry interval. */
  ONGOING,
  /** An exception, timeout or unexpected answer: the op may or may not have taken effect. */
  UNKNOWN,
  /** Not called: e.g. no handler is registered under the target's name on this instance. */
  NOT_CALLED
}
