package io.jdtm.store.redis;

/**
 * The Lua scripts of the store, each one atomic step on the keys of one shard (one Cluster slot).
 * Scripts that visit several records of a shard build their keys from the shard's record key
 * prefix (an argument) and gids read from the shard's indexes; all of them share the shard's hash
 * tag. Run with {@code EVALSHA} on the SHA-1 computed here, and with {@code EVAL} (which caches
 * the script again) when the server answers {@code NOSCRIPT} after a restart, failover or {@code
 * SCRIPT FLUSH}. Immutable and thread-safe.
 */
enum Scripts implements LuaScript {
  /**
   * Create. KEYS: tx, ids, due, fin. ARGV: gid, version, status, epoch, owner ('' for none, else
   * '=' and the owner), next due ('' for none), created, updated, definition, progress, terminal
   * ('1' or '0'). Returns an empty array when created, else the stored hash.
   */
  CREATE("""
      if redis.call('EXISTS', KEYS[1]) == 1 then
        return redis.call('HGETALL', KEYS[1])
      end
      redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3], 'e', ARGV[4], 'c', ARGV[7],
        'u', ARGV[8], 'd', ARGV[9], 'p', ARGV[10])
      if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'o', string.sub(ARGV[5], 2)) end
      if ARGV[6] ~= '' then
        redis.call('HSET', KEYS[1], 'n', ARGV[6])
        redis.call('ZADD', KEYS[3], ARGV[6], ARGV[1])
      end
      redis.call('ZADD', KEYS[2], 0, ARGV[1])
      if ARGV[11] == '1' then redis.call('ZADD', KEYS[4], ARGV[8], ARGV[1]) end
      return {}
      """),
  /**
   * Compare-and-set update. KEYS: tx, due, fin. ARGV: gid, expected version, expected creation
   * time, expected epoch, new version, status, next due ('' for none), updated, progress,
   * definition ('' when unchanged), terminal ('1' or '0'). Returns 1 when written, 0 when the
   * stored record is not the expected one (missing, another version, another incarnation, another
   * lease).
   */
  UPDATE("""
      local cur = redis.call('HMGET', KEYS[1], 'v', 'c', 'e')
      if cur[1] ~= ARGV[2] or cur[2] ~= ARGV[3] or cur[3] ~= ARGV[4] then return 0 end
      if ARGV[7] == '' then
        redis.call('HSET', KEYS[1], 'v', ARGV[5], 's', ARGV[6], 'u', ARGV[8], 'p', ARGV[9])
        redis.call('HDEL', KEYS[1], 'n')
        redis.call('ZREM', KEYS[2], ARGV[1])
      else
        redis.call('HSET', KEYS[1], 'v', ARGV[5], 's', ARGV[6], 'u', ARGV[8], 'p', ARGV[9],
          'n', ARGV[7])
        redis.call('ZADD', KEYS[2], ARGV[7], ARGV[1])
      end
      if ARGV[10] ~= '' then redis.call('HSET', KEYS[1], 'd', ARGV[10]) end
      if ARGV[11] == '1' then redis.call('ZADD', KEYS[3], ARGV[8], ARGV[1]) end
      return 1
      """),
  /**
   * Claim the shard's oldest due records. KEYS: due, ids. ARGV: now, lease end, owner, limit,
   * record key prefix. Each due, unfinished record gets version + 1, epoch + 1, the owner, the
   * lease end as next due time and now as update time. A due entry whose record is finished is
   * dropped; one whose record is absent is dropped only when the gid index does not know the gid
   * either (during a Cluster slot migration the record may simply not have arrived yet: its
   * entry is moved to the lease end instead, never lost). A record whose version or epoch is not
   * a whole number is left as it is, due again at the lease end, and returned with an empty
   * hash (reported as unreadable). Returns gid, hash, gid, hash...
   */
  CLAIM("""
      local gids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0,
        tonumber(ARGV[4]))
      local out = {}
      for _, gid in ipairs(gids) do
        local k = ARGV[5] .. gid
        local f = redis.call('HMGET', k, 's', 'v', 'e')
        if f[1] == false then
          if redis.call('ZSCORE', KEYS[2], gid) == false then
            redis.call('ZREM', KEYS[1], gid)
          else
            redis.call('ZADD', KEYS[1], ARGV[2], gid)
          end
        elseif f[1] == 'SUCCEEDED' or f[1] == 'FAILED' then
          redis.call('ZREM', KEYS[1], gid)
        elseif not (string.match(f[2] or '', '^%d+$') and string.match(f[3] or '', '^%d+$')) then
          redis.call('ZADD', KEYS[1], ARGV[2], gid)
          out[#out + 1] = gid
          out[#out + 1] = {}
        else
          redis.call('HINCRBY', k, 'v', 1)
          redis.call('HINCRBY', k, 'e', 1)
          redis.call('HSET', k, 'o', ARGV[3], 'n', ARGV[2], 'u', ARGV[1])
          redis.call('ZADD', KEYS[1], ARGV[2], gid)
          out[#out + 1] = gid
          out[#out + 1] = redis.call('HGETALL', k)
        end
      end
      return out
      """),
  /**
   * One page of the shard's records in gid order. KEYS: ids. ARGV: min, max (ZRANGEBYLEX
   * bounds), count, record key prefix. Returns gid, hash, gid, hash... (an empty hash for a
   * record deleted meanwhile).
   */
  PAGE("""
      local gids = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], ARGV[2], 'LIMIT', 0,
        tonumber(ARGV[3]))
      local out = {}
      for _, gid in ipairs(gids) do
        out[#out + 1] = gid
        out[#out + 1] = redis.call('HGETALL', ARGV[4] .. gid)
      end
      return out
      """),
  /**
   * Delete finished records of the shard updated before a time. KEYS: fin, ids, due. ARGV:
   * cutoff, record key prefix, batch size. Only records that are still terminal and were last
   * updated before the cutoff go; an index entry for anything else is dropped or corrected, except
   * that of a record absent while the gid index still knows it (during a Cluster slot migration
   * it may not have arrived yet), which is kept for a later purge.
   * Returns {deleted, entries visited}.
   */
  PURGE("""
      local cutoff = tonumber(ARGV[1])
      local gids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0,
        tonumber(ARGV[3]))
      local n = 0
      for _, gid in ipairs(gids) do
        local k = ARGV[2] .. gid
        local f = redis.call('HMGET', k, 's', 'u')
        local terminal = f[1] == 'SUCCEEDED' or f[1] == 'FAILED'
        if terminal and tonumber(f[2]) ~= nil and tonumber(f[2]) < cutoff then
          redis.call('DEL', k)
          redis.call('ZREM', KEYS[2], gid)
          redis.call('ZREM', KEYS[3], gid)
          redis.call('ZREM', KEYS[1], gid)
          n = n + 1
        elseif terminal and tonumber(f[2]) ~= nil then
          redis.call('ZADD', KEYS[1], f[2], gid)
        elseif f[1] == false and redis.call('ZSCORE', KEYS[2], gid) ~= false then
          redis.call('ZADD', KEYS[1], ARGV[1], gid)
        else
          redis.call('ZREM', KEYS[1], gid)
        end
      end
      return {n, #gids}
      """);

  private final byte[] body;
  private final String sha;

  Scripts(String lua) {
    this.body = LuaScript.utf8(lua);
    this.sha = LuaScript.sha1(body);
  }

  @Override
  public byte[] body() {
    return body;
  }

  @Override
  public String sha() {
    return sha;
  }
}
