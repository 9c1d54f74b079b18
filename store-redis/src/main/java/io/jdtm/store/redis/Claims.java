package io.jdtm.store.redis;

import static io.jdtm.store.redis.RecordCodec.number;

import io.jdtm.StoreUnavailableException;
import io.jdtm.spi.TxRecord;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases due records: counts the due records of every shard ({@code ZCOUNT}, pipelined: one
 * round trip), then runs {@link Scripts#CLAIM} on the shards with due records, starting at a
 * cursor, until the limit is reached. Within a shard the oldest due go first. The next claim
 * starts at the shard after the last one this one visited: every shard comes round, so a shard
 * with a large backlog never holds the others up, and a record put back as due goes behind the
 * older ones of its shard. A shard whose claim fails (unreachable master, slot migration) is
 * passed over: what other shards gave is returned and the failure is logged, and the call throws
 * only when it claimed nothing. Racing claimers (in this process or others) start at the same or
 * different shards; the script checks and leases atomically, so they never lease a record twice,
 * and the second takes what the first left. A claimed record that does not parse is left leased
 * until its lease ends, reported. Thread-safe.
 */
final class Claims {
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
  private final Link link;
  private final Keys keys;
  private final Unreadables unreadables;
  private final AtomicInteger cursor = new AtomicInteger(ThreadLocalRandom.current().nextInt(
      1 << 20));

  Claims(Link link, Keys keys, Unreadables unreadables) {
    this.link = link;
    this.keys = keys;
    this.unreadables = unreadables;
  }

  List<TxRecord> claim(Instant now, String owner, Duration lease, int limit) {
    long[] dueCount = dueCounts(Long.toString(now.toEpochMilli()));
    byte[] nowB = number(now.toEpochMilli());
    byte[] untilB = number(now.plus(lease).toEpochMilli());
    byte[] ownerB = owner.getBytes(StandardCharsets.UTF_8);
    List<TxRecord> claimed = new ArrayList<>(Math.min(limit, 64));
    int shards = keys.shards;
    int start = Math.floorMod(cursor.get(), shards);
    int next = start + 1;
    StoreUnavailableException failed = null;
    for (int i = 0; i < shards && claimed.size() < limit; i++) {
      int s = (start + i) % shards;
      next = s + 1;
      if (dueCount[s] == 0) {
        continue;
      }
      int want = limit - claimed.size();
      List<Object> out;
      try {
        out = link.run(Scripts.CLAIM, ScriptOutputType.MULTI, "claimDue", null,
            new byte[][] {keys.due(s), keys.ids(s)}, nowB, untilB, ownerB, number(want),
            keys.txPrefix(s));
      } catch (StoreUnavailableException e) {
        log.warn("claimDue: shard {} failed, passed over: {}", s, e.getMessage());
        failed = e;
        continue;
      }
      for (int k = 0; k + 1 < out.size(); k += 2) {
        String gid = new String((byte[]) out.get(k), StandardCharsets.UTF_8);
        try {
          claimed.add(RecordCodec.read(gid, (List<?>) out.get(k + 1)));
        } catch (RecordCodec.BadRecord e) {
          unreadables.report(gid, e, "a claim leased it until " + now.plus(lease)
              + " and skips it; it comes back after the lease");
        }
      }
    }
    cursor.set(next);
    if (claimed.isEmpty() && failed != null) {
      throw failed;
    }
    return claimed;
  }

  /** The number of records due at {@code now} per shard, in one pipelined round trip. */
  private long[] dueCounts(String now) {
    int shards = keys.shards;
    List<RedisFuture<Long>> counts = new ArrayList<>(shards);
    try {
      for (int s = 0; s < shards; s++) {
        counts.add(link.async.zcount(keys.due(s), "-inf", now));
      }
    } catch (RuntimeException e) {
      throw link.unavailable("claimDue", null, e);
    }
    long[] dueCount = new long[shards];
    for (int s = 0; s < shards; s++) {
      RedisFuture<Long> f = counts.get(s);
      Long n = link.call("claimDue", null, () -> f);
      dueCount[s] = n == null ? 0 : n;
    }
    return dueCount;
  }
}
