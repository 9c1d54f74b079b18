package io.jdtm.spi;

import io.jdtm.Mode;
import io.jdtm.TxStatus;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An admin query: filters (all optional; empty sets mean any) and a page: at most {@code limit}
 * records with gid greater than {@code afterGid}, in gid order. Immutable and thread-safe.
 *
 * @param statuses statuses to include; empty for all
 * @param modes modes to include; empty for all
 * @param createdFrom inclusive lower bound on creation time, or {@code null}
 * @param createdTo exclusive upper bound on creation time, or {@code null}
 * @param gidPrefix prefix the gid must start with, or {@code null}
 * @param afterGid page cursor: only gids strictly greater, or {@code null} for the first page
 * @param limit page size, 1 to 1000
 */
public record TxQuery(
    Set<TxStatus> statuses,
    Set<Mode> modes,
    Instant createdFrom,
    Instant createdTo,
    String gidPrefix,
    String afterGid,
    int limit) {

  /** Largest page size. */
  public static final int MAX_LIMIT = 1000;

  public TxQuery {
    statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    modes = modes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(modes));
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
    }
  }

  /** Everything, first page of {@code limit}. */
  public static TxQuery all(int limit) {
    return new TxQuery(Set.of(), Set.of(), null, null, null, null, limit);
  }

  public TxQuery withStatuses(Set<TxStatus> s) {
    return new TxQuery(s, modes, createdFrom, createdTo, gidPrefix, afterGid, limit);
  }

  public TxQuery withModes(Set<Mode> m) {
    return new TxQuery(statuses, m, createdFrom, createdTo, gidPrefix, afterGid, limit);
  }

  public TxQuery withCreated(Instant from, Instant to) {
    return new TxQuery(statuses, modes, from, to, gidPrefix, afterGid, limit);
  }

  public TxQuery withGidPrefix(String prefix) {
    return new TxQuery(statuses, modes, createdFrom, createdTo, prefix, afterGid, limit);
  }

  public TxQuery after(String gid) {
    return new TxQuery(statuses, modes, createdFrom, createdTo, gidPrefix, gid, limit);
  }

  /** Whether {@code r} passes the filters and lies after the cursor (for stores that scan). */
  public boolean matches(TxRecord r) {
    return (statuses.isEmpty() || statuses.contains(r.status()))
        && (modes.isEmpty() || modes.contains(r.mode()))
        && (createdFrom == null || !r.createdAt().isBefore(createdFrom))
        && (createdTo == null || r.createdAt().isBefore(createdTo))
        && (gidPrefix == null || r.gid().startsWith(gidPrefix))
        && (afterGid == null || r.gid().compareTo(afterGid) > 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TxQuery q && statuses.equals(q.statuses) && modes.equals(q.modes)
        && Objects.equals(createdFrom, q.createdFrom) && Objects.equals(createdTo, q.createdTo)
        && Objects.equals(gidPrefix, q.gidPrefix) && Objects.equals(afterGid, q.afterGid)
        && limit == q.limit;
  }

  @Override
  public int hashCode() {
    return Objects.hash(statuses, modes, gidPrefix, afterGid, limit);
  }
}
