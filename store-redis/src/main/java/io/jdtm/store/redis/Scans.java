package io.jdtm.store.redis;

import static io.jdtm.store.redis.RecordCodec.ascii;
import static io.jdtm.store.redis.RecordCodec.number;

import io.jdtm.spi.TxPage;
import io.jdtm.spi.TxQuery;
import io.jdtm.spi.TxRecord;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Queries and purge, shard by shard with the shards' scripts pipelined: a query pages through
 * each shard's {@code ids} index in gid order ({@link Scripts#PAGE}) until that shard has a page
 * of matches or none left, then merges the shards' matches in gid order; purge runs {@link
 * Scripts#PURGE} on every shard in batches until none has more finished records before the
 * cutoff. Thread-safe (stateless).
 */
final class Scans {
  private static final int PURGE_BATCH = 500;
  private static final byte[] LOWEST = ascii("-");
  private static final byte[] HIGHEST = ascii("+");

  private final Link link;
  private final Keys keys;
  private final Unreadables unreadables;

  Scans(Link link, Keys keys, Unreadables unreadables) {
    this.link = link;
    this.keys = keys;
    this.unreadables = unreadables;
  }

  TxPage query(TxQuery q) {
    int shards = keys.shards;
    int limit = q.limit();
    byte[] max = q.gidPrefix() == null ? HIGHEST : bound('[', q.gidPrefix(), true);
    byte[] count = number(limit);
    List<List<TxRecord>> found = new ArrayList<>(shards);
    byte[][] min = new byte[shards][];
    for (int s = 0; s < shards; s++) {
      found.add(new ArrayList<>());
      min[s] = firstMin(q);
    }
    boolean any = true;
    while (any) {
      List<Link.Pending<List<Object>>> pages = new ArrayList<>(shards);
      for (int s = 0; s < shards; s++) {
        pages.add(min[s] == null ? null : link.start(Scripts.PAGE, ScriptOutputType.MULTI,
            new byte[][] {keys.ids(s)}, min[s], max, count, keys.txPrefix(s)));
      }
      any = false;
      for (int s = 0; s < shards; s++) {
        if (pages.get(s) != null) {
          List<Object> page = link.await(pages.get(s), "query", null);
          String last = collect(q, page, found.get(s));
          boolean more = page.size() / 2 >= limit && found.get(s).size() < limit;
          min[s] = more ? bound('(', last, false) : null;
          any |= more;
        }
      }
    }
    List<TxRecord> all = new ArrayList<>();
    found.forEach(all::addAll);
    all.sort(Comparator.comparing(TxRecord::gid));
    return TxPage.of(all.size() > limit ? all.subList(0, limit) : all, limit);
  }

  /** Adds the page's records that match; returns the page's last gid. */
  private String collect(TxQuery q, List<Object> page, List<TxRecord> into) {
    String last = null;
    for (int k = 0; k + 1 < page.size(); k += 2) {
      String gid = new String((byte[]) page.get(k), StandardCharsets.UTF_8);
      last = gid;
      List<?> fields = (List<?>) page.get(k + 1);
      if (fields.isEmpty()) {
        continue; // deleted meanwhile
      }
      try {
        TxRecord r = RecordCodec.read(gid, fields);
        if (q.matches(r)) {
          into.add(r);
        }
      } catch (RecordCodec.BadRecord e) {
        unreadables.report(gid, e, "queries leave it out");
      }
    }
    return last;
  }

  /** The lowest gid bound of a query: after the cursor and at or after the prefix. */
  private static byte[] firstMin(TxQuery q) {
    String after = q.afterGid();
    String prefix = q.gidPrefix();
    if (after != null && (prefix == null || after.compareTo(prefix) >= 0)) {
      return bound('(', after, false);
    }
    return prefix != null ? bound('[', prefix, false) : LOWEST;
  }

  /** A ZRANGEBYLEX bound; {@code top} appends 0xFF (above every gid character). */
  private static byte[] bound(char kind, String gid, boolean top) {
    byte[] utf8 = gid.getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[utf8.length + (top ? 2 : 1)];
    b[0] = (byte) kind;
    System.arraycopy(utf8, 0, b, 1, utf8.length);
    if (top) {
      b[b.length - 1] = (byte) 0xFF;
    }
    return b;
  }

  int purge(Instant finishedBefore) {
    int shards = keys.shards;
    byte[] cutoff = number(finishedBefore.toEpochMilli());
    byte[] batch = number(PURGE_BATCH);
    boolean[] more = new boolean[shards];
    Arrays.fill(more, true);
    int deleted = 0;
    boolean any = true;
    while (any) {
      List<Link.Pending<List<Object>>> runs = new ArrayList<>(shards);
      for (int s = 0; s < shards; s++) {
        runs.add(more[s] ? link.start(Scripts.PURGE, ScriptOutputType.MULTI,
            new byte[][] {keys.fin(s), keys.ids(s), keys.due(s)}, cutoff, keys.txPrefix(s),
            batch) : null);
      }
      any = false;
      for (int s = 0; s < shards; s++) {
        if (runs.get(s) != null) {
          List<Object> r = link.await(runs.get(s), "purge", null);
          deleted += ((Long) r.get(0)).intValue();
          more[s] = (Long) r.get(1) >= PURGE_BATCH;
          any |= more[s];
        }
      }
    }
    return deleted;
  }
}
