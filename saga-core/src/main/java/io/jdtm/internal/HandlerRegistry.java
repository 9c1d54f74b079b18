package io.jdtm.internal;

import io.jdtm.BranchHandler;
import java.util.Map;
import java.util.Optional;

/**
 * Handlers registered with one manager, by name. Immutable after construction and thread-safe.
 */
public final class HandlerRegistry {

  /** One handler with its payload type. */
  public record Registered<T>(String name, Class<T> payloadType, BranchHandler<T> handler) {}

  private final Map<String, Registered<?>> handlers;

  public HandlerRegistry(Map<String, Registered<?>> handlers) {
    this.handlers = Map.copyOf(handlers);
  }

  public Optional<Registered<?>> find(String name) {
    return Optional.ofNullable(handlers.get(name));
  }
}
