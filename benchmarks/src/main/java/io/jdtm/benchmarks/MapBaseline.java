package io.jdtm.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * {@link Baseline} for the memory store: the same round trips on a {@link ConcurrentHashMap} of
 * versions, a compare-and-set per update. Thread-safe.
 */
final class MapBaseline implements Baseline {
  private final Map<String, Long> rows = new ConcurrentHashMap<>();
  private final Map<String, Integer> orders = new ConcurrentHashMap<>();
  /** Rows by due time, then gid: what a claim scans. */
  private final NavigableSet<Due> due = new ConcurrentSkipListSet<>();

  private record Due(long at, String gid) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : gid.compareTo(o.gid);
    }
  }

  @Override
  public void insert(String gid) {
    rows.put(gid, 1L);
  }

  @Override
  public boolean update(String gid, long expectedVersion) {
    return rows.replace(gid, expectedVersion, expectedVersion + 1);
  }

  @Override
  public int updateBatch(List<String> gids, long[] expectedVersions) {
    int moved = 0;
    for (int i = 0; i < gids.size(); i++) {
      moved += update(gids.get(i), expectedVersions[i]) ? 1 : 0;
    }
    return moved;
  }

  /** As {@link Baseline#saga}, then forgets the finished row as the memory store evicts it. */
  @Override
  public void saga(String gid, int steps) {
    Baseline.super.saga(gid, steps);
    rows.remove(gid);
  }

  @Override
  public void insertDue(List<String> gids, long dueMillis) {
    for (String gid : gids) {
      insert(gid);
      due.add(new Due(dueMillis, gid));
    }
  }

  /** Takes due entries oldest first; one another claimer removed first is skipped. */
  @Override
  public int claim(long nowMillis, long leaseMillis, int limit) {
    int claimed = 0;
    for (Due d : due.headSet(new Due(nowMillis, "\uffff"), true)) {
      if (claimed == limit) {
        break;
      }
      long version = rows.get(d.gid());
      if (due.remove(d) && update(d.gid(), version)) {
        due.add(new Due(nowMillis + leaseMillis, d.gid()));
        claimed++;
      }
    }
    return claimed;
  }

  @Override
  public void message(String gid, int actions) {
    orders.put(gid, 1);
    insert(gid);
    advance(gid, 1, actions);
    rows.remove(gid);
    orders.remove(gid);
  }

  @Override
  public void close() {
    rows.clear();
    orders.clear();
    due.clear();
  }
}
