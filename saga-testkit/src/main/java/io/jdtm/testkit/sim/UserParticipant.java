package io.jdtm.testkit.sim;

import io.jdtm.BranchHandler;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Your own branch handler, taking part in a simulation beside the scripted test participants: it
 * is registered on every node, called with its op in every mode (saga action and compensation,
 * TCC try/confirm/cancel, message delivery), crashed around, and sent duplicate and late
 * deliveries. The simulation cannot see its effects; check them in {@link
 * Simulation#atQuiescence}. Immutable; the handler must be thread-safe.
 *
 * @param payloads makes a payload for a new branch from the plan's random source
 */
public record UserParticipant<T>(
    String name,
    Class<T> payloadType,
    BranchHandler<T> handler,
    Function<SplittableRandom, T> payloads) {

  public UserParticipant {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(payloadType, "payloadType");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(payloads, "payloads");
  }
}
