package io.jdtm.store.jdbc;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Deletes finished records in chunks, one short transaction per chunk, so that
 * a large purge never holds many locks or a long transaction. Thread-safe.
 */
final class Purge {
  static final int CHUNK = 500;

  private final Sql sql;

  Purge(Sql sql) {
    this.sql = sql;
  }

  private record Chunk(int deleted, int seen, String last) {}

  int purge(Db db, Instant finishedBefore) {
    long before = finishedBefore.toEpochMilli();
    int total = 0;
    String after = "";
    while (true) {
      String from = after;
      Chunk chunk = db.inTransaction("purge", null, h -> deleteChunk(h, before, from));
      total += chunk.deleted();
      if (chunk.seen() < CHUNK) {
        return total;
      }
      after = chunk.last();
    }
  }

  private Chunk deleteChunk(Handle h, long before, String after) {
    List<String> gids = h.createQuery(sql.purgeCandidates).bind("before", before)
        .bind("after", after).bind("limit", CHUNK).mapTo(String.class).list();
    if (gids.isEmpty()) {
      return new Chunk(0, 0, after);
    }
    var records = h.createUpdate(sql.deleteFinished(gids.size()));
    for (int i = 0; i < gids.size(); i++) {
      records.bind("g" + i, gids.get(i));
    }
    return new Chunk(records.execute(), gids.size(), gids.get(gids.size() - 1));
  }
}
