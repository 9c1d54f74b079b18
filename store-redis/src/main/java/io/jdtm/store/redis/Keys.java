package io.jdtm.store.redis;

import java.nio.charset.StandardCharsets;

/**
 * The key layout of one store: a prefix, a fixed number of shards, and per shard the hash tag
 * {@code {<prefix>s<N>}} that every key of the shard shares, so that the keys of one transaction
 * and the indexes it is in live in one Redis Cluster slot:
 *
 * <ul>
 *   <li>{@code <prefix>{<prefix>s<N>}tx:<gid>}: the record, a hash (see {@link RecordCodec});
 *   <li>{@code <prefix>{<prefix>s<N>}due}: sorted set of the shard's due gids by next due time;
 *   <li>{@code <prefix>{<prefix>s<N>}ids}: sorted set of the shard's gids (score 0, in gid order
 *       for queries);
 *   <li>{@code <prefix>{<prefix>s<N>}fin}: sorted set of the shard's finished gids by the time
 *       they finished (for purge);
 *   <li>{@code <prefix>meta}: hash with the store's layout ({@code shards}, {@code format}).
 * </ul>
 *
 * <p>A gid's shard is {@code floorMod(gid.hashCode(), shards)}: {@link String#hashCode()} is
 * specified by the Java language, so every JVM agrees. Immutable and thread-safe.
 */
final class Keys {
  final String prefix;
  final int shards;
  final byte[] meta;
  private final byte[][] txPrefix;
  private final byte[][] due;
  private final byte[][] ids;
  private final byte[][] fin;

  Keys(String prefix, int shards) {
    this.prefix = KeyPrefix.require(prefix);
    this.shards = shards;
    this.meta = bytes(prefix + "meta");
    txPrefix = new byte[shards][];
    due = new byte[shards][];
    ids = new byte[shards][];
    fin = new byte[shards][];
    for (int s = 0; s < shards; s++) {
      String base = prefix + "{" + prefix + "s" + s + "}";
      txPrefix[s] = bytes(base + "tx:");
      due[s] = bytes(base + "due");
      ids[s] = bytes(base + "ids");
      fin[s] = bytes(base + "fin");
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  int shard(String gid) {
    return Math.floorMod(gid.hashCode(), shards);
  }

  /** The record key of {@code gid} in {@code shard}. */
  byte[] tx(int shard, String gid) {
    byte[] head = txPrefix[shard];
    int n = gid.length();
    for (int i = 0; i < n; i++) {
      if (gid.charAt(i) >= 0x80) { // not a valid gid; keyed as written all the same
        byte[] utf8 = bytes(gid);
        byte[] key = java.util.Arrays.copyOf(head, head.length + utf8.length);
        System.arraycopy(utf8, 0, key, head.length, utf8.length);
        return key;
      }
    }
    byte[] key = new byte[head.length + n];
    System.arraycopy(head, 0, key, 0, head.length);
    for (int i = 0; i < n; i++) {
      key[head.length + i] = (byte) gid.charAt(i);
    }
    return key;
  }

  /** The record keys' common start in {@code shard}, for scripts that visit several records. */
  byte[] txPrefix(int shard) {
    return txPrefix[shard];
  }

  byte[] due(int shard) {
    return due[shard];
  }

  byte[] ids(int shard) {
    return ids[shard];
  }

  byte[] fin(int shard) {
    return fin[shard];
  }
}
