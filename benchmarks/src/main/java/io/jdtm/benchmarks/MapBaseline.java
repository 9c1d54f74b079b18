package io.jdtm.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Baseline} for the memory store: the same round trips on a {@link ConcurrentHashMap} of
 * versions, a compare-and-set per update. Thread-safe.
 */
final class MapBaseline implements Baseline {
  private final Map<String, Long> rows = new ConcurrentHashMap<>();
  private final Map<String, Integer> orders = new ConcurrentHashMap<>();

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
  }
}
