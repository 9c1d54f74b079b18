package io.jdtm.store.redis;

import static io.jdtm.store.redis.RecordCodec.EMPTY;
import static io.jdtm.store.redis.RecordCodec.number;

import io.jdtm.spi.BranchRecord;
import io.jdtm.spi.TxRecord;
import io.jdtm.spi.TxUpdate;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Compare-and-set updates: the new record is computed in Java from the update's base (or, when
 * the base does not explain the update, from the stored record, read first), and the {@link
 * Scripts#UPDATE} script only checks that the stored record is the one it was computed from
 * (version, creation time, lease epoch) and writes. Thread-safe (stateless).
 */
final class Writes {
  static final byte[] TERMINAL = RecordCodec.ascii("1");
  static final byte[] NOT_TERMINAL = RecordCodec.ascii("0");

  private final Link link;
  private final Keys keys;

  Writes(Link link, Keys keys) {
    this.link = link;
    this.keys = keys;
  }

  /** One planned write: the record it expects and the record it writes. */
  record Write(TxUpdate update, TxRecord from, TxRecord next) {}

  /**
   * The write of {@code u}; {@code null} when the compare-and-set is known to fail.
   *
   * @param load reads the stored record, when the base does not explain the update
   * @throws IllegalArgumentException when it names a branch op the record does not have, or adds
   *     one it has
   */
  Write plan(TxUpdate u, Function<String, Optional<TxRecord>> load) {
    Optional<TxRecord> base = u.base();
    if (base.isPresent() && base.get().version() == u.expectedVersion()
        && base.get().gid().equals(u.gid())) {
      if (!base.get().accepts(u)) {
        return null;
      }
      try {
        return new Write(u, base.get(), applied(base.get(), u));
      } catch (RuntimeException e) {
        // a stale base may be behind the problem: the stored record decides
      }
    }
    Optional<TxRecord> stored = load.apply(u.gid());
    if (stored.isEmpty()) {
      return null;
    }
    TxRecord r = stored.get();
    if (r.version() != u.expectedVersion() || !r.accepts(u)
        || base.isPresent() && !base.get().createdAt().equals(r.createdAt())) {
      return null;
    }
    return new Write(u, r, applied(r, u));
  }

  private static TxRecord applied(TxRecord from, TxUpdate u) {
    if (!u.addedBranches().isEmpty()) {
      Set<String> ids = new HashSet<>();
      for (BranchRecord b : from.branches()) {
        ids.add(b.branchId() + "/" + b.op().wireName());
      }
      for (BranchRecord b : u.addedBranches()) {
        if (!ids.add(b.branchId() + "/" + b.op().wireName())) {
          throw new IllegalArgumentException("branch op " + b.branchId() + "/"
              + b.op().wireName() + " added to " + u.gid() + " exists already");
        }
      }
    }
    return from.applying(u);
  }

  /** Sends the write (one EVALSHA); its answer is 1 when applied. */
  Link.Pending<Long> start(Write w) {
    TxRecord next = w.next();
    TxRecord from = w.from();
    String gid = next.gid();
    int s = keys.shard(gid);
    return link.start(Scripts.UPDATE, ScriptOutputType.INTEGER,
        new byte[][] {keys.tx(s, gid), keys.due(s), keys.fin(s)},
        gid.getBytes(StandardCharsets.UTF_8), number(from.version()),
        number(from.createdAt().toEpochMilli()), number(from.leaseEpoch()),
        number(next.version()), RecordCodec.status(next.status()),
        RecordCodec.millis(next.nextDueAt()), number(next.updatedAt().toEpochMilli()),
        RecordCodec.progress(next),
        w.update().addedBranches().isEmpty() ? EMPTY : RecordCodec.definition(next),
        next.status().isTerminal() ? TERMINAL : NOT_TERMINAL);
  }

  static boolean applied(Object answer) {
    return answer instanceof Long n && n == 1L;
  }
}
