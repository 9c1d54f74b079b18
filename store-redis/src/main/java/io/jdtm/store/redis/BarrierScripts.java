package io.jdtm.store.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The barrier's Lua scripts, each run by its SHA1 ({@code EVALSHA}); a server that does not know
 * one (restarted, failed over, {@code SCRIPT FLUSH}) answers NOSCRIPT, and the script is then sent
 * whole ({@code EVAL}, which caches it again). Every script reads all it needs before its first
 * write, so that a refusal leaves nothing behind. Immutable, thread-safe.
 */
final class BarrierScripts {
  /**
   * One barrier call. KEYS[1]: the call's row; KEYS[2]: its origin's row (KEYS[1] again when the
   * op has none); KEYS[3..]: effect keys. ARGV[1]: 'probe' (no effects: write only what the rules
   * write without business) or 'apply'; ARGV[2]: '1' when the op has an origin; ARGV[3]: the row
   * value ('reason createdMillis'); ARGV[4]: '1' for a message's local transaction; then four
   * values per step: code, key index, a, b. Codes: g guard (value a), n guard (absent), s set a,
   * d delete, i incrby a, f incrby a refused below floor b. Answers {verdict, details...}.
   */
  static final String CALL = """
      local row = redis.call('GET', KEYS[1])
      if row then
        if ARGV[4] == '1' and string.sub(row, 1, 9) == 'rollback ' then
          return {'rolledback'}
        end
        return {'duplicate'}
      end
      if ARGV[2] == '1' and redis.call('SET', KEYS[2], ARGV[3], 'NX') then
        redis.call('SET', KEYS[1], ARGV[3])
        return {'null'}
      end
      if ARGV[1] == 'probe' then
        return {'run'}
      end
      local MAX = 9007199254740991
      local function int(v)
        if v == false then return 0 end
        if type(v) == 'number' then return v end
        if #v <= 17 and (v == '0' or string.match(v, '^%-?[1-9]%d*$')) then
          local n = tonumber(v)
          if n >= -MAX and n <= MAX then return n end
        end
        return nil
      end
      local sim = {}
      local n = #ARGV
      for i = 5, n, 4 do
        local code, k = ARGV[i], KEYS[tonumber(ARGV[i + 1])]
        local t = redis.call('TYPE', k)['ok']
        if t ~= 'none' and t ~= 'string' then
          return {'wrongtype', k, t}
        end
        if sim[k] == nil then
          sim[k] = redis.call('GET', k)
        end
        local v = sim[k]
        if code == 'g' then
          if v ~= ARGV[i + 2] then return {'conflict', k} end
        elseif code == 'n' then
          if v ~= false then return {'conflict', k} end
        elseif code == 's' then
          sim[k] = ARGV[i + 2]
        elseif code == 'd' then
          sim[k] = false
        else
          local cur = int(v)
          if cur == nil then return {'notinteger', k} end
          local new = cur + tonumber(ARGV[i + 2])
          if new < -MAX or new > MAX then return {'range', k} end
          if code == 'f' and new < tonumber(ARGV[i + 3]) then
            return {'floor', k, string.format('%d', cur)}
          end
          sim[k] = new
        end
      end
      redis.call('SET', KEYS[1], ARGV[3])
      for i = 5, n, 4 do
        local code, k = ARGV[i], KEYS[tonumber(ARGV[i + 1])]
        if code == 's' then
          redis.call('SET', k, ARGV[i + 2])
        elseif code == 'd' then
          redis.call('DEL', k)
        elseif code == 'i' or code == 'f' then
          redis.call('INCRBY', k, ARGV[i + 2])
        end
      end
      return {'applied'}
      """;

  /**
   * The check-back of a message. KEYS[1]: the row of its local transaction; ARGV[1]: the row a
   * check-back writes ('rollback createdMillis'). Answers rolledback-now, rolledback or committed.
   */
  static final String CHECK_BACK = """
      local row = redis.call('GET', KEYS[1])
      if not row then
        redis.call('SET', KEYS[1], ARGV[1])
        return {'rolledback-now'}
      end
      if string.sub(row, 1, 9) == 'rollback ' then
        return {'rolledback'}
      end
      return {'committed'}
      """;

  /** Deletes row KEYS[1] when it was created before ARGV[1] (epoch ms); 1 when it did. */
  static final String PURGE = """
      local row = redis.call('GET', KEYS[1])
      if row then
        local created = tonumber(string.match(row, ' (%d+)$'))
        if created and created < tonumber(ARGV[1]) then
          redis.call('DEL', KEYS[1])
          return {'1'}
        end
      end
      return {'0'}
      """;

  private final String[] sources = {CALL, CHECK_BACK, PURGE};
  private final String[] shas = new String[sources.length];

  /** The script whose {@code index} is one of these. */
  static final int RUN_CALL = 0;
  static final int RUN_CHECK_BACK = 1;
  static final int RUN_PURGE = 2;

  BarrierScripts() {
    for (int i = 0; i < sources.length; i++) {
      shas[i] = sha1(sources[i]);
    }
  }

  /** Loads every script (on a cluster, Lettuce sends SCRIPT LOAD to every node). */
  void load(RedisClusterCommands<String, String> commands) {
    for (int i = 0; i < sources.length; i++) {
      String sha = commands.scriptLoad(sources[i]);
      if (!shas[i].equalsIgnoreCase(sha)) {
        throw new IllegalStateException("Redis answered SHA1 " + sha + " for a script whose "
            + "SHA1 is " + shas[i]);
      }
    }
  }

  /** Runs script {@code index}; sends it whole when the server does not know it. */
  java.util.List<Object> run(RedisClusterCommands<String, String> commands, int index,
      String[] keys, String... args) {
    try {
      return commands.evalsha(shas[index], ScriptOutputType.MULTI, keys, args);
    } catch (RedisNoScriptException e) {
      return commands.eval(sources[index], ScriptOutputType.MULTI, keys, args);
    }
  }

  private static String sha1(String script) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-1", e);
    }
  }
}
