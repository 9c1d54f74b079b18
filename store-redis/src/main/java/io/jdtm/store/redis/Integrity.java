package io.jdtm.store.redis;

import io.jdtm.spi.TxRecord;
import io.lettuce.core.ScoredValue;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a store's indexes against its records, for tests: every gid in a shard's {@code ids}
 * has its record in that shard, every record with a due time (and only those) is in {@code due}
 * with that score, every finished record is in {@code fin}. Reads every record. Thread-safe
 * (stateless).
 */
final class Integrity {
  private Integrity() {}

  /**
   * Checks every shard.
   *
   * @throws IllegalStateException describing the first inconsistency
   */
  static void check(Link link, Keys keys, Function<String, Optional<TxRecord>> load) {
    for (int s = 0; s < keys.shards; s++) {
      Set<String> due = checkDue(link, keys.due(s), load);
      byte[] idsKey = keys.ids(s);
      byte[] finKey = keys.fin(s);
      for (byte[] id : link.call("check", null, () -> link.async.zrange(idsKey, 0, -1))) {
        String gid = new String(id, StandardCharsets.UTF_8);
        TxRecord r = load.apply(gid).orElseThrow(() -> new IllegalStateException(
            "ids entry for missing record " + gid));
        if (keys.shard(gid) != s) {
          throw new IllegalStateException(gid + " indexed in shard " + s);
        }
        if (r.nextDueAt() != null && !due.contains(gid)) {
          throw new IllegalStateException("due record missing from the due index: " + r);
        }
        if (r.status().isTerminal()
            && link.call("check", null, () -> link.async.zscore(finKey, id)) == null) {
          throw new IllegalStateException("finished record missing from the fin index: " + r);
        }
      }
    }
  }

  private static Set<String> checkDue(Link link, byte[] dueKey,
      Function<String, Optional<TxRecord>> load) {
    Set<String> gids = new HashSet<>();
    List<ScoredValue<byte[]>> entries =
        link.call("check", null, () -> link.async.zrangeWithScores(dueKey, 0, -1));
    for (ScoredValue<byte[]> sv : entries) {
      String gid = new String(sv.getValue(), StandardCharsets.UTF_8);
      gids.add(gid);
      TxRecord r = load.apply(gid).orElseThrow(() -> new IllegalStateException(
          "due entry for missing record " + gid));
      if (r.nextDueAt() == null || r.nextDueAt().toEpochMilli() != (long) sv.getScore()) {
        throw new IllegalStateException("due entry " + gid + "@" + (long) sv.getScore()
            + " for " + r);
      }
    }
    return gids;
  }
}
