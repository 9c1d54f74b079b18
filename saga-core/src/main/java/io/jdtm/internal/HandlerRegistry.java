package io.jdtm.internal;

import io.jdtm.Barrier;
import io.jdtm.BranchHandler;
import io.jdtm.internal.xa.XaParticipant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Handlers, barriers and XA resources registered with one manager, by name. Immutable after
 * construction and thread-safe.
 */
public final class HandlerRegistry {

  /** One handler with its payload type. */
  public record Registered<T>(String name, Class<T> payloadType, BranchHandler<T> handler) {}

  private final Map<String, Registered<?>> handlers;
  private final Map<String, Barrier<?>> barriers;
  private final Map<String, XaParticipant> xaResources;
  private final List<XaParticipant> xaResourcesByName;

  public HandlerRegistry(Map<String, Registered<?>> handlers, Map<String, Barrier<?>> barriers) {
    this(handlers, barriers, Map.of());
  }

  public HandlerRegistry(Map<String, Registered<?>> handlers, Map<String, Barrier<?>> barriers,
      Map<String, XaParticipant> xaResources) {
    this.handlers = Map.copyOf(handlers);
    this.barriers = Map.copyOf(barriers);
    this.xaResources = Map.copyOf(xaResources);
    this.xaResourcesByName = xaResources.values().stream()
        .sorted(java.util.Comparator.comparing(XaParticipant::name)).toList();
  }

  /** The XA resource registered under {@code name}, if any. */
  public Optional<XaParticipant> xaResource(String name) {
    return Optional.ofNullable(name == null ? null : xaResources.get(name));
  }

  /** Every registered XA resource, in name order. */
  public List<XaParticipant> xaResources() {
    return xaResourcesByName;
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
