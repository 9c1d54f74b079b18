package io.jdtm.internal;

import io.jdtm.Barrier;
import io.jdtm.BranchHandler;
import java.util.Map;
import java.util.Optional;

/**
 * Handlers and barriers registered with one manager, by name. Immutable after construction and
 * thread-safe.
 */
public final class HandlerRegistry {

  /** One handler with its payload type. */
  public record Registered<T>(String name, Class<T> payloadType, BranchHandler<T> handler) {}

  private final Map<String, Registered<?>> handlers;
  private final Map<String, Barrier<?>> barriers;

  public HandlerRegistry(Map<String, Registered<?>> handlers, Map<String, Barrier<?>> barriers) {
    this.handlers = Map.copyOf(handlers);
    this.barriers = Map.copyOf(barriers);
  }

  public Optional<Registered<?>> find(String name) {
    return Optional.ofNullable(handlers.get(name));
  }

  public Optional<Barrier<?>> barrier(String name) {
    return Optional.ofNullable(barriers.get(name));
  }

  /** The name {@code barrier} is registered under, if it is. */
  public Optional<String> nameOf(Barrier<?> barrier) {
    return barriers.entrySet().stream().filter(e -> e.getValue() == barrier)
        .map(Map.Entry::getKey).findFirst();
  }
}
