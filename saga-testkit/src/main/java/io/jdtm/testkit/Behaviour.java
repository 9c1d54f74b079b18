package io.jdtm.testkit;

/** How a {@link TestParticipant} answers one call. Immutable and thread-safe. */
public enum Behaviour {
  /** Apply the effect and answer SUCCESS. */
  SUCCESS,
  /** Refuse without effect: answer FAILURE. */
  FAILURE,
  /** Answer ONGOING without effect. */
  ONGOING,
  /** Throw without effect (an unknown outcome). */
  THROW,
  /** Apply the effect, then throw: the answer is lost (e.g. a timeout after commit). */
  EFFECT_THEN_THROW
}
